import type { KeyObject } from "node:crypto";
import { createNonce } from "./nonce.ts";
import { type SigningMode, signSha256WithRsa, verifySha256WithRsa } from "./rsa.ts";

/**
 * The object the mini program passes to `wx.requestPayment` (reference §7.1), plus
 * `appId` for convenience (not passed to wx.requestPayment, but part of what is signed).
 */
export interface RequestPaymentParams {
  appId: string;
  /** Unix seconds, 10 digits, as a string (not milliseconds). */
  timeStamp: string;
  nonceStr: string;
  /** `prepay_id=<prepay_id>` */
  package: string;
  signType: "RSA";
  paySign: string;
}

/** §7.1: four lines, each ending with `\n`; signType is not signed. */
export function buildPaySignMessage(
  appId: string,
  timeStamp: string,
  nonceStr: string,
  packageValue: string,
): string {
  return `${appId}\n${timeStamp}\n${nonceStr}\n${packageValue}\n`;
}

export interface RequestPaymentInput {
  /** Must be the appid the prepay was made with: WeChat checks they match (§7.1). */
  appId: string;
  prepayId: string;
  privateKey: KeyObject;
  /** Epoch milliseconds. */
  now: number;
  nonceStr?: string;
  /** Where the RSA signature is computed (rsa.ts); default `thread-pool`. */
  signing?: SigningMode;
}

export async function buildRequestPaymentParams(input: RequestPaymentInput): Promise<RequestPaymentParams> {
  const timeStamp = String(Math.floor(input.now / 1000));
  const nonceStr = input.nonceStr ?? createNonce();
  const packageValue = `prepay_id=${input.prepayId}`;
  const paySign = await signSha256WithRsa(
    buildPaySignMessage(input.appId, timeStamp, nonceStr, packageValue),
    input.privateKey,
    input.signing,
  );
  return { appId: input.appId, timeStamp, nonceStr, package: packageValue, signType: "RSA", paySign };
}

/** The payer's side (the simulator's cashier): check paySign with the merchant's public key. */
export function verifyPaySign(
  params: Omit<RequestPaymentParams, "signType"> & { signType: string },
  merchantPublicKey: KeyObject,
): boolean {
  if (params.signType !== "RSA") return false;
  const message = buildPaySignMessage(params.appId, params.timeStamp, params.nonceStr, params.package);
  return verifySha256WithRsa(message, params.paySign, merchantPublicKey);
}
