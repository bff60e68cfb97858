import type { KeyObject } from "node:crypto";
import { createNonce } from "./nonce.ts";
import { type SigningMode, signSha256WithRsa } from "./rsa.ts";

/** The only signature scheme this client speaks (§2 "Header"; SM2 is out of scope). */
export const AUTHORIZATION_SCHEME = "WECHATPAY2-SHA256-RSA2048";

/** Who signs: the merchant, by its API certificate serial (§2 "Keys"). */
export interface MerchantSigner {
  mchid: string;
  /** Merchant API certificate serial, 40 upper-case hex characters. */
  serialNo: string;
  privateKey: KeyObject;
  /** Where the RSA signature is computed (rsa.ts); default `thread-pool`. */
  signing?: SigningMode;
}

export interface SignableRequest {
  method: string;
  /** Path plus `?query`, exactly as sent on the wire (percent-encoded), no scheme or host. */
  canonicalUrl: string;
  /** The exact body bytes sent; "" for a GET. */
  body: string;
}

/**
 * The five-line message of §2 "Message to sign": every line ends with `\n`, the last one
 * too, so a GET ends with `\n\n`.
 */
export function buildRequestMessage(
  request: SignableRequest,
  timestamp: number | string,
  nonce: string,
): string {
  return `${request.method.toUpperCase()}\n${request.canonicalUrl}\n${timestamp}\n${nonce}\n${request.body}\n`;
}

export interface AuthorizationParts {
  mchid: string;
  serialNo: string;
  nonce: string;
  timestamp: string;
  signature: string;
}

/** The `Authorization` header value (§2 "Header"): pairs joined by commas, no spaces. */
export function formatAuthorization(parts: AuthorizationParts): string {
  return (
    `${AUTHORIZATION_SCHEME} mchid="${parts.mchid}",nonce_str="${parts.nonce}",` +
    `timestamp="${parts.timestamp}",serial_no="${parts.serialNo}",signature="${parts.signature}"`
  );
}

/**
 * Parse an `Authorization` header back into its parts (the simulator's side of §2).
 * Pairs may come in any order ("无顺序要求") and unknown pairs are ignored. Returns
 * undefined when the scheme or any of the five fields is missing, when a pair is not
 * `key="value"`, or when a key appears twice (which value was signed would be a guess).
 */
export function parseAuthorization(header: string | undefined): AuthorizationParts | undefined {
  if (!header?.startsWith(`${AUTHORIZATION_SCHEME} `)) return undefined;
  const fields = new Map<string, string>();
  // No value of the five contains a comma or a quote (digits, alphanumerics, hex, Base64).
  for (const pair of header.slice(AUTHORIZATION_SCHEME.length + 1).split(",")) {
    const match = /^\s*([a-z_]+)="([^"]*)"\s*$/.exec(pair);
    if (!match || fields.has(match[1]!)) return undefined;
    fields.set(match[1]!, match[2]!);
  }
  const mchid = fields.get("mchid");
  const nonce = fields.get("nonce_str");
  const timestamp = fields.get("timestamp");
  const serialNo = fields.get("serial_no");
  const signature = fields.get("signature");
  if (!mchid || !nonce || !timestamp || !serialNo || !signature) return undefined;
  return { mchid, nonce, timestamp, serialNo, signature };
}

/**
 * Sign one request. `now` is the clock in milliseconds; the timestamp is Unix seconds.
 * The body must be the string that will be sent: serialise once, sign it, send it (§2).
 */
export async function signRequest(
  signer: MerchantSigner,
  request: SignableRequest,
  now: number,
  nonce: string = createNonce(),
): Promise<string> {
  const timestamp = String(Math.floor(now / 1000));
  const signature = await signSha256WithRsa(
    buildRequestMessage(request, timestamp, nonce),
    signer.privateKey,
    signer.signing,
  );
  return formatAuthorization({ mchid: signer.mchid, serialNo: signer.serialNo, nonce, timestamp, signature });
}
