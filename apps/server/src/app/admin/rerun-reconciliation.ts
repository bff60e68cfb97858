import { inTransaction } from "../../db/transaction.ts";
import type { ExternalChannelName } from "../../domain/payment.ts";
import type { AppDeps } from "../deps.ts";
import { scheduleRerun } from "../merchant/reconciliation.ts";
import { type Actor, audit } from "./audit.ts";

/**
 * An operator reconciles a day again (issue 12, the console's reconciliation page): the
 * merchant API's re-run (the day's job scheduled now, a no-op when it already waits), audited
 * in the same transaction. Scheduling twice runs the day once more at most, so the console
 * needs no Idempotency-Key here.
 */
export async function rerunReconciliationByOperator(
  deps: AppDeps,
  actor: Actor,
  input: { appId: string; channel: ExternalChannelName; day: string },
): Promise<{ day: string; channel: string; scheduled: true }> {
  return inTransaction(deps.db, async (trx) => {
    const answer = await scheduleRerun(deps, trx, input);
    await audit({ ...deps, db: trx }, actor, {
      action: "reconciliation.rerun",
      objectType: "reconciliation_day",
      objectId: `${input.channel}:${input.day}`,
      appId: input.appId,
    });
    return answer;
  });
}
