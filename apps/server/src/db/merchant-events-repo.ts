import type { Executor } from "./executor.ts";

export interface EventPosition {
  createdAt: number;
  id: string;
}

/** An app's outbox events, oldest first, after a position: the feed webhooks will push. */
export async function listEventsOfApp(
  db: Executor,
  query: { appId: string; after: EventPosition | undefined; limit: number },
) {
  const { after } = query;
  let rows = db
    .selectFrom("outbox_events")
    .select(["id", "type", "aggregate_id", "payload", "created_at"])
    .where("app_id", "=", query.appId);
  if (after) {
    rows = rows.where((eb) =>
      eb.or([
        eb("created_at", ">", after.createdAt),
        eb.and([eb("created_at", "=", after.createdAt), eb("id", ">", after.id)]),
      ]),
    );
  }
  return rows.orderBy("created_at").orderBy("id").limit(query.limit).execute();
}
