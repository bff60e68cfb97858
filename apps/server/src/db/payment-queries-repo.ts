import type { Executor } from "./executor.ts";

/** A query of the channel about a payment, for the order's timeline (migration 0012). */
export async function insertPaymentQuery(
  db: Executor,
  query: { id: string; appId: string; paymentId: string; reason: string; outcome: string; now: number },
): Promise<void> {
  await db
    .insertInto("payment_queries")
    .values({
      id: query.id,
      app_id: query.appId,
      payment_id: query.paymentId,
      reason: query.reason,
      outcome: query.outcome,
      queried_at: query.now,
    })
    .execute();
}

export async function queriesOfPayments(db: Executor, appId: string, paymentIds: readonly string[]) {
  if (paymentIds.length === 0) return [];
  return db
    .selectFrom("payment_queries")
    .select(["payment_id", "reason", "outcome", "queried_at"])
    .where("app_id", "=", appId)
    .where("payment_id", "in", paymentIds)
    .orderBy("queried_at")
    .orderBy("id")
    .execute();
}
