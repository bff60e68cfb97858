import { type ExpressionBuilder, sql } from "kysely";
import type { Executor } from "./executor.ts";
import type { Database } from "./schema.ts";
import { inTransaction } from "./transaction.ts";

/**
 * What purge removes, table by table (app/purge.ts decides the cut-off times). Each target
 * counts what is due (for --dry-run) and removes at most `limit` rows in one short
 * statement, chosen through the index on its time (migration 0019), so a large table is
 * never locked for long: the caller repeats while a batch comes back full.
 *
 * Nothing here touches the ledger's tables, orders' or payments' amounts, refunds, or
 * anything reconciliation reads: a purged payer keeps their user row (and its id, which the
 * orders and the wallet's ledger account name); only the openid goes. The targets run in
 * this order: finished deliveries (with their attempts) go before the events they named.
 */
export type RetentionTarget =
  | "sessions"
  | "operator_sessions"
  | "idempotency_keys"
  | "channel_notifications"
  | "webhook_attempts"
  | "webhook_deliveries"
  | "outbox_events"
  | "inactive_users";

/** `before`: rows whose time is at or before it are due; `now`: what is still running is kept. */
export interface Cutoff {
  before: number;
  now: number;
}

export interface RetentionTable {
  count(db: Executor, cutoff: Cutoff): Promise<number>;
  /** Removes (or, for users, anonymises) at most `limit` due rows; returns how many. */
  removeBatch(db: Executor, cutoff: Cutoff, limit: number): Promise<number>;
}

/** The tombstone that replaces a purged payer's openid: unique per user, as the openid was. */
export const PURGED_OPENID_PREFIX = "purged:";

const countOf = async (query: { executeTakeFirst(): Promise<{ n: number | string | bigint } | undefined> }) =>
  Number((await query.executeTakeFirst())?.n ?? 0);

