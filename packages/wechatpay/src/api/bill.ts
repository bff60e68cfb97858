import { type BillFileOptions, type CheckedBillFile, receiveBillFile } from "../bill/bill-download.ts";
import { billApplicationProblem } from "../bill/bill-file.ts";
import type { BillEvent } from "../bill/bill-parser.ts";
import { type FundFlowBill, streamFundFlowBill } from "../bill/fund-flow-bill.ts";
import { streamTradeBill, type TradeBill } from "../bill/trade-bill.ts";
import { RequestValidationError, WechatPayError } from "../errors.ts";
import type { ApiCall, ApiRequester } from "../requester.ts";
import type { BillApplication, FundFlowAccountType, TradeBillType } from "../types.ts";

/**
 * Bills (§5.7): apply for a day's bill, download the file it points to as a stream into a
 * temporary file while hashing it, check the SHA-1 against the application, then parse it
 * line by line. Memory stays bounded whatever the bill's size: a caller that wants rows as
 * they come takes the checked file (`downloadTradeBillFile`) and streams it
 * (`streamTradeBill(file.lines(), { unreadableRows: "report" })`), then removes it.
 */

/** Bills need only the requester; the client's `EndpointContext` fits as it is. */
export interface BillContext {
  requester: ApiRequester;
}

export interface TradeBillQuery {
  /** The bill's day in Beijing time, `YYYY-MM-DD`; ready after 10:00 the next day, kept 3 months (§5.7). */
  bill_date: string;
  bill_type: TradeBillType;
  /** Ask for a gzip stream; the hash still covers the uncompressed file. */
  tar_type?: "GZIP";
}

export interface FundFlowBillQuery {
  bill_date: string;
  account_type: FundFlowAccountType;
  tar_type?: "GZIP";
}

// Records, so that the compiler says when types.ts gains a value these lists lack.
const TRADE_BILL_TYPES: Readonly<Record<TradeBillType, true>> = {
  ALL: true,
  SUCCESS: true,
  REFUND: true,
  RECHARGE_REFUND: true,
  ALL_SPECIAL: true,
  SUC_SPECIAL: true,
  REF_SPECIAL: true,
};
const FUND_FLOW_ACCOUNT_TYPES: Readonly<Record<FundFlowAccountType, true>> = {
  BASIC: true,
  OPERATION: true,
  FEES: true,
};

/** §5.7 `GET /v3/bill/tradebill`. */
export async function applyTradeBill(context: BillContext, query: TradeBillQuery): Promise<BillApplication> {
  checkOneOf("bill_type", query.bill_type, TRADE_BILL_TYPES);
  return apply(context, "/v3/bill/tradebill", "bill.tradebill", query, { bill_type: query.bill_type });
}

/** §5.7 `GET /v3/bill/fundflowbill`. */
export async function applyFundFlowBill(
  context: BillContext,
  query: FundFlowBillQuery,
): Promise<BillApplication> {
  checkOneOf("account_type", query.account_type, FUND_FLOW_ACCOUNT_TYPES);
  return apply(context, "/v3/bill/fundflowbill", "bill.fundflowbill", query, {
    account_type: query.account_type,
  });
}

/**
 * §5.7 "Download": a signed GET of `download_url` whose answer is not signed (§3.3), so it
 * is trusted only once its SHA-1 matches the application's `hash_value`. The body goes to a
 * temporary file as it arrives (gunzipped first when `gzipped`); the caller removes it.
 */
export async function downloadBillFile(
  context: BillContext,
  application: BillApplication,
  gzipped: boolean,
  options: BillFileOptions = {},
): Promise<CheckedBillFile> {
  const body = await context.requester.download(application.download_url, "bill.download");
  return receiveBillFile(body, application, gzipped, options);
}

/** Apply → download → check, for one day's trade bill: the checked file, to stream. */
export async function downloadTradeBillFile(
  context: BillContext,
  query: TradeBillQuery,
  options: BillFileOptions = {},
): Promise<CheckedBillFile> {
  const application = await applyTradeBill(context, query);
  return downloadBillFile(context, application, query.tar_type === "GZIP", options);
}

