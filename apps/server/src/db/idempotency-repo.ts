import type { Executor } from "./executor.ts";

/**
 * Stripe-style idempotency keys (payments-design-anchors §1.1), per user:
 * - the first request records (key, request hash) with a lock, then does its work and
 *   stores its answer in the same transaction as the work;
 * - the same key and body again: the stored answer;
 * - a different body: refused; the same key while the first still runs: 409;
 * - a first attempt that crashed: its lock lapses and a retry takes over.
 */
export type KeyClaim =
  | { kind: "claimed"; lockedUntil: number }
  | { kind: "replay"; status: number; body: string }
  | { kind: "mismatch" }
  | { kind: "in_progress" };

export async function claimIdempotencyKey(
  db: Executor,
  input: { userId: string; key: string; requestHash: string; now: number; lockMs: number },
): Promise<KeyClaim> {
  const lockedUntil = input.now + input.lockMs;
  const inserted = await db
    .insertInto("idempotency_keys")
    .values({
      user_id: input.userId,
      key: input.key,
      request_hash: input.requestHash,
      response_status: null,
      response_body: null,
      created_at: input.now,
      locked_until: lockedUntil,
    })
    .onConflict((conflict) => conflict.columns(["user_id", "key"]).doNothing())
    .executeTakeFirst();
  if (inserted.numInsertedOrUpdatedRows === 1n) return { kind: "claimed", lockedUntil };

  const row = await db
    .selectFrom("idempotency_keys")
    .selectAll()
    .where("user_id", "=", input.userId)
    .where("key", "=", input.key)
    .executeTakeFirstOrThrow();
  if (row.request_hash !== input.requestHash) return { kind: "mismatch" };
  if (row.response_status !== null && row.response_body !== null) {
    return { kind: "replay", status: row.response_status, body: row.response_body };
  }
  if (row.locked_until > input.now) return { kind: "in_progress" };
  // The first attempt died without answering: take its lock over, by compare-and-set.
  const takeover = await db
    .updateTable("idempotency_keys")
    .set({ locked_until: lockedUntil })
    .where("user_id", "=", input.userId)
    .where("key", "=", input.key)
    .where("locked_until", "=", row.locked_until)
    .where("response_status", "is", null)
    .executeTakeFirst();
  return takeover.numUpdatedRows === 1n ? { kind: "claimed", lockedUntil } : { kind: "in_progress" };
}

/**
 * Store the answer; run it in the transaction that did the work. False means our lock was
 * taken over meanwhile, and the caller must roll the work back.
 */
export async function completeIdempotencyKey(
  db: Executor,
  input: { userId: string; key: string; lockedUntil: number; status: number; body: string },
): Promise<boolean> {
  const result = await db
    .updateTable("idempotency_keys")
    .set({ response_status: input.status, response_body: input.body })
    .where("user_id", "=", input.userId)
    .where("key", "=", input.key)
    .where("locked_until", "=", input.lockedUntil)
    .where("response_status", "is", null)
    .executeTakeFirst();
  return result.numUpdatedRows === 1n;
}

/** A refused request (bad product, no stock) frees its key, so the fixed retry can use it. */
export async function releaseIdempotencyKey(
  db: Executor,
  input: { userId: string; key: string; lockedUntil: number },
): Promise<void> {
  await db
    .deleteFrom("idempotency_keys")
    .where("user_id", "=", input.userId)
    .where("key", "=", input.key)
    .where("locked_until", "=", input.lockedUntil)
    .where("response_status", "is", null)
    .execute();
}
