import type { RefundView } from "../src/app/refund-view.ts";
import { type RefundRequest, requestRefund } from "../src/app/request-refund.ts";
import { DEMO_MERCHANT } from "../src/channels/demo-sandbox.ts";
import { findRefundById } from "../src/db/refunds-repo.ts";
import type { Refund, RefundStatus } from "../src/domain/refund.ts";
import type { KassaUnderTest } from "./kassa-harness.ts";

/** Refund through the use case, as the merchant API's POST does (no Idempotency-Key). */
export async function refundThroughUseCase(
  kassa: KassaUnderTest,
  input: Omit<RefundRequest, "appId" | "reason" | "returnStock"> & Partial<RefundRequest>,
): Promise<RefundView> {
  const request: RefundRequest = { appId: "app_default", reason: undefined, returnStock: false, ...input };
  const answer = await requestRefund(
    kassa.running.kassa.deps,
    { appId: request.appId, idempotencyKey: undefined, method: "POST", path: "/test", body: request },
    request,
  );
  return answer.body as RefundView;
}

export async function storedRefund(kassa: KassaUnderTest, refundId: string): Promise<Refund> {
  const refund = await findRefundById(kassa.running.kassa.deps.db, refundId);
  if (!refund) throw new Error(`refund ${refundId} is not stored`);
  return refund;
}

/** Wait until Kassa has applied the simulator's word (its notification is its own HTTP request). */
export async function untilRefundIs(
  kassa: KassaUnderTest,
  refundId: string,
  status: RefundStatus,
): Promise<Refund> {
  for (let tries = 0; tries < 250; tries += 1) {
    const refund = await storedRefund(kassa, refundId);
    if (refund.status === status) return refund;
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
  throw new Error(`refund ${refundId} never became ${status}`);
}

/** The simulator's own record of the refunds of one payment: the channel's truth. */
export const refundsAtChannel = (kassa: KassaUnderTest, outTradeNo: string) =>
  kassa.sandbox.admin.listRefunds({ mchid: DEMO_MERCHANT.mchid, outTradeNo });

/** The refund's ledger entries (cause refund_succeeded): one per succeeded refund, never two. */
export async function refundEntries(kassa: KassaUnderTest, refundId: string): Promise<number> {
  const rows = await kassa.running.kassa.deps.db
    .selectFrom("ledger_entries")
    .select("seq")
    .where("cause_type", "=", "refund_succeeded")
    .where("cause_id", "=", refundId)
    .execute();
  return rows.length;
}

/** Settle what is due at the simulator (60 s of virtual time) and run Kassa's due jobs. */
export async function aMinuteLater(kassa: KassaUnderTest): Promise<void> {
  await kassa.sandbox.admin.advanceClock(61_000);
  await kassa.runJobs();
}

/** The outbox events of an order, in order: what webhooks deliver. */
export async function eventsOfOrder(kassa: KassaUnderTest, orderId: string): Promise<string[]> {
  const rows = await kassa.running.kassa.deps.db
    .selectFrom("outbox_events")
    .select("type")
    .where("aggregate_id", "=", orderId)
    .orderBy("aggregate_seq")
    .execute();
  return rows.map((row) => row.type);
}
