import type { KeyObject } from "node:crypto";
import { VerificationError } from "./errors.ts";
import { type HeaderSource, readHeader } from "./headers.ts";
import { verifySha256WithRsa } from "./rsa.ts";

/**
 * Verification of WeChat Pay responses and notifications (reference §3), in Go's order
 * (§11.3 "What to borrow"): headers, signature type, probe, clock window, key by serial,
 * signature. Every failure is a VerificationError with its own code and diagnostics that
 * say what was checked, and none of them carries a key.
 */

export const SIGNATURE_TYPE = "WECHATPAY2-SHA256-RSA2048";
/** §3.5: probe signatures start with this and must fail closed. */
export const PROBE_SIGNATURE_PREFIX = "WECHATPAY/SIGNTEST/";
/** §3.3: reject at >= 300 s of skew, as Go and Java do. */
export const MAX_CLOCK_SKEW_SECONDS = 300;

export interface SignedHeaders {
  timestamp: string;
  nonce: string;
  signature: string;
  /** A platform certificate serial (40 hex) or a public key id (`PUB_KEY_ID_...`). */
  serial: string;
  signatureType: string;
  requestId: string | undefined;
}

/** Where verification finds the WeChat Pay key named by `Wechatpay-Serial` (§3.4). */
export interface VerificationKeys {
  find(serial: string): KeyObject | undefined;
  /** The serials and ids it holds, for diagnostics. */
  knownSerials(): string[];
}

/** A key source that can fetch a key it does not hold yet (certificate mode, §3.4). */
export interface RefreshableVerificationKeys extends VerificationKeys {
  resolve(serial: string): Promise<KeyObject | undefined>;
}

export interface VerifyOptions {
  /** Our clock in epoch milliseconds (injected, so tests can stand at the window's edges). */
  now: number;
  maxSkewSeconds?: number;
}

/** §3.1: pull the Wechatpay-* headers; a missing one is VERIFY_HEADERS_MISSING. */
export function readSignedHeaders(headers: HeaderSource): SignedHeaders {
  const timestamp = readHeader(headers, "wechatpay-timestamp");
  const nonce = readHeader(headers, "wechatpay-nonce");
  const signature = readHeader(headers, "wechatpay-signature");
  const serial = readHeader(headers, "wechatpay-serial");
  const missing = [
    timestamp ? undefined : "Wechatpay-Timestamp",
    nonce ? undefined : "Wechatpay-Nonce",
    signature ? undefined : "Wechatpay-Signature",
    serial ? undefined : "Wechatpay-Serial",
  ].filter((name) => name !== undefined);
  if (missing.length > 0 || !timestamp || !nonce || !signature || !serial) {
    throw new VerificationError("VERIFY_HEADERS_MISSING", missing.join(", "), { diagnostics: { missing } });
  }
  return {
    timestamp,
    nonce,
    signature,
    serial,
    // Go treats a missing type as the default (§3.1).
    signatureType: readHeader(headers, "wechatpay-signature-type") ?? SIGNATURE_TYPE,
    requestId: readHeader(headers, "request-id"),
  };
}

/** §3.2: `timestamp\nnonce\nbody\n` over the raw body bytes. */
export function buildVerificationMessage(
  timestamp: string,
  nonce: string,
  body: string | Buffer,
): string | Buffer {
  if (typeof body === "string") return `${timestamp}\n${nonce}\n${body}\n`;
  return Buffer.concat([Buffer.from(`${timestamp}\n${nonce}\n`), body, NEWLINE]);
}
const NEWLINE = Buffer.from("\n");

