import type { Selectable } from "kysely";
import { toFen } from "../domain/money.ts";
import type { WalletTier } from "../domain/wallet.ts";
import type { Executor } from "./executor.ts";
import type { WalletTiersTable } from "./schema.ts";

export interface StoredWalletTier extends WalletTier {
  createdAt: number;
  updatedAt: number;
}

function tierOf(row: Selectable<WalletTiersTable>): StoredWalletTier {
  return {
    id: row.id,
    appId: row.app_id,
    amountFen: toFen(Number(row.amount_fen)),
    bonusFen: toFen(Number(row.bonus_fen)),
    active: row.active === 1,
    createdAt: row.created_at,
    updatedAt: row.updated_at,
  };
}

/** One tier of this app, or nothing: another app's tier id is unknown here. */
export async function findTier(
  db: Executor,
  appId: string,
  tierId: string,
): Promise<StoredWalletTier | undefined> {
  const row = await db
    .selectFrom("wallet_tiers")
    .selectAll()
    .where("app_id", "=", appId)
    .where("id", "=", tierId)
    .executeTakeFirst();
  return row ? tierOf(row) : undefined;
}

/** An app's tiers by amount (at most a handful: no paging); `activeOnly` for payers. */
export async function listTiers(
  db: Executor,
  query: { appId: string; activeOnly: boolean },
): Promise<StoredWalletTier[]> {
  let rows = db.selectFrom("wallet_tiers").selectAll().where("app_id", "=", query.appId);
  if (query.activeOnly) rows = rows.where("active", "=", 1);
  return (await rows.orderBy("amount_fen").orderBy("id").execute()).map(tierOf);
}

export async function insertTier(db: Executor, tier: StoredWalletTier): Promise<void> {
  await db
    .insertInto("wallet_tiers")
    .values({
      id: tier.id,
      app_id: tier.appId,
      amount_fen: tier.amountFen,
      bonus_fen: tier.bonusFen,
      active: tier.active ? 1 : 0,
      created_at: tier.createdAt,
      updated_at: tier.updatedAt,
    })
    .execute();
}

/**
 * Change a tier's amount, bonus or whether it is offered. Top-ups already made keep the price
 * they were made at (it is on the order), so a change never reprices an unpaid top-up.
 */
export async function updateTier(
  db: Executor,
  change: {
    appId: string;
    tierId: string;
    amountFen?: number;
    bonusFen?: number;
    active?: boolean;
    now: number;
  },
): Promise<StoredWalletTier | undefined> {
  const row = await db
    .updateTable("wallet_tiers")
    .set({
      updated_at: change.now,
      ...(change.amountFen !== undefined ? { amount_fen: change.amountFen } : {}),
      ...(change.bonusFen !== undefined ? { bonus_fen: change.bonusFen } : {}),
      ...(change.active !== undefined ? { active: change.active ? 1 : 0 } : {}),
    })
    .where("app_id", "=", change.appId)
    .where("id", "=", change.tierId)
    .returningAll()
    .executeTakeFirst();
  return row ? tierOf(row) : undefined;
}
