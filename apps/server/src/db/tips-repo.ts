import type { Selectable } from "kysely";
import { sql } from "kysely";
import { type Tip, type TipEvent, type TipStatus, transitionTip } from "../domain/tip/tip.ts";
import type { TippingRules } from "../domain/tip/tipping-rules.ts";
import type { Executor } from "./executor.ts";
import { type PagePosition, pageAfter } from "./keyset-page.ts";
import type { TipPayoutsTable, TipRecipientsTable, TipsTable } from "./schema.ts";

/**
 * Recipients, tips, the payers' daily totals and payouts (migration 0017). Every merchant query
 * names the key's app; a payer's daily total moves only by conditional statements on its row
 * (tipping-rules.ts says what the cap is; this file is where it is enforced), so no
 * read-then-write can take a payer above a recipient's cap.
 */

export interface Recipient extends TippingRules {
  id: string;
  appId: string;
  name: string;
  active: boolean;
  createdAt: number;
  updatedAt: number;
}

export interface Payout {
  id: string;
  appId: string;
  recipientId: string;
  amountFen: number;
  reference: string | null;
  createdAt: number;
}

function toRecipient(row: Selectable<TipRecipientsTable>): Recipient {
  return {
    id: row.id,
    appId: row.app_id,
    name: row.name,
    presetAmountsFen: JSON.parse(row.preset_amounts) as number[],
    minFen: Number(row.min_fen),
    maxFen: Number(row.max_fen),
    dailyCapFen: Number(row.daily_cap_fen),
    timeZone: row.time_zone,
    active: row.active === 1,
    createdAt: Number(row.created_at),
    updatedAt: Number(row.updated_at),
  };
}

export async function insertRecipient(db: Executor, recipient: Recipient): Promise<void> {
  await db
    .insertInto("tip_recipients")
    .values({
      id: recipient.id,
      app_id: recipient.appId,
      name: recipient.name,
      preset_amounts: JSON.stringify(recipient.presetAmountsFen),
      min_fen: recipient.minFen,
      max_fen: recipient.maxFen,
      daily_cap_fen: recipient.dailyCapFen,
      time_zone: recipient.timeZone,
      active: recipient.active ? 1 : 0,
      created_at: recipient.createdAt,
      updated_at: recipient.updatedAt,
    })
    .execute();
}

export async function findRecipient(
  db: Executor,
  appId: string,
  recipientId: string,
): Promise<Recipient | undefined> {
  const row = await db
    .selectFrom("tip_recipients")
    .selectAll()
    .where("app_id", "=", appId)
    .where("id", "=", recipientId)
    .executeTakeFirst();
  return row ? toRecipient(row) : undefined;
}

/** A recipient's row locked for this transaction (a change of its rules reads, checks, writes). */
export async function lockRecipient(db: Executor, appId: string, recipientId: string): Promise<void> {
  await db
    .updateTable("tip_recipients")
    .set({ updated_at: sql`updated_at` })
    .where("app_id", "=", appId)
    .where("id", "=", recipientId)
    .execute();
}

export async function updateRecipient(db: Executor, recipient: Recipient): Promise<void> {
  await db
    .updateTable("tip_recipients")
    .set({
      name: recipient.name,
      preset_amounts: JSON.stringify(recipient.presetAmountsFen),
      min_fen: recipient.minFen,
      max_fen: recipient.maxFen,
      daily_cap_fen: recipient.dailyCapFen,
      time_zone: recipient.timeZone,
      active: recipient.active ? 1 : 0,
      updated_at: recipient.updatedAt,
    })
    .where("app_id", "=", recipient.appId)
    .where("id", "=", recipient.id)
    .execute();
}

export async function listRecipients(
  db: Executor,
  query: { appId: string; activeOnly: boolean; after: PagePosition | undefined; limit: number },
): Promise<Recipient[]> {
  const { after } = query;
  let rows = db.selectFrom("tip_recipients").selectAll().where("app_id", "=", query.appId);
  if (query.activeOnly) rows = rows.where("active", "=", 1);
  rows = pageAfter(rows, { sort: "created_at", id: "id" }, after);
  return (await rows.limit(query.limit).execute()).map(toRecipient);
}

function toTip(row: Selectable<TipsTable>): Tip {
  return {
    orderId: row.order_id,
    appId: row.app_id,
    recipientId: row.recipient_id,
    userId: row.user_id,
    amountFen: Number(row.amount_fen),
    message: row.message,
    day: row.day,
    status: row.status,
    createdAt: Number(row.created_at),
  };
}

export async function insertTip(db: Executor, tip: Tip): Promise<void> {
  await db
    .insertInto("tips")
    .values({
      order_id: tip.orderId,
      app_id: tip.appId,
      recipient_id: tip.recipientId,
      user_id: tip.userId,
      amount_fen: tip.amountFen,
      message: tip.message,
      day: tip.day,
      status: tip.status,
      created_at: tip.createdAt,
      updated_at: tip.createdAt,
    })
    .execute();
}

