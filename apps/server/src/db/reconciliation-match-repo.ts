import { sql } from "kysely";
import type { ExternalChannelName, PaymentStatus } from "../domain/payment.ts";
import type { BillRefundStatus } from "../domain/reconciliation.ts";
import type { RefundStatus } from "../domain/refund.ts";
import type { Executor } from "./executor.ts";
import type { ReconciliationStatementRowsTable } from "./schema.ts";

/**
 * Matching in SQL (migration 0010): the channel's rows are staged in batches, and each
 * question (which bill payments are not Kassa's paid payments, which paid payments the
 * bill lacks, which fees differ) is a query read in pages by key, so memory holds one page
 * whatever the size of the day.
 */

export type StagedRow = ReconciliationStatementRowsTable;

export async function clearStaging(db: Executor, runId: string): Promise<void> {
  await db.deleteFrom("reconciliation_statement_rows").where("run_id", "=", runId).execute();
}

/** Stages a batch; returns the keys already staged (a row the bill lists twice). */
export async function stageRows(db: Executor, rows: readonly StagedRow[]): Promise<StagedRow[]> {
  if (rows.length === 0) return [];
  const inserted = await db
    .insertInto("reconciliation_statement_rows")
    .values([...rows])
    .onConflict((oc) => oc.columns(["run_id", "kind", "entry_key"]).doNothing())
    .returning(["kind", "entry_key"])
    .execute();
  const fresh = new Set(inserted.map((row) => `${row.kind} ${row.entry_key}`));
  return rows.filter((row) => !fresh.has(`${row.kind} ${row.entry_key}`));
}

export interface BillPaymentWithKassa {
  entryKey: string;
  transactionId: string | null;
  billStatus: "paid" | "revoked";
  billAmountFen: number;
  paymentId: string | null;
  paymentStatus: PaymentStatus | null;
  paymentAmountFen: number | null;
}

/**
 * The bill's payments that are not, as they stand, one of this app's paid payments for the
 * same amount: everything that agrees is left in the database.
 */
export async function billPaymentsNotMatched(
  db: Executor,
  query: { runId: string; appId: string; afterKey: string; limit: number },
): Promise<BillPaymentWithKassa[]> {
  const rows = await db
    .selectFrom("reconciliation_statement_rows as s")
    .leftJoin("payments as p", (join) =>
      join.onRef("p.out_trade_no", "=", "s.entry_key").on("p.app_id", "=", query.appId),
    )
    .select([
      "s.entry_key",
      "s.channel_id",
      "s.status",
      "s.amount_fen",
      "p.id as payment_id",
      "p.status as payment_status",
      "p.amount_fen as payment_amount_fen",
    ])
    .where("s.run_id", "=", query.runId)
    .where("s.kind", "=", "payment")
    .where("s.entry_key", ">", query.afterKey)
    .where((eb) =>
      eb.or([
        eb("p.id", "is", null),
        eb("s.status", "<>", "paid"),
        eb("p.status", "<>", "PAID"),
        eb("p.amount_fen", "<>", eb.ref("s.amount_fen")),
      ]),
    )
    .orderBy("s.entry_key")
    .limit(query.limit)
    .execute();
  return rows.map((row) => ({
    entryKey: row.entry_key,
    transactionId: row.channel_id,
    billStatus: row.status === "revoked" ? "revoked" : "paid",
    billAmountFen: row.amount_fen,
    paymentId: row.payment_id,
    paymentStatus: row.payment_status,
    paymentAmountFen: row.payment_amount_fen,
  }));
}

/**
 * This app's payments captured in the day (by the channel's paid time) that the bill does
 * not list, leaving out those of a row the bill has but the parser could not read (that row
 * is its own difference).
 */
