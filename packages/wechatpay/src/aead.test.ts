import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { GO_AES_VECTOR } from "../test/vectors/wechatpay-go.ts";
import { JAVA_AEAD_VECTOR, JAVA_API_V3_KEY } from "../test/vectors/wechatpay-java.ts";
import {
  type ApiV3Key,
  decryptAeadAes256Gcm,
  encryptAeadAes256Gcm,
  gcmDecrypt,
  parseApiV3Key,
} from "./aead.ts";
import { WechatPayError } from "./errors.ts";

const javaKey = parseApiV3Key(JAVA_API_V3_KEY);

function codeOf(action: () => unknown): string | undefined {
  try {
    action();
  } catch (error) {
    return error instanceof WechatPayError ? error.code : `not a WechatPayError: ${String(error)}`;
  }
  return undefined;
}

describe("official AEAD vectors (§4.2, §9)", () => {
  it("decrypts the wechatpay-go 16-byte-key vector with gcmDecrypt (§9 vector 2, AES-128-GCM)", () => {
    const plaintext = gcmDecrypt(Buffer.from(GO_AES_VECTOR.key), {
      nonce: GO_AES_VECTOR.nonce,
      associatedData: GO_AES_VECTOR.associatedData,
      ciphertext: GO_AES_VECTOR.ciphertext,
    });
    expect(plaintext.toString("utf8")).toBe(GO_AES_VECTOR.plaintext);
  });

  it("refuses the wechatpay-go vector under the Go test's wrong key (§9 vector 2)", () => {
    const input = {
      nonce: GO_AES_VECTOR.nonce,
      associatedData: GO_AES_VECTOR.associatedData,
      ciphertext: GO_AES_VECTOR.ciphertext,
    };
    expect(codeOf(() => gcmDecrypt(Buffer.from(GO_AES_VECTOR.wrongKey), input))).toBe(
      "NOTIFY_DECRYPTION_FAILED",
    );
  });

  it("decrypts the wechatpay-java AES-256-GCM vector (§9 vector 3)", () => {
    const plaintext = decryptAeadAes256Gcm(javaKey, JAVA_AEAD_VECTOR);
    expect(plaintext.toString("utf8")).toBe(JAVA_AEAD_VECTOR.plaintext);
  });

  it("encrypts the wechatpay-java plaintext to the exact official ciphertext (§9 vector 3)", () => {
    expect(encryptAeadAes256Gcm(javaKey, JAVA_AEAD_VECTOR)).toBe(JAVA_AEAD_VECTOR.ciphertext);
  });
});

describe("parseApiV3Key (§4.2: 32 raw bytes)", () => {
  it.each([31, 33, 34, 16, 0])(
    "refuses a %i-byte key with CONFIG_INVALID and a message that says 32",
    (length) => {
      const key = "k".repeat(length);
      try {
        parseApiV3Key(key);
        expect.unreachable("a wrong-length key was accepted");
      } catch (error) {
        expect(error).toBeInstanceOf(WechatPayError);
        expect((error as WechatPayError).code).toBe("CONFIG_INVALID");
        expect((error as WechatPayError).message).toContain("exactly 32 bytes");
        expect((error as WechatPayError).message).toContain(`got ${length}`);
        if (length > 0) expect((error as WechatPayError).message).not.toContain(key);
      }
    },
  );

  it("counts bytes, not characters: 32 characters with a non-ASCII one are refused", () => {
    expect(codeOf(() => parseApiV3Key(`${"a".repeat(31)}é`))).toBe("CONFIG_INVALID");
  });

  it("accepts the 32-character key as its raw ASCII bytes, not hex or Base64", () => {
    expect(parseApiV3Key(JAVA_API_V3_KEY).equals(Buffer.from(JAVA_API_V3_KEY, "ascii"))).toBe(true);
  });

  it("refuses a 16-byte Buffer passed to the AES-256 functions as a branded key", () => {
    const short = Buffer.from(GO_AES_VECTOR.key) as ApiV3Key;
    expect(codeOf(() => decryptAeadAes256Gcm(short, JAVA_AEAD_VECTOR))).toBe("CONFIG_INVALID");
    expect(codeOf(() => encryptAeadAes256Gcm(short, JAVA_AEAD_VECTOR))).toBe("CONFIG_INVALID");
  });
});

const printableNonce = fc.string({ unit: "grapheme-ascii", minLength: 12, maxLength: 12 });
const keyBytes = fc
  .uint8Array({ minLength: 32, maxLength: 32 })
  .map((bytes) => Buffer.from(bytes) as ApiV3Key);

