import type { ChannelOrderState } from "../channels/payment-channel.ts";
import type { Payment } from "../domain/payment.ts";
import { applyPayment } from "./apply-payment.ts";
import type { AppDeps } from "./deps.ts";

/**
 * Ask the channel what happened to a payment (§5.2) and apply a payment it reports. Used by
 * confirm, by the query-back job and before closing: the query is the answer to every
 * "we did not hear" (a lost notification, a lost prepay answer, a probe).
 */
export async function syncPaymentWithChannel(
  deps: AppDeps,
  payment: Payment,
  reason: string,
): Promise<ChannelOrderState> {
  const state = await deps.apps.channelOf(payment).query(payment.outTradeNo);
  if (state.state === "paid") await applyPayment(deps, state.payment, { kind: "query", reason });
  return state;
}
