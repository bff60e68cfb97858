import { createPrivateKey, createPublicKey } from "node:crypto";
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { GO_SIGN_VECTOR, renameTestingKey } from "../test/vectors/wechatpay-go.ts";
import {
  decodeBase64Strict,
  signSha256WithRsa,
  signSha256WithRsaSync,
  verifySha256WithRsa,
  verifySha256WithRsaParts,
} from "./rsa.ts";

const privateKey = createPrivateKey(renameTestingKey(GO_SIGN_VECTOR.privateKeyTestingPem));
const publicKey = createPublicKey(privateKey);

describe("SHA256withRSA (§2 Algorithm)", () => {
  it("reproduces the wechatpay-go signature of 'source' byte for byte (§9 vector 1)", () => {
    expect(signSha256WithRsaSync(GO_SIGN_VECTOR.message, privateKey)).toBe(GO_SIGN_VECTOR.expectedSignature);
  });

  it("gives the same signature from the thread-pool form as from the synchronous form (§9 vector 1)", async () => {
    await expect(signSha256WithRsa(GO_SIGN_VECTOR.message, privateKey)).resolves.toBe(
      GO_SIGN_VECTOR.expectedSignature,
    );
    await expect(signSha256WithRsa(Buffer.from(GO_SIGN_VECTOR.message), privateKey)).resolves.toBe(
      GO_SIGN_VECTOR.expectedSignature,
    );
  });

  it("gives the same signature inline, settled before any thread-pool round trip (§9 vector 1)", async () => {
    let settled = false;
    const inline = signSha256WithRsa(GO_SIGN_VECTOR.message, privateKey, "inline").then((signature) => {
      settled = true;
      return signature;
    });
    await Promise.resolve();
    await Promise.resolve();
    expect(settled).toBe(true);
    await expect(inline).resolves.toBe(GO_SIGN_VECTOR.expectedSignature);
  });

  it("settles the thread-pool form only after the pool has signed, never within the microtask queue", async () => {
    let settled = false;
    const pooled = signSha256WithRsa(GO_SIGN_VECTOR.message, privateKey, "thread-pool").then(() => {
      settled = true;
    });
    await Promise.resolve();
    await Promise.resolve();
    expect(settled).toBe(false);
    await pooled;
    expect(settled).toBe(true);
  });

  it("rejects, never throws, when the key cannot sign, in either form", async () => {
    for (const mode of ["inline", "thread-pool"] as const) {
      let pending: Promise<string> | undefined;
      expect(() => {
        pending = signSha256WithRsa("source", publicKey as never, mode);
      }).not.toThrow();
      await expect(pending).rejects.toBeInstanceOf(Error);
    }
  });

  it("verifies the official signature with the public half of the key", () => {
    expect(verifySha256WithRsa(GO_SIGN_VECTOR.message, GO_SIGN_VECTOR.expectedSignature, publicKey)).toBe(
      true,
    );
    expect(verifySha256WithRsa("source ", GO_SIGN_VECTOR.expectedSignature, publicKey)).toBe(false);
  });

  it("signs and verifies any message, string or Buffer, ASCII or not", () => {
    fc.assert(
      fc.property(fc.oneof(fc.string(), fc.string({ unit: "binary" })), fc.boolean(), (text, asBuffer) => {
        const message = asBuffer ? Buffer.from(text) : text;
        const signature = signSha256WithRsaSync(message, privateKey);
        expect(verifySha256WithRsa(text, signature, publicKey)).toBe(true);
        expect(verifySha256WithRsa(`${text}x`, signature, publicKey)).toBe(false);
      }),
      { numRuns: 50 },
    );
  });

  it("refuses every single-character change of the signature, including ones Node's lenient Base64 would decode alike", () => {
    const signature = GO_SIGN_VECTOR.expectedSignature;
    const alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/=!- \n";
    fc.assert(
      fc.property(
        fc.nat({ max: signature.length - 1 }),
        fc.constantFrom(...alphabet),
        (index, replacement) => {
          fc.pre(signature[index] !== replacement);
          const changed = signature.slice(0, index) + replacement + signature.slice(index + 1);
          expect(verifySha256WithRsa(GO_SIGN_VECTOR.message, changed, publicKey)).toBe(false);
        },
      ),
      { numRuns: 200 },
    );
  });

  it("refuses a signature with characters inserted, appended after the padding, or without its padding", () => {
    const signature = GO_SIGN_VECTOR.expectedSignature;
    for (const changed of [
      `${signature.slice(0, 10)}!${signature.slice(10)}`,
      `${signature}AAAA`,
      signature.replace(/=+$/, ""),
      ` ${signature}`,
      signature.replace(/g==$/, "h=="), // same decoded bytes under a lenient decoder
    ]) {
      expect(verifySha256WithRsa(GO_SIGN_VECTOR.message, changed, publicKey)).toBe(false);
    }
  });

  it("returns false, never throws, for an empty, short or non-Base64 signature", () => {
    for (const signature of ["", "AAAA", "WECHATPAY/SIGNTEST/abc", "%%%", "Zg=="]) {
      expect(verifySha256WithRsa("source", signature, publicKey)).toBe(false);
    }
  });
});

