import { postedAmountFen } from "../../db/reconciliation-match-repo.ts";
import { inTransaction } from "../../db/transaction.ts";
import { feesAccount } from "../../domain/ledger.ts";
import { ledgerEntryFor } from "../../domain/ledger-postings.ts";
import type { ExternalChannelName } from "../../domain/payment.ts";
import { bookEntry } from "../book-entry.ts";
import type { AppDeps } from "../deps.ts";
import { type RunContext, recordFound } from "./difference-recorder.ts";

/**
 * Posts the day's fees, as the channel's fund flow booked them for this app's payments and
 * refunds, to the ledger's `<channel>:fees` account: one entry per app and day, whose cause
 * (`channel_fees`, `<channel>:<day>`) the ledger keeps unique, so a re-run posts nothing
 * twice. A re-run that finds other fees than were posted (the bill changed) records a
 * fee_differs difference rather than a second entry. Returns what the ledger holds.
 */
export async function postDayFees(deps: AppDeps, run: RunContext, feesFen: number): Promise<number> {
  const channel = run.channel as ExternalChannelName;
  const causeId = `${channel}:${run.day}`;
  if (feesFen !== 0) {
    const draft = ledgerEntryFor({ rule: "channel_fees", channel, day: run.day, amountFen: feesFen });
    await inTransaction(deps.db, (trx) =>
      bookEntry(trx, deps, { appId: run.appId, ...draft, orderId: null, now: deps.clock.now() }),
    );
  }
  const posted =
    (await postedAmountFen(deps.db, {
      appId: run.appId,
      causeType: "channel_fees",
      causeId,
      account: feesAccount(channel),
    })) ?? 0;
  if (posted !== feesFen) {
    await recordFound(deps, run, {
      class: "fee_differs",
      subject: `posted:${causeId}`,
      billAmountFen: feesFen,
      ledgerAmountFen: posted,
      detail: { fundFlowFeesFen: feesFen, postedFeesFen: posted },
      action:
        "the day's fees were posted by an earlier run and the fund flow now books others; post the difference by hand",
      status: "open",
    });
  }
  return posted;
}
