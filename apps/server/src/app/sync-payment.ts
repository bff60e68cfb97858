import type { ChannelOrderState } from "../channels/payment-channel.ts";
import { insertPaymentQuery } from "../db/payment-queries-repo.ts";
import { makeId } from "../domain/ids.ts";
import type { Payment } from "../domain/payment.ts";
import { applyPayment } from "./apply-payment.ts";
import type { AppDeps } from "./deps.ts";
import { countFailureAtChannel } from "./risk/channel-failures.ts";

/** For the order's timeline (issue 8 §5: "queried"); outside any transaction, like the query. */
async function recordPaymentQuery(
  deps: AppDeps,
  query: { payment: Payment; reason: string; outcome: string },
): Promise<void> {
  await insertPaymentQuery(deps.db, {
    id: makeId("paymentQuery", deps.ids),
    appId: query.payment.appId,
    paymentId: query.payment.id,
    reason: query.reason,
    outcome: query.outcome,
    now: deps.clock.now(),
  });
}

/**
 * Ask the channel what happened to a payment (§5.2) and apply a payment it reports, or count
 * a payment it says failed for the risk rules. Used by
 * confirm, by the query-back job and before closing: the query is the answer to every
 * "we did not hear" (a lost notification, a lost prepay answer, a probe).
 */
export async function syncPaymentWithChannel(
  deps: AppDeps,
  payment: Payment,
  reason: string,
): Promise<ChannelOrderState> {
  let state: ChannelOrderState;
  try {
    state = await deps.apps.channelOf(payment).query(payment.outTradeNo);
  } catch (error) {
    await recordPaymentQuery(deps, { payment, reason, outcome: "failed" });
    throw error;
  }
  await recordPaymentQuery(deps, { payment, reason, outcome: state.state });
  if (state.state === "paid") await applyPayment(deps, state.payment, { kind: "query", reason });
  else if (state.state === "closed" && state.failed) await countFailureAtChannel(deps, payment);
  return state;
}
