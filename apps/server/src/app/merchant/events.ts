import { listEventsOfApp } from "../../db/merchant-events-repo.ts";
import { KassaError } from "../../domain/errors.ts";
import { EVENT_SUBJECTS, type EventType } from "../../domain/events.ts";
import type { AppDeps } from "../deps.ts";

/** An outbox event as the feed (and, later, webhooks) deliver it; payloads: domain/events.ts. */
export interface EventView {
  id: string;
  type: string;
  /** The order it is about; null for a wallet's event with no order (an operator's adjustment). */
  orderId: string | null;
  /** Its object, whose events `sequence` numbers: an order (`ord_…`) or a wallet (`wallet:usr_…`). */
  subject: string;
  payload: Record<string, unknown>;
  createdAt: string;
  /** The event's number among its subject's events (1, 2, ...), as webhooks carry it. */
  sequence: number;
}

/**
 * An order's events are about the order they name; another object's (a wallet's) may name
 * one in their payload. Types this code does not know (none yet) are taken as an order's.
 */
function orderIdOf(type: string, subject: string, payload: Record<string, unknown>): string | null {
  if ((EVENT_SUBJECTS[type as EventType] ?? "order") === "order") return subject;
  return typeof payload.orderId === "string" ? payload.orderId : null;
}

/** The cursor is the last event's `seq`, base64url-encoded: opaque, and only ever within the key's app. */
function encodeCursor(seq: number): string {
  return Buffer.from(`evt:${seq}`, "utf8").toString("base64url");
}

function decodeCursor(cursor: string): number {
  const text = /^[A-Za-z0-9_-]{1,64}$/.test(cursor) ? Buffer.from(cursor, "base64url").toString("utf8") : "";
  const seq = Number(/^evt:([0-9]{1,16})$/.exec(text)?.[1] ?? Number.NaN);
  if (!Number.isSafeInteger(seq))
    throw new KassaError("REQUEST_INVALID", {
      issues: [
        {
          field: "querystring/after",
          issue:
            "not a cursor Kassa gave: send back the last nextCursor unchanged, or none to start at the first event",
        },
      ],
    });
  return seq;
}

/**
 * The app's events, oldest first, after `after`. `nextCursor` is where to resume: the last
 * event's position, or the same `after` when nothing new has happened, so a poller always
 * has a cursor to send next time. On PostgreSQL a sequence number is taken at insert, not at
 * commit: a transaction that commits after a later one can appear behind a cursor already
 * read past (a window of one commit). Webhooks (issue 11) do not have that gap: their deliveries are written with the event.
 */
export async function listAppEvents(
  deps: AppDeps,
  input: { appId: string; limit: number; after: string | undefined },
): Promise<{ data: EventView[]; hasMore: boolean; nextCursor: string | null }> {
  const afterSeq = input.after === undefined ? undefined : decodeCursor(input.after);
  const rows = await listEventsOfApp(deps.db, { appId: input.appId, afterSeq, limit: input.limit + 1 });
  const page = rows.slice(0, input.limit);
  const last = page.at(-1);
  return {
    data: page.map((row) => {
      const payload = JSON.parse(row.payload) as Record<string, unknown>;
      return {
        id: row.id,
        type: row.type,
        orderId: orderIdOf(row.type, row.aggregate_id, payload),
        subject: row.aggregate_id,
        payload,
        createdAt: new Date(row.created_at).toISOString(),
        sequence: row.aggregate_seq ?? 0,
      };
    }),
    hasMore: rows.length > input.limit,
    nextCursor: last ? encodeCursor(last.seq) : (input.after ?? null),
  };
}