export async function paidPaymentsNotInBill(
  db: Executor,
  query: {
    runId: string;
    appId: string;
    channel: string;
    start: number;
    end: number;
    afterKey: string;
    limit: number;
  },
): Promise<{ outTradeNo: string; amountFen: number; paymentId: string; transactionId: string | null }[]> {
  const rows = await db
    .selectFrom("payments as p")
    .select(["p.out_trade_no", "p.amount_fen", "p.id", "p.transaction_id"])
    .where("p.app_id", "=", query.appId)
    .where("p.channel", "=", query.channel as ExternalChannelName)
    .where("p.status", "=", "PAID")
    .where("p.paid_at", ">=", query.start)
    .where("p.paid_at", "<", query.end)
    .where("p.out_trade_no", ">", query.afterKey)
    .where(absentFromBill(query.runId, "payment", "p.out_trade_no"))
    .orderBy("p.out_trade_no")
    .limit(query.limit)
    .execute();
  return rows.map((row) => ({
    outTradeNo: row.out_trade_no,
    amountFen: row.amount_fen,
    paymentId: row.id,
    transactionId: row.transaction_id,
  }));
}

/**
 * The bill's paid payments whose fee in the fund flow (whole fen, as booked) is not the
 * trade bill's fee for them rounded half up: `(milli + 500) / 1000` is integer division on
 * both databases, and a payment's fee is never negative.
 */
export async function feesNotMatched(
  db: Executor,
  query: { runId: string; afterKey: string; limit: number },
): Promise<{ outTradeNo: string; tradeFeeFen: number; bookedFeeFen: number }[]> {
  const booked = sql<number>`cast(coalesce((select sum(f.amount_fen) from reconciliation_statement_rows f
      where f.run_id = s.run_id and f.kind = 'fee' and f.reference = s.entry_key), 0) as bigint)`;
  const trade = sql<number>`(s.fee_milli_fen + 500) / 1000`;
  const rows = await db
    .selectFrom("reconciliation_statement_rows as s")
    .select(["s.entry_key", trade.as("trade_fee_fen"), booked.as("booked_fee_fen")])
    .where("s.run_id", "=", query.runId)
    .where("s.kind", "=", "payment")
    .where("s.status", "=", "paid")
    .where("s.entry_key", ">", query.afterKey)
    .where(sql<boolean>`${trade} <> ${booked}`)
    .orderBy("s.entry_key")
    .limit(query.limit)
    .execute();
  return rows.map((row) => ({
    outTradeNo: row.entry_key,
    tradeFeeFen: Number(row.trade_fee_fen),
    bookedFeeFen: Number(row.booked_fee_fen),
  }));
}

/** Counts and sums of the staged bill, and of this app's fee movements in it. */
export async function billTotals(
  db: Executor,
  query: { runId: string; appId: string },
): Promise<{ payments: number; paymentsFen: number; refunds: number; refundsFen: number; feesFen: number }> {
  const sumOf = (kind: "payment" | "refund") =>
    sql<number>`cast(coalesce(sum(case when kind = ${kind} then amount_fen else 0 end), 0) as bigint)`;
  const countOf = (kind: "payment" | "refund") => sql<number>`count(case when kind = ${kind} then 1 end)`;
  const row = await db
    .selectFrom("reconciliation_statement_rows")
    .select([
      countOf("payment").as("payments"),
      sumOf("payment").as("payments_fen"),
      countOf("refund").as("refunds"),
      sumOf("refund").as("refunds_fen"),
    ])
    .where("run_id", "=", query.runId)
    .where((eb) => eb.or([eb("kind", "=", "refund"), eb("status", "=", "paid")]))
    .executeTakeFirstOrThrow();
  return {
    payments: Number(row.payments),
    paymentsFen: Number(row.payments_fen),
    refunds: Number(row.refunds),
    refundsFen: Number(row.refunds_fen),
    feesFen: await appFeesFen(db, query),
  };
}

/**
 * The fund flow is the merchant's, shared by its apps: an app's fees are the movements
 * whose payment or refund is this app's (staged today, or a payment Kassa holds for it).
 */
