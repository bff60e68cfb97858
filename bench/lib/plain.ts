import { type KeyObject, randomBytes, sign, verify } from "node:crypto";
import { PREPAY_PATH } from "./messages.ts";

/**
 * The baseline: the protocol's crypto in plain node:crypto with KeyObjects parsed once
 * (reference/perf-baselines.md §2), and nothing else: no header checks, no clock window,
 * no validation. Both forms of `crypto.sign`: synchronous, and the callback form that
 * runs on libuv's thread pool (what Kassa uses, design.md convention 14).
 */

export interface PlainSigner {
  mchid: string;
  serial: string;
  privateKey: KeyObject;
}

/** The §7.1 parameters of `wx.requestPayment`. */
export interface PaySignParams {
  appId: string;
  timeStamp: string;
  nonceStr: string;
  package: string;
  signType: string;
  paySign: string;
}

export function signInPool(data: Buffer, privateKey: KeyObject): Promise<string> {
  return new Promise((resolve, reject) =>
    sign("sha256", data, privateKey, (error, signed) =>
      error ? reject(error) : resolve(signed.toString("base64")),
    ),
  );
}

/** §2 for POST /v3/pay/transactions/jsapi; `inPool` picks the callback form of crypto.sign. */
export function plainAuthorization(signer: PlainSigner, body: string, inPool: true): Promise<string>;
export function plainAuthorization(signer: PlainSigner, body: string, inPool?: false): string;
export function plainAuthorization(
  signer: PlainSigner,
  body: string,
  inPool = false,
): string | Promise<string> {
  const nonce = randomBytes(16).toString("hex");
  const timestamp = Math.floor(Date.now() / 1000);
  const message = Buffer.from(`POST\n${PREPAY_PATH}\n${timestamp}\n${nonce}\n${body}\n`);
  const header = (signature: string) =>
    `WECHATPAY2-SHA256-RSA2048 mchid="${signer.mchid}",nonce_str="${nonce}",timestamp="${timestamp}",` +
    `serial_no="${signer.serial}",signature="${signature}"`;
  if (inPool) return signInPool(message, signer.privateKey).then(header);
  return header(sign("sha256", message, signer.privateKey).toString("base64"));
}

/** §3.2 over the raw body. */
export function plainVerify(
  message: { timestamp: string; nonce: string; body: string; signature: string },
  publicKey: KeyObject,
): boolean {
  const signed = Buffer.from(`${message.timestamp}\n${message.nonce}\n${message.body}\n`);
  return verify("sha256", signed, publicKey, Buffer.from(message.signature, "base64"));
}

/** §7.1; `inPool` picks the callback form of crypto.sign. */
export function plainPaySign(
  appId: string,
  prepayId: string,
  key: KeyObject,
  inPool: true,
): Promise<PaySignParams>;
export function plainPaySign(appId: string, prepayId: string, key: KeyObject, inPool?: false): PaySignParams;
export function plainPaySign(
  appId: string,
  prepayId: string,
  key: KeyObject,
  inPool = false,
): PaySignParams | Promise<PaySignParams> {
  const nonceStr = randomBytes(16).toString("hex");
  const timeStamp = String(Math.floor(Date.now() / 1000));
  const packageValue = `prepay_id=${prepayId}`;
  const message = Buffer.from(`${appId}\n${timeStamp}\n${nonceStr}\n${packageValue}\n`);
  const params = (paySign: string): PaySignParams => ({
    appId,
    timeStamp,
    nonceStr,
    package: packageValue,
    signType: "RSA",
    paySign,
  });
  if (inPool) return signInPool(message, key).then(params);
  return params(sign("sha256", message, key).toString("base64"));
}
