import { orderUserId } from "../../db/orders-repo.ts";
import { markFailedAtChannel } from "../../db/payments-repo.ts";
import type { Payment } from "../../domain/payment.ts";
import type { AppDeps } from "../deps.ts";
import { recordRiskSignal } from "./risk-monitor.ts";

/**
 * The channel said a payment failed (WeChat Pay `PAYERROR`, §5.2): a failed payment for the
 * pay-failure rules (domain/risk.ts), like a refused pay call or a cancel. Query-back, confirm
 * and the close may each see it; the payment's compare-and-set lets one of them count it.
 * Only the payer's rule counts: a query has no client address.
 */
export async function countFailureAtChannel(deps: AppDeps, payment: Payment): Promise<void> {
  if (!(await markFailedAtChannel(deps.db, payment.id, deps.clock.now()))) return;
  await recordRiskSignal(deps, "pay_failed", {
    appId: payment.appId,
    user: await orderUserId(deps.db, payment.orderId),
  });
}
