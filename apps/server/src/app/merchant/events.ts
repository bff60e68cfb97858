import { listEventsOfApp } from "../../db/merchant-events-repo.ts";
import type { AppDeps } from "../deps.ts";
import { decodeCursor, encodeCursor } from "./cursor.ts";

/** An outbox event as the feed (and, later, webhooks) deliver it; payloads: domain/events.ts. */
export interface EventView {
  id: string;
  type: string;
  orderId: string;
  payload: Record<string, unknown>;
  createdAt: string;
}

const EVENT_ID = /^evt_[0-9a-z]{1,60}$/;

/**
 * The app's events, oldest first, after `after`. `nextCursor` is where to resume: the last
 * event's position, or the same `after` when nothing new has happened, so a poller always
 * has a cursor to send next time.
 */
export async function listAppEvents(
  deps: AppDeps,
  input: { appId: string; limit: number; after: string | undefined },
): Promise<{ data: EventView[]; hasMore: boolean; nextCursor: string | null }> {
  const after =
    input.after === undefined ? undefined : decodeCursor(input.after, EVENT_ID, "querystring/after");
  const rows = await listEventsOfApp(deps.db, { appId: input.appId, after, limit: input.limit + 1 });
  const page = rows.slice(0, input.limit);
  const last = page.at(-1);
  return {
    data: page.map((row) => ({
      id: row.id,
      type: row.type,
      orderId: row.aggregate_id,
      payload: JSON.parse(row.payload) as Record<string, unknown>,
      createdAt: new Date(row.created_at).toISOString(),
    })),
    hasMore: rows.length > input.limit,
    nextCursor: last ? encodeCursor({ createdAt: last.created_at, id: last.id }) : (input.after ?? null),
  };
}