export const RETENTION_TABLES: { readonly [T in RetentionTarget]: RetentionTable } = {
  // Payer sessions: the hourly session.sweep deletes them at expiry already; this is the backstop.
  sessions: {
    count: (db, { before }) =>
      countOf(
        db
          .selectFrom("sessions")
          .select((eb) => eb.fn.countAll().as("n"))
          .where("expires_at", "<=", before),
      ),
    removeBatch: async (db, { before }, limit) => {
      const due = db
        .selectFrom("sessions")
        .select("token_hash")
        .where("expires_at", "<=", before)
        .limit(limit);
      const result = await db.deleteFrom("sessions").where("token_hash", "in", due).executeTakeFirst();
      return Number(result.numDeletedRows);
    },
  },
  operator_sessions: {
    count: (db, { before }) =>
      countOf(
        db
          .selectFrom("operator_sessions")
          .select((eb) => eb.fn.countAll().as("n"))
          .where((eb) => endedOperatorSession(eb, before)),
      ),
    removeBatch: async (db, { before }, limit) => {
      const due = db
        .selectFrom("operator_sessions")
        .select("token_hash")
        .where((eb) => endedOperatorSession(eb, before))
        .limit(limit);
      const result = await db
        .deleteFrom("operator_sessions")
        .where("token_hash", "in", due)
        .executeTakeFirst();
      return Number(result.numDeletedRows);
    },
  },
  // A key whose first request still runs (its lock is live) stays, however old.
  idempotency_keys: {
    count: (db, { before, now }) =>
      countOf(
        db
          .selectFrom("idempotency_keys")
          .select((eb) => eb.fn.countAll().as("n"))
          .where("created_at", "<=", before)
          .where("locked_until", "<=", now),
      ),
    removeBatch: async (db, { before, now }, limit) => {
      const due = db
        .selectFrom("idempotency_keys")
        .select(["user_id", "key"])
        .where("created_at", "<=", before)
        .where("locked_until", "<=", now)
        .limit(limit);
      const result = await db
        .deleteFrom("idempotency_keys")
        .where(({ eb, refTuple }) => eb(refTuple("user_id", "key"), "in", due.$asTuple("user_id", "key")))
        .executeTakeFirst();
      return Number(result.numDeletedRows);
    },
  },
  channel_notifications: {
    count: (db, { before }) =>
      countOf(
        db
          .selectFrom("channel_notifications")
          .select((eb) => eb.fn.countAll().as("n"))
          .where("received_at", "<=", before),
      ),
    removeBatch: async (db, { before }, limit) => {
      const due = db
        .selectFrom("channel_notifications")
        .select("notification_id")
        .where("received_at", "<=", before)
        .limit(limit);
      const result = await db
        .deleteFrom("channel_notifications")
        .where("notification_id", "in", due)
        .executeTakeFirst();
      return Number(result.numDeletedRows);
    },
  },
  webhook_attempts: {
    count: (db, { before }) =>
      countOf(
        db
          .selectFrom("webhook_attempts")
          .select((eb) => eb.fn.countAll().as("n"))
          .where("started_at", "<=", before),
      ),
    removeBatch: async (db, { before }, limit) => {
      const due = db
        .selectFrom("webhook_attempts")
        .select("id")
        .where("started_at", "<=", before)
        .limit(limit);
      const result = await db.deleteFrom("webhook_attempts").where("id", "in", due).executeTakeFirst();
      return Number(result.numDeletedRows);
    },
  },
  // Finished only: a delivery still scheduled (pending) or asked to be replayed is never due,
  // however old. Its attempts go with it (they name it); the event stays until the next target.
  webhook_deliveries: {
    count: (db, { before }) =>
      countOf(
        db
          .selectFrom("webhook_deliveries")
          .select((eb) => eb.fn.countAll().as("n"))
          .where((eb) => finishedDelivery(eb, before)),
      ),
    removeBatch: (db, { before }, limit) =>
      inTransaction(db, async (trx) => {
        const due = (
          await trx
            .selectFrom("webhook_deliveries")
            .select("id")
            .where((eb) => finishedDelivery(eb, before))
            .limit(limit)
            .execute()
        ).map((row) => row.id);
        if (due.length === 0) return 0;
        await trx.deleteFrom("webhook_attempts").where("delivery_id", "in", due).execute();
        // The status again: a replay asked between the read and here puts it back to pending.
        const result = await trx
          .deleteFrom("webhook_deliveries")
          .where("id", "in", due)
          .where((eb) => finishedDelivery(eb, before))
          .executeTakeFirst();
        return Number(result.numDeletedRows);
      }),
  },
  outbox_events: {
    count: (db, { before }) =>
      countOf(
        db
          .selectFrom("outbox_events")
          .select((eb) => eb.fn.countAll().as("n"))
          // A dry run counts too the events whose last deliveries the run before would remove.
          .where((eb) => dispatchedEvent(eb, before, "after_deliveries")),
      ),
    removeBatch: async (db, { before }, limit) => {
      const due = db
        .selectFrom("outbox_events")
        .select("id")
        .where((eb) => dispatchedEvent(eb, before, "now"))
        .limit(limit);
      // The condition again in the delete: a replay by range may have made a delivery of it since.
      const result = await db
        .deleteFrom("outbox_events")
        .where("id", "in", due)
        .where((eb) => dispatchedEvent(eb, before, "now"))
        .executeTakeFirst();
      return Number(result.numDeletedRows);
    },
  },
  inactive_users: {
    count: (db, { before, now }) =>
      countOf(
        db
          .selectFrom("users")
          .select((eb) => eb.fn.countAll().as("n"))
          .where((eb) => inactiveUser(eb, before, now)),
      ),
    removeBatch: (db, { before, now }, limit) =>
      inTransaction(db, async (trx) => {
        const due = trx
          .selectFrom("users")
          .select("id")
          .where((eb) => inactiveUser(eb, before, now))
          .limit(limit);
        // One statement chooses and tombstones, so a login between a read and a write cannot
        // lose its user: a payer who came back no longer matches and is left alone.
        const purged = await trx
          .updateTable("users")
          .set((eb) => ({
            openid: eb(eb.val(PURGED_OPENID_PREFIX), "||", eb.ref("id")),
            purged_at: now,
          }))
          .where("id", "in", due)
          .returning("id")
          .execute();
        const ids = purged.map((row) => row.id);
        if (ids.length === 0) return 0;
        // A tip's message is the payer's own words; the tip and its amount stay for the books.
        await trx
          .updateTable("tips")
          .set({ message: null })
          .where("order_id", "in", trx.selectFrom("orders").select("id").where("user_id", "in", ids))
          .execute();
        return ids.length;
      }),
  },
};

/** Delivered, given up or cancelled at or before the cut-off, and no replay asked since. */
function finishedDelivery(eb: ExpressionBuilder<Database, "webhook_deliveries">, before: number) {
  return eb.and([
    eb("webhook_deliveries.status", "in", ["succeeded", "failed", "cancelled"]),
    eb("webhook_deliveries.updated_at", "<=", before),
    eb("webhook_deliveries.replay_requested_at", "is", null),
  ]);
}

/**
 * An event past the cut-off that nothing needs any more:
 * - no delivery of it is left (fan-out writes them with the event, so a pending one, or a
 *   finished one not yet due, keeps it: nothing undispatched is removed). `after_deliveries`
 *   (a dry run's count) overlooks the deliveries due at the same cut-off, which the
 *   webhook_deliveries target removes first; a removal asks `now`, with no delivery at all;
 * - it is not its object's newest event: appendOutboxEvent numbers the next one from the
 *   highest `aggregate_seq` stored, so the newest stays and a wallet's or an order's
 *   `sequence` never starts again at 1;
 * - it is not the `order.closed` of an order paid after its close: a refund of that order asks
 *   whether the close gave the stock back (refund-moves.ts stockReleasedByClose).
 */
