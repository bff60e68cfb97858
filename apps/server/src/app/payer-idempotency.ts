import { createHash } from "node:crypto";
import type { Executor } from "../db/executor.ts";
import {
  claimIdempotencyKey,
  completeIdempotencyKey,
  releaseIdempotencyKey,
} from "../db/idempotency-repo.ts";
import { inTransaction } from "../db/transaction.ts";
import { KassaError } from "../domain/errors.ts";
import type { AppDeps } from "./deps.ts";

/** A crashed first attempt frees its key after this long. */
const IDEMPOTENCY_LOCK_MS = 60_000;

/**
 * A payer's write with an optional Idempotency-Key (the mini program API's orders and
 * top-ups): same key and request → the stored answer, replayed; another request →
 * IDEMPOTENCY_KEY_REUSED; the first still running → IDEMPOTENCY_KEY_IN_PROGRESS. The answer
 * is stored in the write's own transaction, so K concurrent sends make exactly one; a
 * refusal (no stock, an amount out of bounds) frees the key for the corrected request.
 * `request` is what the key is bound to: anything JSON, hashed.
 */
export async function payerIdempotentWrite<T>(
  deps: AppDeps,
  input: { userId: string; idempotencyKey: string | undefined; request: unknown },
  work: (trx: Executor) => Promise<T>,
): Promise<{ replayed: boolean; value: T }> {
  if (!input.idempotencyKey) return { replayed: false, value: await inTransaction(deps.db, work) };
  const key = { userId: input.userId, key: input.idempotencyKey };
  const claim = await claimIdempotencyKey(deps.db, {
    ...key,
    requestHash: createHash("sha256").update(JSON.stringify(input.request)).digest("hex"),
    now: deps.clock.now(),
    lockMs: IDEMPOTENCY_LOCK_MS,
  });
  if (claim.kind === "replay") return { replayed: true, value: JSON.parse(claim.body) as T };
  if (claim.kind === "mismatch") throw new KassaError("IDEMPOTENCY_KEY_REUSED");
  if (claim.kind === "in_progress") throw new KassaError("IDEMPOTENCY_KEY_IN_PROGRESS");
  try {
    const value = await inTransaction(deps.db, async (trx) => {
      const done = await work(trx);
      const stored = await completeIdempotencyKey(trx, {
        ...key,
        lockedUntil: claim.lockedUntil,
        status: 201,
        body: JSON.stringify(done),
      });
      // Our lock lapsed and another attempt took the key: roll this write back.
      if (!stored) throw new KassaError("IDEMPOTENCY_KEY_IN_PROGRESS");
      return done;
    });
    return { replayed: false, value };
  } catch (error) {
    await releaseIdempotencyKey(deps.db, { ...key, lockedUntil: claim.lockedUntil });
    throw error;
  }
}
