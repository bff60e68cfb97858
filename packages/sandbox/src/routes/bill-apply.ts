import { checkBillAvailable, readBillDate } from "../bills/bill-calendar.ts";
import { issueBillDownload } from "../bills/bill-downloads.ts";
import { type FundFlowAccount, fundFlowBillFile } from "../bills/fund-flow-bill-writer.ts";
import { type GeneratedTradeBillType, tradeBillFile } from "../bills/trade-bill-writer.ts";
import type { MerchantCall, MerchantEndpoint } from "../http/merchant-endpoint.ts";
import { paramError, WechatApiError } from "../wechat-error.ts";

/**
 * §5.7 bill applications: `GET /v3/bill/tradebill?bill_date&bill_type&tar_type` and
 * `GET /v3/bill/fundflowbill?bill_date&account_type&tar_type` → `{hash_type: "SHA1",
 * hash_value, download_url}`. A day without any row has no bill: NO_STATEMENT_EXIST.
 */

const TRADE_BILL_TYPES: readonly GeneratedTradeBillType[] = ["ALL", "SUCCESS", "REFUND"];
/** Documented for direct merchants (§5.7) but about products the simulator does not have. */
const NOT_GENERATED = ["RECHARGE_REFUND", "ALL_SPECIAL", "SUC_SPECIAL", "REF_SPECIAL"];
const ACCOUNTS: readonly FundFlowAccount[] = ["BASIC", "OPERATION", "FEES"];

export const tradeBillEndpoint: MerchantEndpoint = {
  name: "bill.tradebill",
  method: "GET",
  url: "/v3/bill/tradebill",
  async handle(call) {
    const day = readBillDate(call.query.bill_date);
    const type = call.query.bill_type ?? "ALL";
    if (!TRADE_BILL_TYPES.includes(type as GeneratedTradeBillType)) {
      const issue = NOT_GENERATED.includes(type)
        ? `${type} bills cover products the sandbox does not simulate; it generates ALL, SUCCESS and REFUND`
        : "must be ALL, SUCCESS or REFUND";
      throw paramError("bill_type", issue, "query", type);
    }
    const gzip = readTarType(call);
    checkBillAvailable(call.ctx, day);
    const file = tradeBillFile(call.ctx, call.merchant.mchid, day, type as GeneratedTradeBillType);
    if (!file)
      throw noStatement(
        `no ${type === "REFUND" ? "refund" : type === "SUCCESS" ? "payment" : "payment or refund"} on ${day.date}`,
      );
    return {
      status: 200,
      body: await issueBillDownload(call.ctx, call.merchant.mchid, file, gzip, call.baseUrl),
    };
  },
};

export const fundFlowBillEndpoint: MerchantEndpoint = {
  name: "bill.fundflowbill",
  method: "GET",
  url: "/v3/bill/fundflowbill",
  async handle(call) {
    const day = readBillDate(call.query.bill_date);
    const account = call.query.account_type ?? "BASIC";
    if (!ACCOUNTS.includes(account as FundFlowAccount)) {
      throw paramError("account_type", "must be BASIC, OPERATION or FEES", "query", account);
    }
    const gzip = readTarType(call);
    checkBillAvailable(call.ctx, day);
    const file = fundFlowBillFile(call.ctx, call.merchant.mchid, day, account as FundFlowAccount);
    if (!file) throw noStatement(`the ${account} account did not move on ${day.date}`);
    return {
      status: 200,
      body: await issueBillDownload(call.ctx, call.merchant.mchid, file, gzip, call.baseUrl),
    };
  },
};

function readTarType(call: MerchantCall): boolean {
  const tarType = call.query.tar_type;
  if (tarType === undefined) return false;
  if (tarType !== "GZIP") throw paramError("tar_type", "must be GZIP, or left out", "query", tarType);
  return true;
}

function noStatement(detail: string): WechatApiError {
  return new WechatApiError("NO_STATEMENT_EXIST", `账单文件不存在: ${detail}`);
}
