import { createHash } from "node:crypto";
import { readFileSync } from "node:fs";
import { gzipSync } from "node:zlib";
import { describe, expect, it } from "vitest";
import { WechatPayError } from "../errors.ts";
import type { BillApplication } from "../types.ts";
import { assertBillApplication, checkBillFile, decodeBillText } from "./bill-file.ts";

const FILE = readFileSync(new URL("./fixtures/trade-all.csv", import.meta.url));
const SHA1 = createHash("sha1").update(FILE).digest("hex");

function applicationFor(hashValue: string): BillApplication {
  return {
    hash_type: "SHA1",
    hash_value: hashValue,
    download_url:
      "https://api.mch.weixin.qq.com/v3/billdownload/file?token=6XIv5TUPto7pByrTQKhd6kwvyKLG2uY2wMMR8cNXqaA_Cv_isgaUtBzp4QtiozLO",
  };
}

function caught(run: () => unknown): WechatPayError {
  try {
    run();
  } catch (error) {
    if (error instanceof WechatPayError) return error;
    throw error;
  }
  throw new Error("expected a WechatPayError");
}

describe("checkBillFile", () => {
  it("returns the file when its SHA-1 equals hash_value", () => {
    expect(checkBillFile(FILE, applicationFor(SHA1), false).equals(FILE)).toBe(true);
  });

  it("compares hash_value as hex regardless of case", () => {
    expect(checkBillFile(FILE, applicationFor(SHA1.toUpperCase()), false).equals(FILE)).toBe(true);
    expect(checkBillFile(FILE, applicationFor(SHA1.toLowerCase()), false).equals(FILE)).toBe(true);
  });

  it("refuses a file with one flipped byte as BILL_HASH_MISMATCH, with hashes and sizes in diagnostics", () => {
    const tampered = Buffer.from(FILE);
    tampered[200] = (tampered[200] ?? 0) ^ 0x01;
    const error = caught(() => checkBillFile(tampered, applicationFor(SHA1), false));
    expect(error.code).toBe("BILL_HASH_MISMATCH");
    expect(error.retryable).toBe(true);
    expect(error.diagnostics).toEqual({
      expectedHash: SHA1,
      actualHash: createHash("sha1").update(tampered).digest("hex"),
      downloadedBytes: FILE.length,
      fileBytes: FILE.length,
      gzipped: false,
    });
  });

  it("hashes the uncompressed file when GZIP was requested and returns it decompressed", () => {
    const gzipped = gzipSync(FILE);
    const file = checkBillFile(gzipped, applicationFor(SHA1), true);
    expect(file.equals(FILE)).toBe(true);
  });

  it("refuses a gzip download whose hash_value is the compressed stream's", () => {
    const gzipped = gzipSync(FILE);
    const hashOfCompressed = createHash("sha1").update(gzipped).digest("hex");
    const error = caught(() => checkBillFile(gzipped, applicationFor(hashOfCompressed), true));
    expect(error.code).toBe("BILL_HASH_MISMATCH");
    expect(error.diagnostics).toMatchObject({ downloadedBytes: gzipped.length, fileBytes: FILE.length });
  });

  it("never returns a gzip download with one flipped byte in its compressed data", () => {
    const gzipped = gzipSync(FILE);
    gzipped[gzipped.length - 12] = (gzipped[gzipped.length - 12] ?? 0) ^ 0x01;
    expect(["BILL_HASH_MISMATCH", "BILL_FORMAT_INVALID"]).toContain(
      caught(() => checkBillFile(gzipped, applicationFor(SHA1), true)).code,
    );
  });

  it("refuses a plain file when GZIP was requested, as BILL_FORMAT_INVALID", () => {
    const error = caught(() => checkBillFile(FILE, applicationFor(SHA1), true));
    expect(error.code).toBe("BILL_FORMAT_INVALID");
    expect(error.message).toMatch(/not a complete gzip stream/);
  });

  it("refuses a truncated gzip download", () => {
    const gzipped = gzipSync(FILE);
    const error = caught(() =>
      checkBillFile(gzipped.subarray(0, gzipped.length - 20), applicationFor(SHA1), true),
    );
    expect(error.code).toBe("BILL_FORMAT_INVALID");
  });

  it("does not decompress unless GZIP was requested", () => {
    const gzipped = gzipSync(FILE);
    expect(caught(() => checkBillFile(gzipped, applicationFor(SHA1), false)).code).toBe("BILL_HASH_MISMATCH");
  });
});

describe("assertBillApplication", () => {
  it.each([
    [{ hash_type: "MD5", hash_value: "a".repeat(40), download_url: "https://x" }, /hash_type is not SHA1/],
    [
      { hash_type: "SHA1", hash_value: "a".repeat(39), download_url: "https://x" },
      /hash_value is not 40 hex/,
    ],
    [
      { hash_type: "SHA1", hash_value: "g".repeat(40), download_url: "https://x" },
      /hash_value is not 40 hex/,
    ],
    [{ hash_type: "SHA1", hash_value: "a".repeat(40) }, /download_url is missing/],
    [null, /hash_type is not SHA1/],
  ])("refuses an application it could not check a download against: %j", (application, message) => {
    const error = caught(() => assertBillApplication(application));
    expect(error.code).toBe("API_RESPONSE_INVALID");
    expect(error.message).toMatch(message);
  });
});

describe("decodeBillText", () => {
  it("drops the BOM and decodes UTF-8", () => {
    const text = decodeBillText(FILE);
    expect(text.startsWith("交易时间,")).toBe(true);
  });

  it("refuses bytes that are not UTF-8 as BILL_FORMAT_INVALID", () => {
    expect(caught(() => decodeBillText(Buffer.from([0x60, 0xff, 0xfe]))).code).toBe("BILL_FORMAT_INVALID");
  });
});
