import { syncPaymentWithChannel } from "../app/sync-payment.ts";
import { findPaymentOfOrder } from "../db/payments-repo.ts";
import type { JobHandler } from "./job-handler.ts";

/** Poll gaps while an order is pending: soon after pay, then every ten minutes. */
const POLL_GAPS_MS = [60_000, 120_000, 300_000, 600_000];

/**
 * Query-back (reference §4.6: "if no notification arrives, query the order"): while a payment
 * is pending, ask WeChat Pay on a schedule, and stop at its time_expire, where the expiry
 * job takes over. A failed query is thrown and retried by the worker with backoff.
 */
export const orderQueryJob: JobHandler<"order.query"> = async (deps, { orderId }, job) => {
  const payment = await findPaymentOfOrder(deps.db, orderId);
  if (!payment || (payment.status !== "PENDING" && payment.status !== "CLOSING")) return { kind: "done" };
  const now = deps.clock.now();
  if (now >= payment.expiresAt) return { kind: "done" };
  const truth = await syncPaymentWithChannel(deps, payment, "query-back");
  if (truth.state === "paid" || truth.state === "closed") return { kind: "done" };
  const gap = POLL_GAPS_MS[Math.min(job.attempts - 1, POLL_GAPS_MS.length - 1)] ?? 600_000;
  return {
    kind: "again",
    runAt: Math.min(now + gap, payment.expiresAt),
    note: `channel says ${truth.state}`,
  };
};
