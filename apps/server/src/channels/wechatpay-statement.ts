import {
  type CheckedBillFile,
  streamFundFlowBill,
  streamTradeBill,
  type WechatPayClient,
} from "@kassa/wechatpay";
import { ChannelError } from "./channel-error.ts";
import type { ChannelStatement, StatementEntry, StatementSource } from "./statement.ts";
import { toChannelError, wechatCodeOf } from "./wechatpay-errors.ts";
import { feeEntryOf, statementEntryOf } from "./wechatpay-statement-mapping.ts";

/**
 * A day's statement from WeChat Pay (§5.7): the ALL trade bill and the BASIC fund-flow bill,
 * both downloaded gzipped to temporary files and checked against their SHA-1 before the
 * first entry is given out; then both are streamed, row by row, and removed once the
 * entries are read (or dropped with `entries.return()`).
 */
export async function wechatPayStatement(client: WechatPayClient, day: string): Promise<ChannelStatement> {
  const files: CheckedBillFile[] = [];
  try {
    const trade = await billOf(() =>
      client.bills.downloadTradeBillFile({ bill_date: day, bill_type: "ALL", tar_type: "GZIP" }),
    );
    if (trade === "not_ready") return { status: "not_ready" };
    if (trade !== "none") files.push(trade);
    const fundFlow = await billOf(() =>
      client.bills.downloadFundFlowBillFile({ bill_date: day, account_type: "BASIC", tar_type: "GZIP" }),
    );
    if (fundFlow === "not_ready") {
      await removeAll(files);
      return { status: "not_ready" };
    }
    if (fundFlow !== "none") files.push(fundFlow);
    return statementOfFiles(trade === "none" ? undefined : trade, fundFlow === "none" ? undefined : fundFlow);
  } catch (error) {
    await removeAll(files);
    throw error instanceof ChannelError ? error : toChannelError(error, "read");
  }
}

/** §5.7: a day's bill exists after 10:00 Beijing time the next day; a day without movement has none. */
async function billOf(
  download: () => Promise<CheckedBillFile>,
): Promise<CheckedBillFile | "not_ready" | "none"> {
  try {
    return await download();
  } catch (error) {
    const code = wechatCodeOf(error);
    if (code === "STATEMENT_CREATING") return "not_ready";
    if (code === "NO_STATEMENT_EXIST") return "none";
    throw error;
  }
}

/**
 * The statement of two checked bill files (either may be absent: a day without trades or
 * without movements has no bill), which it removes when its entries end or are dropped.
 * Exported for bench/reconcile.ts, which reads files from disk instead of WeChat Pay.
 */
export function statementOfFiles(
  trade: CheckedBillFile | undefined,
  fundFlow: CheckedBillFile | undefined,
): ChannelStatement {
  return { status: "ready", entries: entriesOf(trade, fundFlow) };
}

async function* entriesOf(
  trade: CheckedBillFile | undefined,
  fundFlow: CheckedBillFile | undefined,
): AsyncGenerator<StatementEntry, void, undefined> {
  try {
    if (trade) {
      for await (const event of streamTradeBill(trade.lines(), { unreadableRows: "report" })) {
        if (event.kind === "row") yield mapped("trade", event.line, () => statementEntryOf(event.row));
        else if (event.kind === "unreadable") yield unreadable("trade", event.line, event.problem, event.key);
        else {
          const { summary } = event;
          yield {
            kind: "totals",
            rows: summary.tradeCount,
            paymentsFen: summary.totalFen ?? summary.settlementTotalFen,
            refundsFen: summary.appliedRefundFen ?? summary.refundFen ?? 0,
            feeMilliFen: summary.feeMilliFen,
          };
        }
      }
    }
    if (fundFlow) {
      for await (const event of streamFundFlowBill(fundFlow.lines(), { unreadableRows: "report" })) {
        if (event.kind === "row") {
          const entry = mapped("fund_flow", event.line, () => feeEntryOf(event.row));
          if (entry) yield entry;
        } else if (event.kind === "unreadable") {
          yield unreadable("fund_flow", event.line, event.problem, { outTradeNo: event.key.voucherNo });
        }
      }
    }
  } catch (error) {
    throw error instanceof ChannelError ? error : toChannelError(error, "read");
  } finally {
    await removeAll([trade, fundFlow]);
  }
}

/** A row the bill parser read but Kassa cannot map (an unreadable time) is unreadable too. */
function mapped<T extends StatementEntry | undefined>(
  source: StatementSource,
  line: number,
  map: () => T,
): T | StatementEntry {
  try {
    return map();
  } catch (error) {
    if (!(error instanceof ChannelError)) throw error;
    return unreadable(source, line, error.message, {});
  }
}

function unreadable(
  source: StatementSource,
  line: number,
  problem: string,
  key: Readonly<Record<string, string | undefined>>,
): StatementEntry {
  return {
    kind: "unreadable",
    source,
    line,
    problem,
    outTradeNo: key.outTradeNo,
    outRefundNo: key.outRefundNo,
  };
}

async function removeAll(files: readonly (CheckedBillFile | undefined)[]): Promise<void> {
  await Promise.all(files.map((file) => file?.remove()));
}