export async function appFeesFen(db: Executor, query: { runId: string; appId: string }): Promise<number> {
  const row = await db
    .selectFrom("reconciliation_statement_rows as f")
    .select(sql<number>`cast(coalesce(sum(f.amount_fen), 0) as bigint)`.as("fen"))
    .where("f.run_id", "=", query.runId)
    .where("f.kind", "=", "fee")
    .where(({ or, exists, selectFrom }) =>
      or([
        exists(
          selectFrom("reconciliation_statement_rows as s")
            .select("s.entry_key")
            .where("s.run_id", "=", query.runId)
            .where("s.kind", "in", ["payment", "refund"])
            .whereRef("s.entry_key", "=", "f.reference"),
        ),
        exists(
          selectFrom("payments as p")
            .select("p.id")
            .where("p.app_id", "=", query.appId)
            .whereRef("p.out_trade_no", "=", "f.reference"),
        ),
      ]),
    )
    .executeTakeFirstOrThrow();
  return Number(row.fen);
}

/** This app's payments captured in the day, by the channel's paid time. */
export async function kassaPaymentTotals(
  db: Executor,
  query: { appId: string; channel: string; start: number; end: number },
): Promise<{ payments: number; paymentsFen: number }> {
  const row = await db
    .selectFrom("payments")
    .select([
      sql<number>`count(*)`.as("payments"),
      sql<number>`cast(coalesce(sum(amount_fen), 0) as bigint)`.as("payments_fen"),
    ])
    .where("app_id", "=", query.appId)
    .where("channel", "=", query.channel as ExternalChannelName)
    .where("status", "=", "PAID")
    .where("paid_at", ">=", query.start)
    .where("paid_at", "<", query.end)
    .executeTakeFirstOrThrow();
  return { payments: Number(row.payments), paymentsFen: Number(row.payments_fen) };
}

/** What the ledger entry of this cause moved on this account, or undefined when there is none. */
export async function postedAmountFen(
  db: Executor,
  query: { appId: string; causeType: "channel_fees"; causeId: string; account: string },
): Promise<number | undefined> {
  const entry = await db
    .selectFrom("ledger_entries")
    .select("seq")
    .where("app_id", "=", query.appId)
    .where("cause_type", "=", query.causeType)
    .where("cause_id", "=", query.causeId)
    .executeTakeFirst();
  if (!entry) return undefined;
  const row = await db
    .selectFrom("ledger_postings")
    .select(sql<number>`cast(coalesce(sum(amount_fen), 0) as bigint)`.as("fen"))
    .where("app_id", "=", query.appId)
    .where("entry_seq", "=", entry.seq)
    .where("account_code", "=", query.account)
    .executeTakeFirstOrThrow();
  return Number(row.fen);
}

export interface BillRefundWithKassa {
  /** The refund's out_refund_no (Alipay: out_request_no). */
  entryKey: string;
  outTradeNo: string | null;
  channelRefundId: string | null;
  billStatus: BillRefundStatus;
  billAmountFen: number;
  refundId: string | null;
  refundStatus: RefundStatus | null;
  refundAmountFen: number | null;
}

/**
 * The bill's refunds that are not, as they stand, one of this app's refunds for the same
 * amount in the state the bill shows (or a later one): compareRefund decides what each is.
 * Rows that agree at a glance stay in the database.
 */
export async function billRefundsNotMatched(
  db: Executor,
  query: { runId: string; appId: string; afterKey: string; limit: number },
): Promise<BillRefundWithKassa[]> {
  const rows = await db
    .selectFrom("reconciliation_statement_rows as s")
    .leftJoin("refunds as r", (join) =>
      join.onRef("r.out_refund_no", "=", "s.entry_key").on("r.app_id", "=", query.appId),
    )
    .select([
      "s.entry_key",
      "s.out_trade_no",
      "s.channel_id",
      "s.status",
      "s.amount_fen",
      "r.id as refund_id",
      "r.status as refund_status",
      "r.amount_fen as refund_amount_fen",
    ])
    .where("s.run_id", "=", query.runId)
    .where("s.kind", "=", "refund")
    .where("s.entry_key", ">", query.afterKey)
    .where((eb) =>
      eb.or([
        eb("r.id", "is", null),
        eb("r.amount_fen", "<>", eb.ref("s.amount_fen")),
        eb.and([eb("s.status", "=", "succeeded"), eb("r.status", "<>", "SUCCESS")]),
        eb.and([eb("s.status", "=", "closed"), eb("r.status", "<>", "CLOSED")]),
        eb.and([eb("s.status", "=", "abnormal"), eb("r.status", "=", "PROCESSING")]),
      ]),
    )
    .orderBy("s.entry_key")
    .limit(query.limit)
    .execute();
  return rows.map((row) => ({
    entryKey: row.entry_key,
    outTradeNo: row.out_trade_no,
    channelRefundId: row.channel_id,
    billStatus: (row.status ?? "processing") as BillRefundStatus,
    billAmountFen: row.amount_fen,
    refundId: row.refund_id,
    refundStatus: row.refund_status,
    refundAmountFen: row.refund_amount_fen,
  }));
}