describe("decodeBase64Strict", () => {
  it("accepts the canonical standard Base64 of any bytes and refuses extra padding or the URL-safe alphabet", () => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 64 }), (bytes) => {
        const text = Buffer.from(bytes).toString("base64");
        expect(decodeBase64Strict(text)?.equals(Buffer.from(bytes))).toBe(true);
        expect(decodeBase64Strict(`${text}=`)).toBeUndefined();
        const urlSafe = text.replaceAll("+", "-").replaceAll("/", "_");
        if (urlSafe !== text) expect(decodeBase64Strict(urlSafe)).toBeUndefined();
      }),
      { numRuns: 100 },
    );
  });
});

describe("verifySha256WithRsaParts", () => {
  it("gives the answer of the joined message for any split into strings and Buffers", () => {
    fc.assert(
      fc.property(
        fc.array(fc.tuple(fc.string({ unit: "binary" }), fc.boolean()), { maxLength: 5 }),
        (pieces) => {
          const joined = pieces.map(([text]) => text).join("");
          const parts = pieces.map(([text, asBuffer]) => (asBuffer ? Buffer.from(text) : text));
          const signature = signSha256WithRsaSync(joined, privateKey);
          expect(verifySha256WithRsaParts(parts, signature, publicKey)).toBe(true);
          expect(verifySha256WithRsaParts([...parts, "x"], signature, publicKey)).toBe(false);
        },
      ),
      { numRuns: 30 },
    );
  });
});

describe("decodeBase64Strict without re-encoding", () => {
  /** The definition it must keep: the bytes, only if they encode back to the very same text. */
  const byReEncoding = (text: string) => {
    const bytes = Buffer.from(text, "base64");
    return bytes.toString("base64") === text ? bytes : undefined;
  };
  // Canonical characters, characters with the same value under a lenient decoder (unused
  // bits, URL-safe), padding, and what Node's decoder skips (whitespace, junk, non-ASCII).
  const characters = [
    "A",
    "Q",
    "R",
    "g",
    "h",
    "w",
    "x",
    "8",
    "+",
    "/",
    "-",
    "_",
    "=",
    " ",
    "\n",
    "*",
    "é",
    "中",
  ];

  it("accepts and refuses exactly what the re-encoding definition does, for any string of tricky characters", () => {
    fc.assert(
      fc.property(fc.array(fc.constantFrom(...characters), { maxLength: 16 }), (chosen) => {
        const text = chosen.join("");
        const expected = byReEncoding(text);
        const actual = decodeBase64Strict(text);
        expect(actual === undefined).toBe(expected === undefined);
        if (expected) expect(actual?.equals(expected)).toBe(true);
      }),
      { numRuns: 3000 },
    );
  });

  it("agrees with the re-encoding definition on every one-character change of a real encoding", () => {
    const text = Buffer.from("a 1400-byte ciphertext stands in here; ".repeat(4)).toString("base64");
    fc.assert(
      fc.property(fc.nat({ max: text.length - 1 }), fc.constantFrom(...characters), (index, replacement) => {
        const changed = text.slice(0, index) + replacement + text.slice(index + 1);
        expect(decodeBase64Strict(changed) === undefined).toBe(byReEncoding(changed) === undefined);
      }),
      { numRuns: 500 },
    );
  });

  it("refuses non-zero unused bits, a '=' before the end, missing padding and the URL-safe alphabet", () => {
    for (const text of ["QR==", "QUF=", "QQ==QQ==", "QQ=A", "QQ", "QUI", "-_-_", "QUJD\nQUJD", "QU D"]) {
      expect(decodeBase64Strict(text)).toBeUndefined();
    }
    expect(decodeBase64Strict("QQ==")?.toString()).toBe("A");
    expect(decodeBase64Strict("QUI=")?.toString()).toBe("AB");
    expect(decodeBase64Strict("")?.length).toBe(0);
  });
});
