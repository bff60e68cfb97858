import { billApplicationProblem, checkBillFile, decodeBillText } from "../bill/bill-file.ts";
import { type FundFlowBill, parseFundFlowBill } from "../bill/fund-flow-bill.ts";
import { parseTradeBill, type TradeBill } from "../bill/trade-bill.ts";
import { RequestValidationError, WechatPayError } from "../errors.ts";
import type { ApiCall, ApiRequester } from "../requester.ts";
import type { BillApplication, FundFlowAccountType, TradeBillType } from "../types.ts";

/**
 * Bills (§5.7): apply for a day's bill, download the file it points to, check the file's
 * SHA-1 against the application, parse it. Each step is exported on its own so that a
 * caller can, for instance, keep the checked file before parsing it.
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
 * is trusted only once its SHA-1 matches the application's `hash_value`.
 */
export async function downloadBillFile(
  context: BillContext,
  application: BillApplication,
  gzipped: boolean,
): Promise<Buffer> {
  const data = await context.requester.download(application.download_url, "bill.download");
  return checkBillFile(data, application, gzipped);
}

/** Apply → download → check → parse, for one day's trade bill. */
export async function downloadTradeBill(context: BillContext, query: TradeBillQuery): Promise<TradeBill> {
  const application = await applyTradeBill(context, query);
  const file = await downloadBillFile(context, application, query.tar_type === "GZIP");
  return parseTradeBill(decodeBillText(file));
}

/** Apply → download → check → parse, for one day's fund-flow bill of one account. */
export async function downloadFundFlowBill(
  context: BillContext,
  query: FundFlowBillQuery,
): Promise<FundFlowBill> {
  const application = await applyFundFlowBill(context, query);
  const file = await downloadBillFile(context, application, query.tar_type === "GZIP");
  return parseFundFlowBill(decodeBillText(file));
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
