import { sql } from "kysely";
import { type AlertEvent, type AlertStatus, liveKeyOf, transitionAlert } from "../domain/alert.ts";
import type { Executor } from "./executor.ts";

/**
 * Raise an alert, or count a repeat on the live one of its key (migration 0018): one
 * statement, so concurrent raisers (other requests, other instances) make one row; the unique
 * `live_key` turns the second insert into the repeat. `raised` tells the caller whether this
 * call made the alert (and so should tell people about it).
 */
export async function insertOrRepeatAlert(
  db: Executor,
  alert: {
    id: string;
    kind: string;
    subjectId: string;
    detail: Record<string, unknown>;
    now: number;
    appId: string | null;
  },
): Promise<{ alertId: string; raised: boolean; repeatCount: number }> {
  const row = await db
    .insertInto("alerts")
    .values({
      id: alert.id,
      kind: alert.kind,
      subject_id: alert.subjectId,
      detail: JSON.stringify(alert.detail),
      created_at: alert.now,
      app_id: alert.appId,
      acknowledged_at: null,
      acknowledged_by: null,
      note: null,
      resolved_at: null,
      resolved_by: null,
      resolution_note: null,
      last_seen_at: alert.now,
      live_key: liveKeyOf(alert),
    })
    .onConflict((conflict) =>
      conflict.column("live_key").doUpdateSet({
        repeat_count: sql<number>`alerts.repeat_count + 1`,
        last_seen_at: sql<number>`excluded.last_seen_at`,
      }),
    )
    .returning(["id", "repeat_count"])
    .executeTakeFirstOrThrow();
  return { alertId: row.id, raised: row.id === alert.id, repeatCount: Number(row.repeat_count) };
}

/**
 * Move an alert by its table (domain/alert.ts), compare-and-set on the status read: false
 * when the move is not legal from the status it has now (a second acknowledge, anything after
 * resolve), or another operator moved it first. Resolving frees its key for a new alert.
 * `by` is the operator's id, or `kassa:<what>` when Kassa found it dealt with itself.
 */
export async function moveAlert(
  db: Executor,
  change: {
    alertId: string;
    from: AlertStatus;
    event: AlertEvent;
    by: string;
    note: string | null;
    now: number;
  },
): Promise<boolean> {
  const move = transitionAlert(change.from, change.event);
  if (!move.ok) return false;
  const set =
    change.event === "acknowledge"
      ? { acknowledged_at: change.now, acknowledged_by: change.by, note: change.note }
      : {
          resolved_at: change.now,
          resolved_by: change.by,
          resolution_note: change.note,
          live_key: null,
        };
  const row = await db
    .updateTable("alerts")
    .set({ ...set, status: move.to })
    .where("id", "=", change.alertId)
    .where("status", "=", change.from)
    .returning("id")
    .executeTakeFirst();
  return row !== undefined;
}
