import { createVerify, type KeyObject, sign } from "node:crypto";

/**
 * Request signing for the OpenAPI v2 gateway (reference A.3, "String to sign (request)"):
 * every request parameter except `sign` (and byte/file parameters, which this client never
 * sends), empty values dropped, sorted by key in ascending ASCII order, joined as `key=value`
 * with `&` over the raw (not URL-encoded) values; the UTF-8 bytes are signed with
 * SHA256withRSA (PKCS#1 v1.5) under the app private key and Base64-encoded. `sign_type` is
 * part of the string. Values are URL-encoded only on the wire.
 */

export type RequestParams = Readonly<Record<string, string | undefined>>;

/** The exact string Alipay signs and checks for a request. */
export function requestSigningString(params: RequestParams): string {
  return Object.keys(params)
    .filter((key) => key !== "sign" && params[key] !== undefined && params[key] !== "")
    .sort(compareAscii)
    .map((key) => `${key}=${params[key]}`)
    .join("&");
}

/** Keys are compared by UTF-16 code unit, which for Alipay's ASCII keys is ASCII order. */
export function compareAscii(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

/**
 * Where an RSA signature is computed (as in @kassa/wechatpay, design.md convention 14):
 * `thread-pool` uses the callback form of `crypto.sign` on libuv's pool and keeps the event
 * loop free; `inline` signs on the calling thread (lowest latency with one call in flight).
 */
export type SigningMode = "thread-pool" | "inline";

/** SHA256withRSA over the UTF-8 bytes of `message`, Base64 (sign_type RSA2, A.3). */
export function signRsa2(
  message: string,
  privateKey: KeyObject,
  mode: SigningMode = "thread-pool",
): Promise<string> {
  const data = Buffer.from(message, "utf8");
  if (mode === "inline") {
    try {
      return Promise.resolve(sign("sha256", data, privateKey).toString("base64"));
    } catch (error) {
      return Promise.reject(error);
    }
  }
  return new Promise((resolve, reject) => {
    sign("sha256", data, privateKey, (error, signature) => {
      if (error) reject(error);
      else resolve(signature.toString("base64"));
    });
  });
}

/** The `sign` for a request's parameters. */
export function signRequest(
  params: RequestParams,
  privateKey: KeyObject,
  mode?: SigningMode,
): Promise<string> {
  return signRsa2(requestSigningString(params), privateKey, mode);
}

/**
 * Checks a Base64 SHA256withRSA signature over `message` (UTF-8 text or the exact bytes).
 * Returns false, never throws, on a signature that is not canonical Base64 or has the wrong
 * length: Node's decoder would otherwise skip stray characters, so several spellings could
 * pass as one signature.
 */
export function verifyRsa2(message: string | Buffer, signatureBase64: string, publicKey: KeyObject): boolean {
  if (typeof signatureBase64 !== "string" || signatureBase64.length === 0) return false;
  const signature = Buffer.from(signatureBase64, "base64");
  // Re-encoding gives back the input only for canonical, padded, standard Base64.
  if (signature.toString("base64") !== signatureBase64) return false;
  try {
    return createVerify("RSA-SHA256").update(message).verify(publicKey, signature);
  } catch {
    return false;
  }
}

/**
 * The v2 `timestamp`: `yyyy-MM-dd HH:mm:ss` in Beijing time (UTC+8), whatever the process's
 * TZ (A.3 "Timezone trap": alipay-sdk uses local time; gopay forces Asia/Shanghai). China has
 * no daylight saving time, so a fixed +8 h is exact.
 */
export function beijingTimestamp(epochMs: number): string {
  const iso = new Date(epochMs + 8 * 3_600_000).toISOString();
  return `${iso.slice(0, 10)} ${iso.slice(11, 19)}`;
}

/**
 * The epoch ms of a `yyyy-MM-dd HH:mm:ss` Beijing time (A.4 `gmt_payment`, A.5 `send_pay_date`),
 * or undefined when the text is not one: the inverse of {@link beijingTimestamp}.
 */
export function epochOfBeijingTimestamp(text: string | undefined): number | undefined {
  const match = /^(\d{4})-(\d{2})-(\d{2}) (\d{2}):(\d{2}):(\d{2})$/.exec(text ?? "");
  if (!match) return undefined;
  const [year, month, day, hour, minute, second] = match.slice(1).map(Number) as [
    number,
    number,
    number,
    number,
    number,
    number,
  ];
  const epoch = Date.UTC(year, month - 1, day, hour - 8, minute, second);
  // Date.UTC rolls 2026-02-30 over into March: such a text is not a time Alipay wrote.
  return beijingTimestamp(epoch) === text ? epoch : undefined;
}
