import { createCipheriv, createDecipheriv } from "node:crypto";
import { WechatPayError } from "./errors.ts";
import { decodeBase64Strict } from "./rsa.ts";

/**
 * AEAD_AES_256_GCM as WeChat Pay uses it (reference §4.2): the APIv3 key is 32 raw ASCII
 * bytes (not hex, not Base64), the nonce is a 12-character string used as the IV bytes,
 * the associated data may be empty, and the Base64 ciphertext carries the 16-byte tag at
 * its end.
 */

const KEY_LENGTH = 32;
const TAG_LENGTH = 16;
const NONCE_LENGTH = 12;

/** An APIv3 key checked once: exactly 32 bytes, or the client refuses to be built. */
export type ApiV3Key = Buffer & { readonly __brand: "ApiV3Key" };

export function parseApiV3Key(key: string | Buffer): ApiV3Key {
  const bytes = typeof key === "string" ? Buffer.from(key, "utf8") : Buffer.from(key);
  if (bytes.length !== KEY_LENGTH) {
    // §4.2: a 34-character paste (wechatpay-node-v3#46), a trailing newline, or a hex/Base64
    // form would only show up later as "unable to authenticate data" on every
    // notification: say it now instead. The key itself never enters the message.
    throw new WechatPayError(
      "CONFIG_INVALID",
      `the APIv3 key must be exactly 32 bytes (the 32-character key set on the merchant platform, ` +
        `used as is, without spaces or a newline), got ${bytes.length}`,
    );
  }
  return bytes as ApiV3Key;
}

export interface AeadInput {
  nonce: string;
  associatedData: string;
}

/** Decrypt and authenticate; throws NOTIFY_DECRYPTION_FAILED on any mismatch. */
export function decryptAeadAes256Gcm(key: ApiV3Key, input: AeadInput & { ciphertext: string }): Buffer {
  // The brand is a compile-time promise only; a plain Buffer from JavaScript must not
  // quietly fall into gcmDecrypt's AES-128 branch.
  if (key.length !== KEY_LENGTH) parseApiV3Key(key);
  return gcmDecrypt(key, input);
}

/** Encrypt as WeChat Pay does (the simulator needs this side); returns Base64(ciphertext ‖ tag). */
export function encryptAeadAes256Gcm(
  key: ApiV3Key,
  input: AeadInput & { plaintext: string | Buffer },
): string {
  if (key.length !== KEY_LENGTH) parseApiV3Key(key);
  if (Buffer.byteLength(input.nonce, "utf8") !== NONCE_LENGTH) {
    // A caller bug, not a WeChat answer: the nonce we generate is always 12 bytes.
    throw new RangeError(`the AEAD nonce must be 12 bytes, got ${Buffer.byteLength(input.nonce, "utf8")}`);
  }
  const cipher = createCipheriv("aes-256-gcm", key, Buffer.from(input.nonce, "utf8"));
  cipher.setAAD(Buffer.from(input.associatedData, "utf8"));
  const body = Buffer.concat([cipher.update(input.plaintext), cipher.final(), cipher.getAuthTag()]);
  return body.toString("base64");
}

/**
 * GCM with the cipher chosen by key length. Only `decryptAeadAes256Gcm` (32-byte keys)
 * is meant for production; the 16-byte branch exists because the official Go test
 * vectors use 16-byte keys (reference §4.2 caveat, §9 items 2 and 4) and we check
 * against them.
 */
export function gcmDecrypt(key: Buffer, input: AeadInput & { ciphertext: string }): Buffer {
  const nonceBytes = Buffer.byteLength(input.nonce, "utf8");
  if (nonceBytes !== NONCE_LENGTH) {
    throw decryptionFailed(`the nonce must be 12 bytes, got ${nonceBytes}`, input);
  }
  // Strict Base64 (§4.2): Node's decoder would skip stray characters and still authenticate.
  const raw = decodeBase64Strict(input.ciphertext);
  if (!raw) throw decryptionFailed("the ciphertext is not standard Base64", input);
  if (raw.length < TAG_LENGTH) {
    throw decryptionFailed("the ciphertext is shorter than its 16-byte tag", input);
  }
  try {
    const decipher = createDecipheriv(
      key.length === 16 ? "aes-128-gcm" : "aes-256-gcm",
      key,
      Buffer.from(input.nonce, "utf8"),
      { authTagLength: TAG_LENGTH },
    );
    decipher.setAAD(Buffer.from(input.associatedData, "utf8"));
    decipher.setAuthTag(raw.subarray(raw.length - TAG_LENGTH));
    const plaintext = decipher.update(raw.subarray(0, raw.length - TAG_LENGTH));
    // final() is what checks the tag: an SDK that skips it accepts tampered data
    // (reference/perf-baselines.md §3, finding 2). GCM is a stream mode, so final()
    // returns no bytes and the plaintext needs no second copy.
    const rest = decipher.final();
    return rest.length === 0 ? plaintext : Buffer.concat([plaintext, rest]);
  } catch (error) {
    throw decryptionFailed("the tag did not authenticate: wrong APIv3 key or tampered data", input, {
      cause: error,
      ciphertextBytes: raw.length,
    });
  }
}

/** Built only on failure: a success allocates no diagnostics. Never the key or the data. */
function decryptionFailed(
  detail: string,
  input: AeadInput & { ciphertext: string },
  extra: { cause?: unknown; ciphertextBytes?: number } = {},
): WechatPayError {
  return new WechatPayError("NOTIFY_DECRYPTION_FAILED", detail, {
    ...(extra.cause === undefined ? {} : { cause: extra.cause }),
    diagnostics: {
      nonceLength: input.nonce.length,
      associatedData: input.associatedData.slice(0, 32),
      ciphertextBase64Length: input.ciphertext.length,
      ...(extra.ciphertextBytes === undefined ? {} : { ciphertextBytes: extra.ciphertextBytes }),
    },
  });
}
