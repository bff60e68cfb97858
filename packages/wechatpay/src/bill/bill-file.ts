import { createHash } from "node:crypto";
import { gunzipSync } from "node:zlib";
import { WechatPayError } from "../errors.ts";
import type { BillApplication } from "../types.ts";

/**
 * The integrity check of a downloaded bill. The download is not signed (§3.3), so the
 * SHA-1 `hash_value` from the signed, verified application is the only proof that the
 * bytes are WeChat Pay's (§5.7 "Download").
 */

const SHA1_HEX = /^[0-9a-fA-F]{40}$/;

/** Why an application could not be checked against (§5.7 "Response of both"), if it cannot. */
export function billApplicationProblem(value: unknown): string | undefined {
  const candidate = (typeof value === "object" && value !== null ? value : {}) as Record<string, unknown>;
  const { hash_type: hashType, hash_value: hashValue, download_url: downloadUrl } = candidate;
  if (hashType !== "SHA1") return "hash_type is not SHA1";
  if (typeof hashValue !== "string" || !SHA1_HEX.test(hashValue)) return "hash_value is not 40 hex digits";
  if (typeof downloadUrl !== "string" || downloadUrl === "") return "download_url is missing";
  return undefined;
}

/** Refuses an application we could not check a download against. */
export function assertBillApplication(value: unknown): asserts value is BillApplication {
  const problem = billApplicationProblem(value);
  if (problem !== undefined) {
    throw new WechatPayError("API_RESPONSE_INVALID", `bill application: ${problem}`);
  }
}

/**
 * Returns the bill file (decompressed when `gzipped`) after checking that its SHA-1 is the
 * application's `hash_value`. The hash covers the UNCOMPRESSED file (§5.7; Java's
 * `DigestBillEntity` does the same), compared case-insensitively as hex.
 *
 * Both failures are retryable: a download broken in transit usually succeeds when the bill
 * is applied for again (a fresh `download_url`, since the old one lives 30 s to 5 min).
 */
export function checkBillFile(data: Buffer, application: BillApplication, gzipped: boolean): Buffer {
  assertBillApplication(application);
  const file = gzipped ? gunzip(data) : data;
  const actualHash = createHash("sha1").update(file).digest("hex");
  const mismatch = hashMismatch(application, actualHash, {
    downloadedBytes: data.length,
    fileBytes: file.length,
    gzipped,
  });
  if (mismatch !== undefined) throw mismatch;
  return file;
}

/**
 * The error for a file whose SHA-1 (hex) is not the application's, or undefined when it is.
 * Hex is compared case-insensitively; the diagnostics say how many bytes were checked.
 */
export function hashMismatch(
  application: BillApplication,
  actualHash: string,
  sizes: { downloadedBytes?: number; fileBytes: number; gzipped: boolean },
): WechatPayError | undefined {
  const expectedHash = application.hash_value.toLowerCase();
  if (actualHash === expectedHash) return undefined;
  return new WechatPayError(
    "BILL_HASH_MISMATCH",
    `SHA-1 of the ${sizes.fileBytes}-byte file is ${actualHash}, the application says ${expectedHash}`,
    { retryable: true, diagnostics: { expectedHash, actualHash, ...sizes } },
  );
}

function gunzip(data: Buffer): Buffer {
  try {
    return gunzipSync(data);
  } catch (cause) {
    throw new WechatPayError(
      "BILL_FORMAT_INVALID",
      `tar_type=GZIP was requested but the ${data.length}-byte download is not a complete gzip stream`,
      { retryable: true, cause, diagnostics: { downloadedBytes: data.length, gzipped: true } },
    );
  }
}

const UTF8 = new TextDecoder("utf-8", { fatal: true });

/** The checked file as text (§5.7: UTF-8 with BOM; the decoder drops the BOM). */
export function decodeBillText(file: Buffer): string {
  try {
    return UTF8.decode(file);
  } catch (cause) {
    throw new WechatPayError("BILL_FORMAT_INVALID", "the bill file is not valid UTF-8", {
      cause,
      diagnostics: { fileBytes: file.length },
    });
  }
}
