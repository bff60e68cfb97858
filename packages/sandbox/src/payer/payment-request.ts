import { verifyPaySign } from "@kassa/wechatpay";
import type { SandboxContext } from "../context.ts";
import type { OrderRecord, PrepayRecord } from "../domain/order-record.ts";
import { findPrepay } from "../domain/prepay.ts";
import { SandboxError } from "../errors.ts";
import type { MerchantRecord } from "../identity/merchant-record.ts";
import { requireMerchant } from "../identity/merchants.ts";

/**
 * What `wx.requestPayment` receives (§7.1), checked the way the WeChat client and WeChat
 * Pay check it before the payer sees the cashier: the five parameters plus the appId the
 * mini program runs under; the appId must be the prepay's (§7.1 "微信支付会校验下单与调起支付
 * 所使用的appid的一致性"); paySign must verify with the merchant's API certificate over
 * `appId\ntimeStamp\nnonceStr\npackage\n`; the prepay_id must still be alive (2 h, §5.1).
 */

export interface PaymentRequest {
  appId: string;
  timeStamp: string;
  nonceStr: string;
  /** `prepay_id=<prepay_id>` */
  package: string;
  signType: string;
  paySign: string;
}

export interface CheckedPayment {
  request: PaymentRequest;
  prepay: PrepayRecord;
  order: OrderRecord;
  merchant: MerchantRecord;
}

const FIELDS = ["appId", "timeStamp", "nonceStr", "package", "signType", "paySign"] as const;

/** The six strings, each present and shaped as §7.1 says, or PAYMENT_REQUEST_INVALID naming the field. */
export function readPaymentRequest(input: Record<string, unknown>): PaymentRequest {
  const invalid = (detail: string) => new SandboxError("PAYMENT_REQUEST_INVALID", detail);
  for (const field of FIELDS) {
    if (typeof input[field] !== "string" || input[field] === "") {
      throw invalid(`${field} is required: pass appId and the five wx.requestPayment parameters as strings`);
    }
  }
  const request = Object.fromEntries(
    FIELDS.map((field) => [field, input[field] as string]),
  ) as unknown as PaymentRequest;
  if (!/^\d{10}$/.test(request.timeStamp)) {
    throw invalid("timeStamp must be Unix seconds as a 10-digit string (not milliseconds)");
  }
  if (request.nonceStr.length > 32) throw invalid("nonceStr must be at most 32 characters");
  if (request.package.length > 128 || !/^prepay_id=[0-9A-Za-z_-]{1,64}$/.test(request.package)) {
    throw invalid("package must be prepay_id=<the prepay_id from prepay>");
  }
  if (request.signType !== "RSA") throw invalid(`signType must be RSA for API v3 (got ${request.signType})`);
  return request;
}

/** Checks a request against the prepay it names; refuses with the reason a developer can act on. */
export function checkPayment(ctx: SandboxContext, request: PaymentRequest): CheckedPayment {
  const prepayId = request.package.slice("prepay_id=".length);
  const found = findPrepay(ctx, prepayId);
  if (!found) throw new SandboxError("PREPAY_NOT_FOUND", prepayId);
  const { prepay, order, payable } = found;
  if (request.appId !== prepay.appid) {
    throw new SandboxError(
      "APPID_MISMATCH",
      `appId ${request.appId}; the prepay was made with ${prepay.appid}`,
    );
  }
  const merchant = requireMerchant(ctx, prepay.mchid);
  if (!verifyPaySign(request, ctx.keys.publicKey(merchant.apiClient.certificatePem))) {
    throw new SandboxError(
      "PAY_SIGN_INVALID",
      "sign appId\\ntimeStamp\\nnonceStr\\npackage\\n with apiclient_key.pem (SHA256withRSA, Base64)",
    );
  }
  if (!payable) refuseUnpayable(ctx, prepay, order);
  return { request, prepay, order, merchant };
}

function refuseUnpayable(ctx: SandboxContext, prepay: PrepayRecord, order: OrderRecord): never {
  if (order.state === "SUCCESS" || order.state === "REFUND") {
    throw new SandboxError("ORDER_NOT_PAYABLE", `order ${order.outTradeNo} is already paid (${order.state})`);
  }
  if (order.state === "CLOSED") {
    throw new SandboxError(
      "ORDER_NOT_PAYABLE",
      `order ${order.outTradeNo} is closed (${order.closedBy === "expire" ? "its time_expire passed" : "by the close API"})`,
    );
  }
  if (ctx.clock.now() >= order.timeExpire) {
    throw new SandboxError("ORDER_NOT_PAYABLE", `order ${order.outTradeNo} passed its time_expire`);
  }
  throw new SandboxError("PREPAY_EXPIRED", `prepay_id ${prepay.prepayId}`);
}
