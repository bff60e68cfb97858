import { createHash } from "node:crypto";
import type { Executor } from "../../db/executor.ts";
import {
  claimIdempotencyKey,
  completeIdempotencyKey,
  releaseIdempotencyKey,
} from "../../db/idempotency-repo.ts";
import { inTransaction } from "../../db/transaction.ts";
import { KassaError } from "../../domain/errors.ts";
import type { AppDeps } from "../deps.ts";

export interface MerchantWrite {
  appId: string;
  idempotencyKey: string | undefined;
  /** The request the key is bound to: the same key on another route or body is refused. */
  method: string;
  path: string;
  body: unknown;
  /** Whose keys these are; `merchant:<appId>` unless given (the console's: `operator:<id>`). */
  scope?: string;
}

export interface WriteAnswer {
  status: number;
  body: unknown;
}

const IDEMPOTENCY_LOCK_MS = 60_000;

/**
 * The mini program API's Idempotency-Key rules (create-order.ts) for every merchant POST:
 * same key and request → the stored answer, replayed; another request → IDEMPOTENCY_KEY_REUSED;
 * the first still running → IDEMPOTENCY_KEY_IN_PROGRESS; a refusal frees the key.
 *
 * Keys live in the same table, scoped `merchant:<appId>` in the user_id column: user ids are
 * `usr_…`, so the scopes cannot meet, the repository is reused as it is, and the scope is the
 * app, not the API key, so a retry sent with the new key during a rotation still replays.
 */
export async function idempotentWrite(
  deps: AppDeps,
  write: MerchantWrite,
  work: (trx: Executor) => Promise<WriteAnswer>,
): Promise<WriteAnswer & { replayed: boolean }> {
  if (!write.idempotencyKey) return { replayed: false, ...(await inTransaction(deps.db, work)) };
  const key = { userId: write.scope ?? `merchant:${write.appId}`, key: write.idempotencyKey };
  const claim = await claimIdempotencyKey(deps.db, {
    ...key,
    requestHash: hashRequest(write),
    now: deps.clock.now(),
    lockMs: IDEMPOTENCY_LOCK_MS,
  });
  if (claim.kind === "replay")
    return { replayed: true, status: claim.status, body: JSON.parse(claim.body) as unknown };
  if (claim.kind === "mismatch") throw new KassaError("IDEMPOTENCY_KEY_REUSED");
  if (claim.kind === "in_progress") throw new KassaError("IDEMPOTENCY_KEY_IN_PROGRESS");
  try {
    const answer = await inTransaction(deps.db, async (trx) => {
      const done = await work(trx);
      const stored = await completeIdempotencyKey(trx, {
        ...key,
        lockedUntil: claim.lockedUntil,
        status: done.status,
        body: JSON.stringify(done.body),
      });
      if (!stored) throw new KassaError("IDEMPOTENCY_KEY_IN_PROGRESS");
      return done;
    });
    return { replayed: false, ...answer };
  } catch (error) {
    await releaseIdempotencyKey(deps.db, { ...key, lockedUntil: claim.lockedUntil });
    throw error;
  }
}

/** What a key is bound to (exported for the in-flight test, which claims a key as a running request does). */
export function hashRequest(write: MerchantWrite): string {
  return createHash("sha256")
    .update(JSON.stringify([write.method, write.path, write.body ?? null]))
    .digest("hex");
}
