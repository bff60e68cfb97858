import type { KeyObject } from "node:crypto";
import { VerificationError } from "./errors.ts";
import { type HeaderSource, readHeader } from "./headers.ts";
import { verifySha256WithRsaParts } from "./rsa.ts";

/**
 * Verification of WeChat Pay responses and notifications (reference §3), in the order of
 * Go's notify.Handler (§11.3 "What to borrow"): headers, signature type, clock window,
 * then the signature itself: probe (§3.5), key by serial (§3.4), RSA check (§3.2). The
 * probe is recognised before the key is looked up, so a probe under an unknown serial
 * never triggers a certificate download. Every failure is a VerificationError with its
 * own code and diagnostics that say what was checked; none carries a key or the body.
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

/** What the signature check adds to its diagnostics, beyond the headers themselves. */
export interface SignatureCheckContext {
  knownSerials?: readonly string[];
  skewSeconds?: number;
}

/** §3.1: pull the Wechatpay-* headers; a missing or empty one is VERIFY_HEADERS_MISSING. */
export function readSignedHeaders(headers: HeaderSource): SignedHeaders {
  const timestamp = readHeader(headers, "wechatpay-timestamp");
  const nonce = readHeader(headers, "wechatpay-nonce");
  const signature = readHeader(headers, "wechatpay-signature");
  const serial = readHeader(headers, "wechatpay-serial");
  if (!timestamp || !nonce || !signature || !serial) {
    const missing = [
      timestamp ? undefined : "Wechatpay-Timestamp",
      nonce ? undefined : "Wechatpay-Nonce",
      signature ? undefined : "Wechatpay-Signature",
      serial ? undefined : "Wechatpay-Serial",
    ].filter((name) => name !== undefined);
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

/**
 * The checks that need no key: signature type (§3.1) and clock window (§3.3), in Go's
 * order. Returns the skew in seconds (our clock minus Wechatpay-Timestamp).
 */
export function checkSignedHeaders(signed: SignedHeaders, options: VerifyOptions): number {
  if (signed.signatureType !== SIGNATURE_TYPE) {
    throw new VerificationError("VERIFY_SIGNATURE_TYPE_UNSUPPORTED", clip(signed.signatureType), {
      diagnostics: { signatureType: clip(signed.signatureType), serial: clip(signed.serial) },
    });
  }
  const maxSkew = options.maxSkewSeconds ?? MAX_CLOCK_SKEW_SECONDS;
  // Unix seconds in decimal digits only: Number() alone would also take "", " 1", "1e9",
  // "0x10" or a 13-digit millisecond value.
  const seconds = /^[0-9]{1,11}$/.test(signed.timestamp) ? Number(signed.timestamp) : Number.NaN;
  const skew = Math.floor(options.now / 1000) - seconds;
  if (Number.isNaN(skew) || Math.abs(skew) >= maxSkew) {
    throw new VerificationError(
      "VERIFY_TIMESTAMP_OUT_OF_WINDOW",
      Number.isNaN(skew)
        ? `Wechatpay-Timestamp "${clip(signed.timestamp, 20)}" is not Unix seconds`
        : `our clock is ${Math.abs(skew)} s ${skew >= 0 ? "after" : "before"} Wechatpay-Timestamp; ` +
            `the window is ±${maxSkew} s: check NTP on this host`,
      {
        diagnostics: {
          timestamp: clip(signed.timestamp, 20),
          skewSeconds: Number.isNaN(skew) ? null : skew,
          maxSkewSeconds: maxSkew,
          serial: clip(signed.serial),
        },
      },
    );
  }
  return skew;
}

/** §3.5: a probe is a deliberate wrong signature; it is not Base64, so never decode it. */
export function checkNotProbe(signed: SignedHeaders): void {
  if (signed.signature.startsWith(PROBE_SIGNATURE_PREFIX)) {
    throw new VerificationError(
      "VERIFY_SIGNATURE_PROBE",
      "refused; WeChat Pay retries with a real signature",
      {
        diagnostics: { serial: clip(signed.serial), probe: true },
      },
    );
  }
}

/** Check the signature with a key already found. */
export function checkSignature(
  signed: SignedHeaders,
  body: string | Buffer,
  key: KeyObject,
  context: SignatureCheckContext = {},
): void {
  if (!signatureMatches(signed, body, key)) {
    throw signatureInvalid(signed, body, context.knownSerials ?? [], context.skewSeconds);
  }
}

/**
 * §3.2 over `timestamp\nnonce\nbody\n`, fed to the hash in three pieces: the raw body
 * (often the largest part) is never copied into a joined message; a Buffer is hashed where
 * it lies, a string is encoded straight into the hash.
 */
function signatureMatches(signed: SignedHeaders, body: string | Buffer, key: KeyObject): boolean {
  return verifySha256WithRsaParts(
    [`${signed.timestamp}\n${signed.nonce}\n`, body, "\n"],
    signed.signature,
    key,
  );
}

/** Built only once a check has failed: a success pays for no diagnostics. */
function signatureInvalid(
  signed: SignedHeaders,
  body: string | Buffer,
  knownSerials: readonly string[],
  skewSeconds: number | undefined,
): VerificationError {
  const bodyBytes = typeof body === "string" ? Buffer.byteLength(body) : body.length;
  return new VerificationError(
    "VERIFY_SIGNATURE_INVALID",
    `with the key ${clip(signed.serial)}: was the raw body re-serialised or consumed before verification?`,
    {
      diagnostics: {
        serial: clip(signed.serial),
        knownSerials,
        timestamp: clip(signed.timestamp, 20),
        skewSeconds: skewSeconds ?? null,
        // The layout of what was verified, so a person can see a consumed or re-serialised
        // body (§3.2, the top support issue) without the body itself reaching a log.
        signedMessageLayout: `timestamp(${signed.timestamp.length})\\n nonce(${signed.nonce.length})\\n body(${bodyBytes} bytes)\\n`,
        signedMessageBytes:
          Buffer.byteLength(signed.timestamp) + Buffer.byteLength(signed.nonce) + bodyBytes + 3,
        signatureBase64Length: signed.signature.length,
      },
    },
  );
}

/**
 * Verify synchronously with the keys at hand: an unknown serial fails at once. On the
 * success path nothing is built for diagnostics (the known serials are listed only when
 * a check fails).
 */
export function verifySignedMessageSync(
  headers: HeaderSource,
  body: string | Buffer,
  keys: VerificationKeys,
  options: VerifyOptions,
): SignedHeaders {
  const signed = readSignedHeaders(headers);
  const skewSeconds = checkSignedHeaders(signed, options);
  checkNotProbe(signed);
  return checkedWith(signed, body, keys.find(signed.serial), keys, skewSeconds);
}

/** Verify, letting a certificate keyring refresh once for a serial it does not know (§3.4). */
export async function verifySignedMessage(
  headers: HeaderSource,
  body: string | Buffer,
  keys: VerificationKeys | RefreshableVerificationKeys,
  options: VerifyOptions,
): Promise<SignedHeaders> {
  return verifySignedMessageWhenReady(headers, body, keys, options);
}

/**
 * verifySignedMessage without a promise where none is needed: the verified headers at
 * once when the key is held (every call but the first after a rotation), a promise only
 * when a certificate keyring must fetch an unknown serial first (§3.4). Callers on hot
 * paths (the requester, notifications) test for a promise and await only then, which
 * saves a suspension per verification. Throws synchronously on the first path.
 */
export function verifySignedMessageWhenReady(
  headers: HeaderSource,
  body: string | Buffer,
  keys: VerificationKeys | RefreshableVerificationKeys,
  options: VerifyOptions,
): SignedHeaders | Promise<SignedHeaders> {
  const signed = readSignedHeaders(headers);
  const skewSeconds = checkSignedHeaders(signed, options);
  checkNotProbe(signed);
  const key = keys.find(signed.serial);
  if (key || !("resolve" in keys)) return checkedWith(signed, body, key, keys, skewSeconds);
  return keys
    .resolve(signed.serial)
    .then((resolved) => checkedWith(signed, body, resolved, keys, skewSeconds));
}

function checkedWith(
  signed: SignedHeaders,
  body: string | Buffer,
  key: KeyObject | undefined,
  keys: VerificationKeys,
  skewSeconds: number,
): SignedHeaders {
  if (!key) throw serialUnknown(signed, keys, skewSeconds);
  if (!signatureMatches(signed, body, key)) {
    throw signatureInvalid(signed, body, keys.knownSerials(), skewSeconds);
  }
  return signed;
}

function serialUnknown(
  signed: SignedHeaders,
  keys: VerificationKeys,
  skewSeconds: number,
): VerificationError {
  const serial = clip(signed.serial);
  return new VerificationError(
    "VERIFY_SERIAL_UNKNOWN",
    `${serial}: configure the WeChat Pay public key of this PUB_KEY_ID, or refresh the platform certificates`,
    { diagnostics: { serial, knownSerials: keys.knownSerials(), skewSeconds } },
  );
}

/** Header values are attacker-controlled: keep what reaches a log short. */
function clip(value: string, max = 64): string {
  return value.length > max ? `${value.slice(0, max)}…(${value.length} chars)` : value;
}
