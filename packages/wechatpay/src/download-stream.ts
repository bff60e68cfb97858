import { type Readable, Transform } from "node:stream";
import { WechatPayNetworkError } from "./errors.ts";
import type { NetworkFailure } from "./transport.ts";

/**
 * Helpers for answers read as streams (bill files, §5.7): an error answer is small and read
 * whole, for the §5.8 error mapping; a file is handed on as it arrives, watched for stalls.
 */

/** An error answer's body, whose first `limit` bytes are all the error mapping needs. */
export async function readAtMost(body: Readable, limit: number): Promise<Buffer> {
  const chunks: Buffer[] = [];
  let length = 0;
  for await (const chunk of body) {
    const bytes = Buffer.isBuffer(chunk) ? chunk : Buffer.from(chunk as Uint8Array);
    chunks.push(bytes.subarray(0, limit - length));
    length += Math.min(bytes.length, limit - length);
    if (length >= limit) break; // leaving the loop destroys the stream
  }
  return Buffer.concat(chunks);
}

/**
 * The body as it arrives, failed with a retryable TIMEOUT when no byte came for `idleMs`:
 * the per-attempt timeout covers the answer's headers, and a file may take longer than
 * that in total, but a silent connection must not hold a job for ever. `abort` also stops
 * the transport underneath (fetch aborts its body on the request's signal).
 */
export function watchedForStalls(body: Readable, idleMs: number, host: string, abort: () => void): Readable {
  let timer: NodeJS.Timeout | undefined;
  const watched = new Transform({
    transform(chunk, _encoding, done) {
      timer?.refresh();
      done(null, chunk);
    },
  });
  const stall = () => {
    abort();
    watched.destroy(
      new WechatPayNetworkError("TIMEOUT", `the download from ${host} stalled: no byte for ${idleMs} ms`, {
        retryable: true,
        diagnostics: { failure: "timeout" satisfies NetworkFailure, host },
      }),
    );
  };
  timer = setTimeout(stall, idleMs);
  timer.unref();
  const stop = () => clearTimeout(timer);
  watched.once("close", stop);
  body.once("error", (error) => watched.destroy(error));
  watched.once("close", () => {
    if (!body.destroyed) body.destroy();
  });
  body.pipe(watched);
  return watched;
}
