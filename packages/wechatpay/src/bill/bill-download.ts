import { createHash } from "node:crypto";
import { createReadStream, createWriteStream } from "node:fs";
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { type Readable, Transform } from "node:stream";
import { pipeline } from "node:stream/promises";
import { createGunzip } from "node:zlib";
import { WechatPayError, WechatPayNetworkError } from "../errors.ts";
import type { BillApplication } from "../types.ts";
import { assertBillApplication, hashMismatch } from "./bill-file.ts";
import { billLines } from "./bill-lines.ts";

/**
 * A bill downloaded to a private temporary file as it arrives, gunzipped on the way when
 * asked, and hashed on the way (§5.7: SHA-1 of the UNCOMPRESSED file against the signed
 * application's `hash_value`). Nothing is parsed before the whole file has been checked,
 * and memory holds one chunk at a time, whatever the bill's size.
 */
export interface CheckedBillFile {
  /** The checked file (mode 0600, in a directory of its own). */
  readonly path: string;
  /** Size of the uncompressed file. */
  readonly bytes: number;
  /** Its SHA-1, lower-case hex: the application's `hash_value`. */
  readonly sha1: string;
  /** The file's lines, read from disk one at a time (bill-lines.ts). */
  lines(): AsyncGenerator<string, void, undefined>;
  /** Deletes the file and its directory; safe to call more than once. */
  remove(): Promise<void>;
}

export interface BillFileOptions {
  /** Where the temporary directory is made; default the OS's. */
  directory?: string;
  /** Refuse a file larger than this when uncompressed; default 4 GiB. */
  maxBytes?: number;
}

const DEFAULT_MAX_BYTES = 4 * 1024 ** 3;

export async function receiveBillFile(
  body: Readable,
  application: BillApplication,
  gzipped: boolean,
  options: BillFileOptions = {},
): Promise<CheckedBillFile> {
  assertBillApplication(application);
  const maxBytes = options.maxBytes ?? DEFAULT_MAX_BYTES;
  const directory = await mkdtemp(join(options.directory ?? tmpdir(), "kassa-bill-"));
  const path = join(directory, "bill.csv");
  const remove = () => rm(directory, { recursive: true, force: true });
  const hash = createHash("sha1");
  let bytes = 0;
  const measure = new Transform({
    transform(chunk: Buffer, _encoding, done) {
      bytes += chunk.length;
      if (bytes > maxBytes) {
        done(
          new WechatPayError("BILL_FORMAT_INVALID", `the bill file is larger than ${maxBytes} bytes`, {
            diagnostics: { maxBytes },
          }),
        );
        return;
      }
      hash.update(chunk);
      done(null, chunk);
    },
  });
  try {
    const sink = createWriteStream(path, { flags: "wx", mode: 0o600 });
    if (gzipped) await pipeline(body, createGunzip(), measure, sink);
    else await pipeline(body, measure, sink);
  } catch (error) {
    await remove();
    throw downloadFailure(error, gzipped, bytes);
  }
  const sha1 = hash.digest("hex");
  const mismatch = hashMismatch(application, sha1, { fileBytes: bytes, gzipped });
  if (mismatch !== undefined) {
    await remove();
    throw mismatch;
  }
  return {
    path,
    bytes,
    sha1,
    lines: () => billLines(createReadStream(path, { highWaterMark: 64 * 1024 })),
    remove,
  };
}

/**
 * What broke a download, as the client's errors: ours as they are; a gzip stream that does
 * not inflate is BILL_FORMAT_INVALID; a body cut off in transit is NETWORK_ERROR. The last
 * two are retryable, by applying for the bill again (a fresh download_url).
 */
function downloadFailure(error: unknown, gzipped: boolean, fileBytes: number): WechatPayError {
  if (error instanceof WechatPayError) return error;
  const code = (error as { code?: unknown } | null)?.code;
  if (gzipped && typeof code === "string" && code.startsWith("Z_")) {
    return new WechatPayError(
      "BILL_FORMAT_INVALID",
      "tar_type=GZIP was requested but the download is not a complete gzip stream",
      { retryable: true, cause: error, diagnostics: { gzipped, fileBytes, zlib: code } },
    );
  }
  return new WechatPayNetworkError("NETWORK_ERROR", "the bill download broke off before its end", {
    retryable: true,
    cause: error,
    diagnostics: { failure: "lost-answer", fileBytes },
  });
}