/** Apply → download → check, for one day's fund-flow bill of one account. */
export async function downloadFundFlowBillFile(
  context: BillContext,
  query: FundFlowBillQuery,
  options: BillFileOptions = {},
): Promise<CheckedBillFile> {
  const application = await applyFundFlowBill(context, query);
  return downloadBillFile(context, application, query.tar_type === "GZIP", options);
}

/** Apply → download → check → parse, for one day's trade bill, its rows in memory. */
export async function downloadTradeBill(context: BillContext, query: TradeBillQuery): Promise<TradeBill> {
  const file = await downloadTradeBillFile(context, query);
  return collect(file, streamTradeBill(file.lines()));
}

/** Apply → download → check → parse, for one day's fund-flow bill of one account. */
export async function downloadFundFlowBill(
  context: BillContext,
  query: FundFlowBillQuery,
): Promise<FundFlowBill> {
  const file = await downloadFundFlowBillFile(context, query);
  return collect(file, streamFundFlowBill(file.lines()));
}

/** For callers that want a small bill whole: the strict parse, and the file removed after. */
async function collect<Row, Summary>(
  file: CheckedBillFile,
  events: AsyncIterable<BillEvent<Row, Summary>>,
): Promise<{ rows: Row[]; summary: Summary }> {
  try {
    const rows: Row[] = [];
    let summary: Summary | undefined;
    for await (const event of events) {
      if (event.kind === "row") rows.push(event.row);
      else if (event.kind === "summary") summary = event.summary;
    }
    // streamBill throws at the end when the summary never came, so it is there.
    return { rows, summary: summary as Summary };
  } finally {
    await file.remove();
  }
}

async function apply(
  context: BillContext,
  path: string,
  operation: string,
  common: { bill_date: string; tar_type?: "GZIP" },
  typeParameter: Readonly<Record<string, string>>,
): Promise<BillApplication> {
  checkBillDate(common.bill_date);
  if (common.tar_type !== undefined && common.tar_type !== "GZIP") {
    throw new RequestValidationError("tar_type", `must be GZIP or left out, got ${String(common.tar_type)}`);
  }
  // The query's order is the order on the wire and in the signed URL (§2).
  const call: ApiCall = {
    method: "GET",
    path,
    query: {
      bill_date: common.bill_date,
      ...typeParameter,
      ...(common.tar_type === undefined ? {} : { tar_type: common.tar_type }),
    },
    kind: "read",
    operation,
  };
  const result = await context.requester.call<BillApplication>(call);
  const problem = billApplicationProblem(result.data);
  if (problem !== undefined) {
    // It verified, so it is WeChat Pay's; asking again is safe and usually enough.
    throw new WechatPayError("API_RESPONSE_INVALID", `${operation}: ${problem}`, {
      retryable: true,
      diagnostics: { operation, status: result.status, requestId: result.requestId },
    });
  }
  return result.data;
}

/** `YYYY-MM-DD` naming a real calendar day; WeChat Pay would answer 400 PARAM_ERROR (§5.8). */
function checkBillDate(billDate: string): void {
  const match = /^(\d{4})-(\d{2})-(\d{2})$/.exec(billDate);
  if (match === null || !isCalendarDay(Number(match[1]), Number(match[2]), Number(match[3]))) {
    throw new RequestValidationError(
      "bill_date",
      `must be a calendar day written YYYY-MM-DD, got "${billDate}"`,
    );
  }
}

function isCalendarDay(year: number, month: number, day: number): boolean {
  const date = new Date(Date.UTC(year, month - 1, day));
  return date.getUTCFullYear() === year && date.getUTCMonth() === month - 1 && date.getUTCDate() === day;
}

function checkOneOf(field: string, value: string, allowed: Readonly<Record<string, true>>): void {
  if (!Object.hasOwn(allowed, value)) {
    throw new RequestValidationError(
      field,
      `must be one of ${Object.keys(allowed).join(", ")}, got ${value}`,
    );
  }
}
