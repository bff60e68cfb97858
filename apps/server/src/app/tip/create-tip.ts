import type { Executor } from "../../db/executor.ts";
import { findOrderForUser, insertOrder } from "../../db/orders-repo.ts";
import { insertPayment } from "../../db/payments-repo.ts";
import {
  dailyTotal,
  findRecipient,
  findTip,
  holdDailyCap,
  insertTip,
  listRecipients,
} from "../../db/tips-repo.ts";
import { lockUserForUpdate } from "../../db/users-repo.ts";
import { KassaError } from "../../domain/errors.ts";
import { idPattern, makeId } from "../../domain/ids.ts";
import { toFen } from "../../domain/money.ts";
import type { Order } from "../../domain/order.ts";
import type { Tip } from "../../domain/tip/tip.ts";
import { amountRefusal, checkMessage, tipDay } from "../../domain/tip/tipping-rules.ts";
import type { AppDeps } from "../deps.ts";
import { firstPaymentOf, orderExpiry } from "../first-payment.ts";
import { scheduleOrderClose } from "../jobs.ts";
import { loadOrderView, type OrderView, viewOrder } from "../order-view.ts";
import { decodeCursor, pageOfRows } from "../page-cursor.ts";
import { payerIdempotentWrite } from "../payer-idempotency.ts";
import { enforceUserCaps } from "../user-caps.ts";
import { type PayerRecipientView, type TipView, viewRecipient, viewTip } from "./views.ts";

export type TippedOrder = OrderView & { tip: TipView };

const RECIPIENT_ID = idPattern("tipRecipient");

/**
 * A tip to a recipient: an order of kind `tip` for the amount the payer names (the one kind
 * where the client names it; product.md: the server still checks it), paid like any order
 * (POST /v1/orders/:id/pay or /pay-from-wallet). The amount must be within the recipient's
 * bounds, and the payer's tips to the recipient that day (pending and paid) may not go above
 * its daily cap: the part is taken by one conditional upsert of the payer's daily total in
 * the order's transaction (tips-repo.ts holdDailyCap), given back if the order closes unpaid.
 * With an Idempotency-Key, K concurrent sends make one tip.
 */
export async function createTip(
  deps: AppDeps,
  input: {
    appId: string;
    userId: string;
    recipientId: string;
    amountFen: number;
    message: string | undefined;
    idempotencyKey: string | undefined;
  },
): Promise<{ replayed: boolean; order: TippedOrder }> {
  const write = {
    userId: input.userId,
    idempotencyKey: input.idempotencyKey,
    request: { tip: [input.recipientId, input.amountFen, input.message ?? null] },
  };
  const { replayed, value } = await payerIdempotentWrite(deps, write, (trx) => tip(deps, trx, input));
  return { replayed, order: value };
}

async function tip(
  deps: AppDeps,
  trx: Executor,
  input: {
    appId: string;
    userId: string;
    recipientId: string;
    amountFen: number;
    message: string | undefined;
  },
): Promise<TippedOrder> {
  // Locks in the one order (create-order.ts): the user's row, then the payer's daily total.
  const payer = await lockUserForUpdate(trx, input.userId);
  const recipient = await findRecipient(trx, input.appId, input.recipientId);
  if (!recipient) throw new KassaError("TIP_RECIPIENT_NOT_FOUND");
  if (!recipient.active) throw new KassaError("TIP_RECIPIENT_INACTIVE");
  const refusal = amountRefusal(recipient, input.amountFen);
  if (refusal) throw new KassaError(refusal.code, refusal.details);
  const message = checkMessage(input.message);
  if (!message.ok) throw new KassaError("TIP_MESSAGE_INVALID", { reason: message.reason });
  await enforceUserCaps(deps, trx, input.userId, 0);
  const now = deps.clock.now();
  const day = tipDay(now, recipient.timeZone);
  const order: Order = {
    id: makeId("order", deps.ids),
    kind: "tip",
    appId: input.appId,
    userId: input.userId,
    status: "PENDING",
    amountFen: toFen(input.amountFen),
    description: [...`打赏 ${recipient.name}`].slice(0, 127).join(""),
    lines: [],
    bonusFen: toFen(0),
    topUpTierId: null,
    expiresAt: orderExpiry(deps, now),
    createdAt: now,
  };
  const tipRow: Tip = {
    orderId: order.id,
    appId: input.appId,
    recipientId: recipient.id,
    userId: input.userId,
    amountFen: input.amountFen,
    message: message.message,
    day,
    status: "PENDING",
    createdAt: now,
  };
  const payment = firstPaymentOf(deps, order, payer.channel);
  await insertOrder(trx, order);
  await insertPayment(trx, payment);
  await insertTip(trx, tipRow);
  await scheduleOrderClose({ ...deps, db: trx }, order.id, order.expiresAt);
  // The cap last: its row is what a payer's concurrent tips queue on, held for the shortest
  // time. The conditional upsert is the guard; failing it rolls the whole tip back.
  const key = { recipientId: recipient.id, userId: input.userId, day };
  if (
    !(await holdDailyCap(trx, { ...key, amountFen: input.amountFen, capFen: recipient.dailyCapFen, now }))
  ) {
    const tippedTodayFen = await dailyTotal(trx, key);
    throw new KassaError("TIP_DAILY_CAP_REACHED", {
      dailyCapFen: recipient.dailyCapFen,
      tippedTodayFen,
      leftTodayFen: Math.max(0, recipient.dailyCapFen - tippedTodayFen),
    });
  }
  return { ...viewOrder(order, payment), tip: viewTip(tipRow) };
}

/** The payer's own tip with its order; another user's is indistinguishable from none. */
export async function getTip(
  deps: AppDeps,
  input: { userId: string; orderId: string },
): Promise<TippedOrder> {
  const order = await findOrderForUser(deps.db, input.orderId, input.userId);
  const found = order?.kind === "tip" ? await findTip(deps.db, order.id) : undefined;
  if (!order || !found) throw new KassaError("ORDER_NOT_FOUND");
  return { ...(await loadOrderView(deps.db, order)), tip: viewTip(found) };
}

/** The recipients a payer can tip now, with their rules and what is left of the payer's cap today. */
export async function listRecipientsForPayer(
  deps: AppDeps,
  input: { appId: string; userId: string; limit: number; cursor: string | undefined },
): Promise<{ data: PayerRecipientView[]; nextCursor: string | null }> {
  const after = input.cursor === undefined ? undefined : decodeCursor(input.cursor, RECIPIENT_ID);
  const rows = await listRecipients(deps.db, {
    appId: input.appId,
    activeOnly: true,
    after,
    limit: input.limit + 1,
  });
  const { page, nextCursor } = pageOfRows(rows, input.limit, (row) => ({
    createdAt: row.createdAt,
    id: row.id,
  }));
  const now = deps.clock.now();
  const data = await Promise.all(
    page.map(async (recipient) => {
      const tippedTodayFen = await dailyTotal(deps.db, {
        recipientId: recipient.id,
        userId: input.userId,
        day: tipDay(now, recipient.timeZone),
      });
      return {
        ...viewRecipient(recipient),
        tippedTodayFen,
        leftTodayFen: Math.max(0, recipient.dailyCapFen - tippedTodayFen),
      };
    }),
  );
  return {
    data,
    nextCursor,
  };
}