export async function findTip(db: Executor, orderId: string): Promise<Tip | undefined> {
  const row = await db.selectFrom("tips").selectAll().where("order_id", "=", orderId).executeTakeFirst();
  return row ? toTip(row) : undefined;
}

export async function listTipsOfRecipient(
  db: Executor,
  query: { recipientId: string; after: PagePosition | undefined; limit: number },
): Promise<Tip[]> {
  const { after } = query;
  let rows = db.selectFrom("tips").selectAll().where("recipient_id", "=", query.recipientId);
  rows = pageAfter(rows, { sort: "created_at", id: "order_id" }, after);
  return (await rows.limit(query.limit).execute()).map(toTip);
}

/**
 * Move a tip by its table (domain/tip/tip.ts), as a compare-and-set on the status it was read
 * in: undefined when the event is not legal from there or another writer moved it first.
 */
export async function moveTip(
  db: Executor,
  change: { tip: Tip; event: TipEvent; now: number },
): Promise<TipStatus | undefined> {
  const move = transitionTip(change.tip.status, change.event);
  if (!move.ok) return undefined;
  const result = await db
    .updateTable("tips")
    .set({ status: move.to, updated_at: change.now })
    .where("order_id", "=", change.tip.orderId)
    .where("status", "=", move.from)
    .executeTakeFirst();
  return result.numUpdatedRows === 1n ? move.to : undefined;
}

/**
 * Add a new tip to its payer's total of the day, in one statement, only while the total stays
 * within `capFen`: the first tip of the day inserts the row, later ones update it under the
 * row's lock (PostgreSQL's ON CONFLICT DO UPDATE waits for a concurrent inserter and then sees
 * its row; SQLite has one writer), so concurrent tips of one payer see each other's amounts.
 * False: the cap would be exceeded and nothing was added. The caller checks `amountFen <= capFen`
 * first (a first row is inserted without the condition).
 */
export async function holdDailyCap(
  db: Executor,
  hold: { recipientId: string; userId: string; day: string; amountFen: number; capFen: number; now: number },
): Promise<boolean> {
  if (hold.amountFen > hold.capFen) return false;
  const row = await db
    .insertInto("tip_daily_totals")
    .values({
      recipient_id: hold.recipientId,
      user_id: hold.userId,
      day: hold.day,
      held_fen: hold.amountFen,
      updated_at: hold.now,
    })
    .onConflict((conflict) =>
      conflict
        .columns(["recipient_id", "user_id", "day"])
        .doUpdateSet({
          held_fen: sql`tip_daily_totals.held_fen + excluded.held_fen`,
          updated_at: hold.now,
        })
        .where(sql<boolean>`tip_daily_totals.held_fen + excluded.held_fen <= ${hold.capFen}`),
    )
    .returning("held_fen")
    .executeTakeFirst();
  return row !== undefined;
}

/**
 * Move a payer's total of a day by `deltaFen` without the cap: a tip released when its order
 * closed (negative), or taken again when that order was paid after all (the channel is the
 * truth: money taken counts, even if it takes the day above the cap).
 */
export async function moveDailyTotal(
  db: Executor,
  change: { recipientId: string; userId: string; day: string; deltaFen: number; now: number },
): Promise<void> {
  await db
    .updateTable("tip_daily_totals")
    .set({ held_fen: sql`held_fen + ${change.deltaFen}`, updated_at: change.now })
    .where("recipient_id", "=", change.recipientId)
    .where("user_id", "=", change.userId)
    .where("day", "=", change.day)
    .execute();
}

/** What a payer's pending and paid tips to a recipient add up to on a day. */
export async function dailyTotal(
  db: Executor,
  key: { recipientId: string; userId: string; day: string },
): Promise<number> {
  const row = await db
    .selectFrom("tip_daily_totals")
    .select("held_fen")
    .where("recipient_id", "=", key.recipientId)
    .where("user_id", "=", key.userId)
    .where("day", "=", key.day)
    .executeTakeFirst();
  return Number(row?.held_fen ?? 0);
}

function toPayout(row: Selectable<TipPayoutsTable>): Payout {
  return {
    id: row.id,
    appId: row.app_id,
    recipientId: row.recipient_id,
    amountFen: Number(row.amount_fen),
    reference: row.reference,
    createdAt: Number(row.created_at),
  };
}

export async function insertPayout(db: Executor, payout: Payout): Promise<void> {
  await db
    .insertInto("tip_payouts")
    .values({
      id: payout.id,
      app_id: payout.appId,
      recipient_id: payout.recipientId,
      amount_fen: payout.amountFen,
      reference: payout.reference,
      created_at: payout.createdAt,
    })
    .execute();
}

export async function listPayoutsOfRecipient(
  db: Executor,
  query: { recipientId: string; after: PagePosition | undefined; limit: number },
): Promise<Payout[]> {
  const { after } = query;
  let rows = db.selectFrom("tip_payouts").selectAll().where("recipient_id", "=", query.recipientId);
  rows = pageAfter(rows, { sort: "created_at", id: "id" }, after);
  return (await rows.limit(query.limit).execute()).map(toPayout);
}
