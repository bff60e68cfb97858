import { sql } from "kysely";
import type { Executor } from "./executor.ts";

export interface Bucket {
  /** The bucket's number: floor((time + offset) / size), the same on SQLite and PostgreSQL. */
  bucket: number;
  count: number;
  amountFen: number;
}

interface BucketQuery {
  appId: string;
  from: number;
  to: number;
  sizeMs: number;
  /** The merchant's zone, so that a day is the merchant's day. */
  offsetMs: number;
}

/**
 * An app's payments paid in [from, to), in buckets of `sizeMs` by paid_at (the
 * payments_app_paid index, migration 0013). Integer division of integers is integer on both
 * databases. Every channel counts, the wallet included: a payment from the wallet pays an order.
 */
export async function paidBuckets(db: Executor, query: BucketQuery): Promise<Bucket[]> {
  const bucket = sql<number>`(paid_at + ${sql.lit(whole(query.offsetMs))}) / ${sql.lit(whole(query.sizeMs))}`;
  const rows = await db
    .selectFrom("payments")
    .select([
      bucket.as("bucket"),
      sql<number>`count(*)`.as("count"),
      sql<number>`coalesce(sum(amount_fen), 0)`.as("amount_fen"),
    ])
    .where("app_id", "=", query.appId)
    .where("status", "=", "PAID")
    .where("paid_at", ">=", query.from)
    .where("paid_at", "<", query.to)
    .groupBy(bucket)
    .execute();
  return rows.map(numbers);
}

/** An app's orders created in [from, to), in buckets by created_at (orders_app_created). */
export async function createdBuckets(db: Executor, query: BucketQuery): Promise<Bucket[]> {
  const bucket = sql<number>`(created_at + ${sql.lit(whole(query.offsetMs))}) / ${sql.lit(whole(query.sizeMs))}`;
  const rows = await db
    .selectFrom("orders")
    .select([
      bucket.as("bucket"),
      sql<number>`count(*)`.as("count"),
      sql<number>`coalesce(sum(amount_fen), 0)`.as("amount_fen"),
    ])
    .where("app_id", "=", query.appId)
    .where("created_at", ">=", query.from)
    .where("created_at", "<", query.to)
    .groupBy(bucket)
    .execute();
  return rows.map(numbers);
}

/** Orders created in [from, to) that are paid now: the numerator of the conversion. */
export async function paidOfCreated(db: Executor, query: Omit<BucketQuery, "sizeMs" | "offsetMs">) {
  const row = await db
    .selectFrom("orders")
    .select(sql<number>`count(*)`.as("count"))
    .where("app_id", "=", query.appId)
    .where("created_at", ">=", query.from)
    .where("created_at", "<", query.to)
    .where("status", "=", "PAID")
    .executeTakeFirst();
  return Number(row?.count ?? 0);
}

/**
 * Sizes and offsets go into the SQL as integer literals: better-sqlite3 binds a JS number as a
 * REAL, and REAL division would cut no buckets. They are the code's constants, never input.
 */
function whole(value: number): number {
  if (!Number.isSafeInteger(value)) throw new Error(`not a whole number of ms: ${value}`);
  return value;
}

// PostgreSQL answers bigint sums and counts as strings.
function numbers(row: { bucket: number; count: number; amount_fen: number }): Bucket {
  return { bucket: Number(row.bucket), count: Number(row.count), amountFen: Number(row.amount_fen) };
}
