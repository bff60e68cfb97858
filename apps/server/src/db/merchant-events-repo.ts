import type { Executor } from "./executor.ts";

/**
 * An app's outbox events, oldest first, after a position in `seq` (the order they were
 * written in, migration 0005): the same events webhooks push.
 */
export async function listEventsOfApp(
  db: Executor,
  query: { appId: string; afterSeq: number | undefined; limit: number },
) {
  let rows = db
    .selectFrom("outbox_events")
    .select(["id", "type", "aggregate_id", "payload", "created_at", "seq", "aggregate_seq"])
    .where("app_id", "=", query.appId);
  if (query.afterSeq !== undefined) rows = rows.where("seq", ">", query.afterSeq);
  return rows.orderBy("seq").limit(query.limit).execute();
}
