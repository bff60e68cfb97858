import type { SandboxConfig } from "../config.ts";
import { paramError } from "../wechat-error.ts";
import { FieldReader, refuseFourByteCharacters } from "./field-checks.ts";
import { checkNotifyUrl, OUT_TRADE_NO_PATTERN } from "./prepay-request.ts";

/** §5.4 refund request fields, checked. Amounts are integer fen. */
export interface RefundRequest {
  transactionId?: string;
  outTradeNo?: string;
  outRefundNo: string;
  reason?: string;
  notifyUrl?: string;
  fundsAccount?: "AVAILABLE";
  amountRefund: number;
  amountTotal: number;
}

/** §5.4: string(64) of [0-9A-Za-z_-|*@]. */
export const OUT_REFUND_NO_PATTERN = /^[0-9A-Za-z_\-|*@]{1,64}$/;

export function readRefundRequest(
  body: Record<string, unknown>,
  httpNotifyUrls: SandboxConfig["httpNotifyUrls"],
): RefundRequest {
  refuseFourByteCharacters(body);
  const read = new FieldReader(body);
  const transactionId = read.string("/transaction_id", {
    maxChars: 32,
    pattern: /^\d{1,32}$/,
    patternIssue: "must be the digits of a WeChat Pay transaction_id",
  });
  const outTradeNo = read.string("/out_trade_no", {
    minChars: 6,
    maxChars: 32,
    pattern: OUT_TRADE_NO_PATTERN,
    patternIssue: "must be 6 to 32 characters of 0-9, A-Z, a-z, _, -, | and * (§5.1)",
  });
  if (transactionId === undefined && outTradeNo === undefined) {
    throw paramError(
      "/out_trade_no",
      "give the original order's out_trade_no or transaction_id (§5.4)",
      "body",
    );
  }
  const outRefundNo = read.string("/out_refund_no", {
    required: true,
    maxChars: 64,
    pattern: OUT_REFUND_NO_PATTERN,
    patternIssue: "must be 1 to 64 characters of 0-9, A-Z, a-z, _, -, |, * and @ (§5.4)",
  })!;
  const reason = read.string("/reason", { maxChars: 80 });
  const notifyUrl = read.string("/notify_url", { maxChars: 256 });
  if (notifyUrl !== undefined) checkNotifyUrl(notifyUrl, httpNotifyUrls);
  const fundsAccount = read.string("/funds_account", { maxChars: 32 });
  if (fundsAccount !== undefined && fundsAccount !== "AVAILABLE") {
    throw paramError("/funds_account", "must be AVAILABLE, or left out (§5.4)", "body", fundsAccount);
  }
  read.object("/amount", true);
  const amountRefund = read.integer("/amount/refund", { required: true, min: 1 })!;
  const amountTotal = read.integer("/amount/total", { required: true, min: 1 })!;
  const currency = read.string("/amount/currency", { required: true, maxChars: 16 });
  if (currency !== "CNY") {
    throw paramError(
      "/amount/currency",
      "must be CNY, the only currency of domestic merchants",
      "body",
      currency,
    );
  }
  for (const [index] of (read.array("/amount/from") ?? []).entries()) {
    const account = read.string(`/amount/from/${index}/account`, { required: true, maxChars: 32 });
    if (account !== "AVAILABLE" && account !== "UNAVAILABLE") {
      throw paramError(`/amount/from/${index}/account`, "must be AVAILABLE or UNAVAILABLE", "body", account);
    }
    read.integer(`/amount/from/${index}/amount`, { required: true, min: 0 });
  }
  for (const [index] of (read.array("/goods_detail") ?? []).entries()) {
    const item = `/goods_detail/${index}`;
    read.object(item, true);
    read.string(`${item}/merchant_goods_id`, { required: true, maxChars: 32 });
    read.string(`${item}/wechatpay_goods_id`, { maxChars: 32 });
    read.string(`${item}/goods_name`, { maxChars: 256 });
    read.integer(`${item}/unit_price`, { required: true, min: 0 });
    read.integer(`${item}/refund_amount`, { required: true, min: 0 });
    read.integer(`${item}/refund_quantity`, { required: true, min: 1 });
  }
  return {
    ...(transactionId === undefined ? {} : { transactionId }),
    ...(outTradeNo === undefined ? {} : { outTradeNo }),
    outRefundNo,
    ...(reason === undefined ? {} : { reason }),
    ...(notifyUrl === undefined ? {} : { notifyUrl }),
    ...(fundsAccount === undefined ? {} : { fundsAccount: "AVAILABLE" as const }),
    amountRefund,
    amountTotal,
  };
}