function dispatchedEvent(
  eb: ExpressionBuilder<Database, "outbox_events">,
  before: number,
  deliveries: "now" | "after_deliveries",
) {
  const event = eb.ref("outbox_events.id");
  const left = eb
    .selectFrom("webhook_deliveries")
    .select(sql.lit(1).as("one"))
    .whereRef("webhook_deliveries.event_id", "=", event);
  return eb.and([
    eb("outbox_events.created_at", "<=", before),
    eb.not(
      eb.exists(
        deliveries === "now"
          ? left
          : // The one definition of finished; it names webhook_deliveries' columns only, in scope here.
            left.where((inner) =>
              inner.not(
                finishedDelivery(
                  inner as unknown as ExpressionBuilder<Database, "webhook_deliveries">,
                  before,
                ),
              ),
            ),
      ),
    ),
    eb.or([
      eb("outbox_events.aggregate_seq", "is", null),
      eb.exists(
        eb
          .selectFrom("outbox_events as later")
          .select(sql.lit(1).as("one"))
          .whereRef("later.aggregate_id", "=", "outbox_events.aggregate_id")
          .whereRef("later.aggregate_seq", ">", "outbox_events.aggregate_seq"),
      ),
    ]),
    eb.not(
      eb.and([
        eb("outbox_events.type", "=", "order.closed"),
        eb.exists(
          eb
            .selectFrom("orders")
            .select(sql.lit(1).as("one"))
            .whereRef("orders.id", "=", "outbox_events.aggregate_id")
            .where("orders.status", "<>", "CLOSED"),
        ),
      ]),
    ),
  ]);
}

function endedOperatorSession(eb: ExpressionBuilder<Database, "operator_sessions">, before: number) {
  return eb.or([eb("expires_at", "<=", before), eb("revoked_at", "<=", before)]);
}

/**
 * A payer Kassa no longer needs to recognise: not purged yet, first seen before the cut-off,
 * and since then no session, no order or refund moving (an unfinished one keeps them
 * however old), no booking of a slot that has not ended, no wallet adjustment, and no
 * money left in their wallet (they must be able to log in and spend it).
 */
function inactiveUser(eb: ExpressionBuilder<Database, "users">, before: number, now: number) {
  const user = eb.ref("users.id");
  return eb.and([
    eb("users.purged_at", "is", null),
    eb("users.created_at", "<=", before),
    eb.not(
      eb.exists(
        eb
          .selectFrom("sessions")
          .select(sql.lit(1).as("one"))
          .whereRef("sessions.user_id", "=", user)
          .where((inner) =>
            inner.or([inner("sessions.expires_at", ">", before), inner("sessions.created_at", ">", before)]),
          ),
      ),
    ),
    eb.not(
      eb.exists(
        eb
          .selectFrom("orders")
          .select(sql.lit(1).as("one"))
          .whereRef("orders.user_id", "=", user)
          .where((inner) =>
            inner.or([
              inner("orders.updated_at", ">", before),
              inner("orders.status", "in", ["PENDING", "CLOSING"]),
            ]),
          ),
      ),
    ),
    eb.not(
      eb.exists(
        eb
          .selectFrom("refunds")
          .innerJoin("orders", "orders.id", "refunds.order_id")
          .select(sql.lit(1).as("one"))
          .whereRef("orders.user_id", "=", user)
          .where((inner) =>
            inner.or([
              inner("refunds.updated_at", ">", before),
              inner("refunds.status", "in", ["PROCESSING", "ABNORMAL"]),
            ]),
          ),
      ),
    ),
    eb.not(
      eb.exists(
        eb
          // Through the payer's orders (indexed by user): a booking is keyed by its order.
          .selectFrom("orders")
          .innerJoin("bookings", "bookings.order_id", "orders.id")
          .innerJoin("booking_slots", "booking_slots.id", "bookings.slot_id")
          .select(sql.lit(1).as("one"))
          .whereRef("orders.user_id", "=", user)
          .where((inner) =>
            inner.or([inner("bookings.updated_at", ">", before), inner("booking_slots.ends_at", ">", now)]),
          ),
      ),
    ),
    eb.not(
      eb.exists(
        eb
          .selectFrom("wallet_adjustments")
          .select(sql.lit(1).as("one"))
          .whereRef("wallet_adjustments.user_id", "=", user)
          .where("wallet_adjustments.created_at", ">", before),
      ),
    ),
    eb.not(
      eb.exists(
        eb
          .selectFrom("ledger_accounts")
          .select(sql.lit(1).as("one"))
          .whereRef("ledger_accounts.app_id", "=", "users.app_id")
          .where((inner) => inner("ledger_accounts.code", "=", inner(inner.val("wallet:"), "||", user)))
          .where("ledger_accounts.balance_fen", "<>", 0),
      ),
    ),
  ]);
}