/** Everything short of the key: type, probe, and clock window. */
export function checkSignedHeaders(signed: SignedHeaders, options: VerifyOptions): void {
  if (signed.signatureType !== SIGNATURE_TYPE) {
    throw new VerificationError("VERIFY_SIGNATURE_TYPE_UNSUPPORTED", signed.signatureType, {
      diagnostics: { signatureType: signed.signatureType, serial: signed.serial },
    });
  }
  if (signed.signature.startsWith(PROBE_SIGNATURE_PREFIX)) {
    // §3.5: deliberate wrong signature; not Base64, so never hand it to a decoder.
    throw new VerificationError(
      "VERIFY_SIGNATURE_PROBE",
      "refused; WeChat Pay retries with a real signature",
      {
        diagnostics: { serial: signed.serial, probe: true },
      },
    );
  }
  const maxSkew = options.maxSkewSeconds ?? MAX_CLOCK_SKEW_SECONDS;
  const seconds = /^\d{1,12}$/.test(signed.timestamp) ? Number(signed.timestamp) : Number.NaN;
  const skew = Math.floor(options.now / 1000) - seconds;
  if (!Number.isFinite(skew) || Math.abs(skew) >= maxSkew) {
    throw new VerificationError(
      "VERIFY_TIMESTAMP_OUT_OF_WINDOW",
      Number.isFinite(skew)
        ? `our clock is ${skew} s ${skew >= 0 ? "after" : "before"} Wechatpay-Timestamp; the window is ±${maxSkew} s`
        : `Wechatpay-Timestamp "${signed.timestamp.slice(0, 20)}" is not Unix seconds`,
      {
        diagnostics: {
          timestamp: signed.timestamp,
          skewSeconds: skew,
          maxSkewSeconds: maxSkew,
          serial: signed.serial,
        },
      },
    );
  }
}

/** Check the signature with a key already found. */
export function checkSignature(signed: SignedHeaders, body: string | Buffer, key: KeyObject): void {
  const message = buildVerificationMessage(signed.timestamp, signed.nonce, body);
  if (!verifySha256WithRsa(message, signed.signature, key)) {
    const bodyBytes = typeof body === "string" ? Buffer.byteLength(body) : body.length;
    throw new VerificationError("VERIFY_SIGNATURE_INVALID", `with the key ${signed.serial}`, {
      diagnostics: {
        serial: signed.serial,
        timestamp: signed.timestamp,
        // The layout of what was verified, so a person can see a consumed or re-serialised
        // body (§3.2, the top support issue) without the body itself reaching a log.
        signedMessageLayout: `timestamp(${signed.timestamp.length})\\n nonce(${signed.nonce.length})\\n body(${bodyBytes} bytes)\\n`,
        signedMessageBytes: typeof message === "string" ? Buffer.byteLength(message) : message.length,
        signatureBase64Length: signed.signature.length,
      },
    });
  }
}

/** Verify synchronously with the keys at hand: an unknown serial fails at once. */
export function verifySignedMessageSync(
  headers: HeaderSource,
  body: string | Buffer,
  keys: VerificationKeys,
  options: VerifyOptions,
): SignedHeaders {
  const signed = readSignedHeaders(headers);
  checkSignedHeaders(signed, options);
  checkSignature(signed, body, keyOrFail(signed.serial, keys.find(signed.serial), keys));
  return signed;
}

/** Verify, letting a certificate keyring refresh once for a serial it does not know (§3.4). */
export async function verifySignedMessage(
  headers: HeaderSource,
  body: string | Buffer,
  keys: VerificationKeys | RefreshableVerificationKeys,
  options: VerifyOptions,
): Promise<SignedHeaders> {
  const signed = readSignedHeaders(headers);
  checkSignedHeaders(signed, options);
  let key = keys.find(signed.serial);
  if (!key && "resolve" in keys) key = await keys.resolve(signed.serial);
  checkSignature(signed, body, keyOrFail(signed.serial, key, keys));
  return signed;
}

function keyOrFail(serial: string, key: KeyObject | undefined, keys: VerificationKeys): KeyObject {
  if (key) return key;
  throw new VerificationError("VERIFY_SERIAL_UNKNOWN", serial, {
    diagnostics: { serial, knownSerials: keys.knownSerials() },
  });
}