/**
 * This app's refunds through this channel asked for in the day that the channel took (it
 * named the refund: `channel_refund_id`), which the bill does not list; a refund the channel
 * refused never reached it, and one of an unreadable row is that row's difference.
 */
export async function refundsNotInBill(
  db: Executor,
  query: {
    runId: string;
    appId: string;
    channel: string;
    start: number;
    end: number;
    afterKey: string;
    limit: number;
  },
): Promise<
  { outRefundNo: string; outTradeNo: string; amountFen: number; refundId: string; status: RefundStatus }[]
> {
  const rows = await refundsOfTheDay(db, query)
    .innerJoin("payments as p", "p.id", "r.payment_id")
    .select(["r.out_refund_no", "p.out_trade_no", "r.amount_fen", "r.id", "r.status"])
    .where("r.out_refund_no", ">", query.afterKey)
    .where(absentFromBill(query.runId, "refund", "r.out_refund_no"))
    .orderBy("r.out_refund_no")
    .limit(query.limit)
    .execute();
  return rows.map((row) => ({
    outRefundNo: row.out_refund_no,
    outTradeNo: row.out_trade_no,
    amountFen: row.amount_fen,
    refundId: row.id,
    status: row.status,
  }));
}

/** Kassa's side of the day's refunds: those the channel took, asked for in the day. */
export async function kassaRefundTotals(
  db: Executor,
  query: { appId: string; channel: string; start: number; end: number },
): Promise<{ refunds: number; refundsFen: number }> {
  const row = await refundsOfTheDay(db, query)
    .select([
      sql<number>`count(*)`.as("refunds"),
      sql<number>`cast(coalesce(sum(r.amount_fen), 0) as bigint)`.as("refunds_fen"),
    ])
    .executeTakeFirstOrThrow();
  return { refunds: Number(row.refunds), refundsFen: Number(row.refunds_fen) };
}

/** The refunds a channel's bill of the day should list: asked for in the day, taken by the channel. */
function refundsOfTheDay(
  db: Executor,
  query: { appId: string; channel: string; start: number; end: number },
) {
  return db
    .selectFrom("refunds as r")
    .where("r.app_id", "=", query.appId)
    .where("r.channel", "=", query.channel as ExternalChannelName)
    .where("r.channel_refund_id", "is not", null)
    .where("r.created_at", ">=", query.start)
    .where("r.created_at", "<", query.end);
}

/**
 * Kassa's payment or refund under `key` is not in the run's bill: no row of the bill was
 * staged under it, and none of its rows that the parser could not read names it (that row
 * is its own difference).
 */
function absentFromBill(
  runId: string,
  kind: "payment" | "refund",
  key: "p.out_trade_no" | "r.out_refund_no",
) {
  const named = sql.ref(kind === "payment" ? "d.out_trade_no" : "d.out_refund_no");
  return sql<boolean>`not exists (select 1 from reconciliation_statement_rows s
      where s.run_id = ${runId} and s.kind = ${kind} and s.entry_key = ${sql.ref(key)})
    and not exists (select 1 from reconciliation_differences d
      where d.run_id = ${runId} and d.class = 'unreadable_row' and ${named} = ${sql.ref(key)})`;
}