describe("AEAD_AES_256_GCM properties", () => {
  it("round-trips any plaintext, associated data (empty too) and nonce", () => {
    fc.assert(
      fc.property(
        keyBytes,
        printableNonce,
        fc.string(),
        fc.oneof(
          fc.string({ unit: "binary" }),
          fc.uint8Array().map((b) => Buffer.from(b)),
        ),
        (key, nonce, associatedData, plaintext) => {
          const ciphertext = encryptAeadAes256Gcm(key, { nonce, associatedData, plaintext });
          const decrypted = decryptAeadAes256Gcm(key, { nonce, associatedData, ciphertext });
          expect(decrypted.equals(Buffer.from(plaintext))).toBe(true);
        },
      ),
      { numRuns: 100 },
    );
  });

  it("refuses any flipped bit of the ciphertext or of its tag", () => {
    fc.assert(
      fc.property(fc.nat(), fc.integer({ min: 0, max: 7 }), (position, bit) => {
        const raw = Buffer.from(JAVA_AEAD_VECTOR.ciphertext, "base64");
        raw[position % raw.length]! ^= 1 << bit;
        const input = { ...JAVA_AEAD_VECTOR, ciphertext: raw.toString("base64") };
        expect(codeOf(() => decryptAeadAes256Gcm(javaKey, input))).toBe("NOTIFY_DECRYPTION_FAILED");
      }),
      { numRuns: 100 },
    );
  });

  it("refuses any other nonce or associated data", () => {
    fc.assert(
      fc.property(printableNonce, fc.string(), (nonce, associatedData) => {
        fc.pre(nonce !== JAVA_AEAD_VECTOR.nonce && associatedData !== JAVA_AEAD_VECTOR.associatedData);
        const withNonce = { ...JAVA_AEAD_VECTOR, nonce };
        const withData = { ...JAVA_AEAD_VECTOR, associatedData };
        expect(codeOf(() => decryptAeadAes256Gcm(javaKey, withNonce))).toBe("NOTIFY_DECRYPTION_FAILED");
        expect(codeOf(() => decryptAeadAes256Gcm(javaKey, withData))).toBe("NOTIFY_DECRYPTION_FAILED");
      }),
      { numRuns: 100 },
    );
  });

  it("refuses a truncated tag, a ciphertext shorter than the tag, a nonce not 12 bytes, and non-canonical Base64", () => {
    const raw = Buffer.from(JAVA_AEAD_VECTOR.ciphertext, "base64");
    for (const input of [
      { ...JAVA_AEAD_VECTOR, ciphertext: raw.subarray(0, raw.length - 1).toString("base64") },
      { ...JAVA_AEAD_VECTOR, ciphertext: raw.subarray(0, 15).toString("base64") },
      { ...JAVA_AEAD_VECTOR, ciphertext: "" },
      { ...JAVA_AEAD_VECTOR, nonce: "uluk4a9R25R" },
      { ...JAVA_AEAD_VECTOR, nonce: "uluk4a9R25RWX" },
      { ...JAVA_AEAD_VECTOR, ciphertext: `${JAVA_AEAD_VECTOR.ciphertext}AAAA` },
      { ...JAVA_AEAD_VECTOR, ciphertext: `!${JAVA_AEAD_VECTOR.ciphertext}` },
    ]) {
      expect(codeOf(() => decryptAeadAes256Gcm(javaKey, input))).toBe("NOTIFY_DECRYPTION_FAILED");
    }
  });

  it("keeps the APIv3 key and the plaintext out of a decryption failure's message and diagnostics", () => {
    try {
      decryptAeadAes256Gcm(javaKey, { ...JAVA_AEAD_VECTOR, associatedData: "other" });
      expect.unreachable("tampered data decrypted");
    } catch (error) {
      const shown = `${(error as Error).message} ${JSON.stringify((error as WechatPayError).diagnostics)}`;
      expect(shown).not.toContain(JAVA_API_V3_KEY);
      expect(shown).not.toContain(JAVA_AEAD_VECTOR.plaintext);
    }
  });

  it("throws a RangeError (a caller bug) when asked to encrypt under a nonce that is not 12 bytes", () => {
    expect(() => encryptAeadAes256Gcm(javaKey, { ...JAVA_AEAD_VECTOR, nonce: "short" })).toThrow(RangeError);
  });
});
