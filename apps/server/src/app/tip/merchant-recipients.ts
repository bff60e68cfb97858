import type { Executor } from "../../db/executor.ts";
import {
  findRecipient,
  insertRecipient,
  listRecipients as listRecipientRows,
  listTipsOfRecipient,
  lockRecipient,
  type Recipient,
  updateRecipient,
} from "../../db/tips-repo.ts";
import { isTimeZone } from "../../domain/booking/local-time.ts";
import { KassaError } from "../../domain/errors.ts";
import { idPattern, makeId } from "../../domain/ids.ts";
import { tipPayableAccount } from "../../domain/ledger.ts";
import { checkRules, type TippingRules } from "../../domain/tip/tipping-rules.ts";
import type { AppDeps } from "../deps.ts";
import { decodeCursor, pageOfRows } from "../page-cursor.ts";
import { type MerchantRecipientView, type TipView, viewRecipient, viewTipForMerchant } from "./views.ts";

const RECIPIENT_ID = idPattern("tipRecipient");

/** The rules checked by the domain's one rule (tipping-rules.ts), and the zone by Intl. */
function checked(rules: TippingRules): TippingRules {
  if (!isTimeZone(rules.timeZone)) throw new KassaError("TIP_RULES_INVALID", { reason: "unknown timeZone" });
  const result = checkRules(rules);
  if (!result.ok) throw new KassaError("TIP_RULES_INVALID", { reason: result.reason });
  return result.rules;
}

export async function createRecipient(
  deps: AppDeps,
  trx: Executor,
  input: { appId: string; name: string } & TippingRules,
): Promise<MerchantRecipientView> {
  const now = deps.clock.now();
  const rules = checked(input);
  const recipient: Recipient = {
    id: makeId("tipRecipient", deps.ids),
    appId: input.appId,
    name: input.name,
    ...rules,
    active: true,
    createdAt: now,
    updatedAt: now,
  };
  await insertRecipient(trx, recipient);
  return { ...viewRecipient(recipient), balanceFen: 0 };
}

export async function foundRecipient(db: Executor, appId: string, recipientId: string): Promise<Recipient> {
  const recipient = await findRecipient(db, appId, recipientId);
  if (!recipient) throw new KassaError("TIP_RECIPIENT_NOT_FOUND");
  return recipient;
}

/**
 * New name or rules, checked as a whole (the new minimum against the old maximum too), or the
 * recipient switched on or off. Tips already made keep their amounts; the new rules apply to
 * the next tip. Under the recipient's row lock, so two changes never mix halves.
 */
export async function changeRecipient(
  deps: AppDeps,
  trx: Executor,
  input: {
    appId: string;
    recipientId: string;
    name?: string | undefined;
    active?: boolean;
  } & Partial<TippingRules>,
): Promise<MerchantRecipientView> {
  await lockRecipient(trx, input.appId, input.recipientId);
  const before = await foundRecipient(trx, input.appId, input.recipientId);
  const pick = <K extends keyof TippingRules>(key: K): TippingRules[K] =>
    (input[key] as TippingRules[K] | undefined) ?? before[key];
  const rules = checked({
    presetAmountsFen: pick("presetAmountsFen"),
    minFen: pick("minFen"),
    maxFen: pick("maxFen"),
    dailyCapFen: pick("dailyCapFen"),
    timeZone: pick("timeZone"),
  });
  const after: Recipient = {
    ...before,
    ...rules,
    name: input.name ?? before.name,
    active: input.active ?? before.active,
    updatedAt: deps.clock.now(),
  };
  await updateRecipient(trx, after);
  return {
    ...viewRecipient(after),
    balanceFen: (await balancesOf(trx, input.appId, [after.id])).get(after.id) ?? 0,
  };
}

export async function getRecipient(
  deps: AppDeps,
  appId: string,
  recipientId: string,
): Promise<MerchantRecipientView> {
  const recipient = await foundRecipient(deps.db, appId, recipientId);
  return {
    ...viewRecipient(recipient),
    balanceFen: (await balancesOf(deps.db, appId, [recipientId])).get(recipientId) ?? 0,
  };
}

/** A page of recipients, each with what the merchant owes them (the ledger's payable). */
export async function listRecipients(
  deps: AppDeps,
  input: { appId: string; limit: number; cursor: string | undefined },
): Promise<{ data: MerchantRecipientView[]; nextCursor: string | null }> {
  const after = input.cursor === undefined ? undefined : decodeCursor(input.cursor, RECIPIENT_ID);
  const rows = await listRecipientRows(deps.db, {
    appId: input.appId,
    activeOnly: false,
    after,
    limit: input.limit + 1,
  });
  const { page, nextCursor } = pageOfRows(rows, input.limit, (row) => ({
    createdAt: row.createdAt,
    id: row.id,
  }));
  const balances = await balancesOf(
    deps.db,
    input.appId,
    page.map((recipient) => recipient.id),
  );
  return {
    data: page.map((recipient) => ({
      ...viewRecipient(recipient),
      balanceFen: balances.get(recipient.id) ?? 0,
    })),
    nextCursor,
  };
}

/**
 * What the merchant owes each recipient: the balance of its payable account, which moves at
 * posting (it may not go negative), so the stored balance is the balance now.
 */
export async function balancesOf(
  db: Executor,
  appId: string,
  recipientIds: string[],
): Promise<Map<string, number>> {
  if (recipientIds.length === 0) return new Map();
  const codes = recipientIds.map(tipPayableAccount);
  const rows = await db
    .selectFrom("ledger_accounts")
    .select(["code", "balance_fen"])
    .where("app_id", "=", appId)
    .where("code", "in", codes)
    .execute();
  return new Map(rows.map((row) => [row.code.slice("tips:".length), Number(row.balance_fen)]));
}

const ORDER_ID = idPattern("order");

/** A recipient's tips, oldest first, every status, with the payers' messages as text. */
export async function listRecipientTips(
  deps: AppDeps,
  input: { appId: string; recipientId: string; limit: number; cursor: string | undefined },
): Promise<{ data: (TipView & { userId: string })[]; nextCursor: string | null }> {
  await foundRecipient(deps.db, input.appId, input.recipientId);
  const after = input.cursor === undefined ? undefined : decodeCursor(input.cursor, ORDER_ID);
  const rows = await listTipsOfRecipient(deps.db, {
    recipientId: input.recipientId,
    after,
    limit: input.limit + 1,
  });
  const { page, nextCursor } = pageOfRows(rows, input.limit, (row) => ({
    createdAt: row.createdAt,
    id: row.orderId,
  }));
  return {
    data: page.map(viewTipForMerchant),
    nextCursor,
  };
}
