import { basicBalanceFen } from "../bills/fund-flow.ts";
import { isBillReadyDelay, isDelayMs } from "../config.ts";
import type { SandboxContext } from "../context.ts";
import { findOrder } from "../domain/orders.ts";
import type { SettledRefundStatus } from "../domain/refund-record.ts";
import { planRefundOutcome, REFUND_OUTCOMES, setRefundDefaults } from "../domain/refund-settlement.ts";
import { findRefund } from "../domain/refunds.ts";
import { SandboxError } from "../errors.ts";
import type { HtmlPage } from "../http/html.ts";
import { requireMerchant } from "../identity/merchants.ts";
import { beijingDigits } from "../ids.ts";
import { requireNotification, resendNotification } from "../notify/notifications.ts";
import { payOrder } from "../payer/payer-actions.ts";
import { invalid, object, only, optionalString } from "./admin-input.ts";
import { adminPage } from "./admin-page.ts";
import { type NotificationView, notificationView, type RefundView, refundView } from "./payment-views.ts";
import { type OrderView, orderView } from "./views.ts";

/**
 * The admin API's second half: paying without the cashier, refunds and their outcomes,
 * notifications and their attempts, the merchant's balance, bill availability, and the
 * plain overview page at `/admin`.
 */
export interface PaymentsAdmin {
  /** The payer pays without a paySign (flow tests): SUCCESS and the TRANSACTION.SUCCESS notification. */
  payOrder(mchid: string, outTradeNo: string, input?: unknown): Promise<OrderView>;
  listRefunds(filter?: { mchid?: string | undefined; outTradeNo?: string | undefined }): RefundView[];
  getRefund(mchid: string, outRefundNo: string): RefundView;
  /** Arrange one refund's outcome, before it exists or while PROCESSING/ABNORMAL. */
  setRefundOutcome(
    mchid: string,
    outRefundNo: string,
    input: unknown,
  ): Promise<RefundView | { planned: true }>;
  /** Refund defaults and the BASIC balance (set it low to get NOT_ENOUGH). */
  setMerchantSettings(mchid: string, input: unknown): Promise<MerchantSettingsView>;
  listNotifications(filter?: NotificationFilter): NotificationView[];
  getNotification(id: string): NotificationView;
  resendNotification(id: string): Promise<NotificationView>;
  /** §5.7: how long after a day ends its bill becomes available (10 h = 10:00 Beijing time). */
  setBillReadyDelay(ms: unknown): { billReadyDelayMs: number };
  page(): Promise<HtmlPage>;
}

export interface NotificationFilter {
  mchid?: string | undefined;
  outTradeNo?: string | undefined;
  outRefundNo?: string | undefined;
  status?: string | undefined;
}

export interface MerchantSettingsView {
  mchid: string;
  refundOutcome: SettledRefundStatus;
  refundSettleDelayMs: number;
  balanceFen: number;
}

export function createPaymentsAdmin(ctx: SandboxContext): PaymentsAdmin {
  const settingsView = (mchid: string): MerchantSettingsView => {
    const settings = ctx.tables.merchantSettings.get(mchid);
    return {
      mchid,
      refundOutcome: settings?.refundOutcome ?? "SUCCESS",
      refundSettleDelayMs: settings?.refundSettleDelayMs ?? ctx.config.refundSettleDelayMs,
      balanceFen: basicBalanceFen(ctx, mchid),
    };
  };
  const admin: PaymentsAdmin = {
    async payOrder(mchid, outTradeNo, input = {}) {
      const body = object(input, "payment");
      only(body, ["bankType"]);
      optionalString(body, "bankType");
      const order = findOrder(ctx, mchid, outTradeNo);
      if (!order) throw new SandboxError("ORDER_NOT_FOUND", `${mchid} ${outTradeNo}`);
      return orderView(ctx, await payOrder(ctx, order, body.bankType as string | undefined));
    },
    listRefunds(filter = {}) {
      return ctx.tables.refunds
        .values()
        .filter(
          (refund) =>
            (!filter.mchid || refund.mchid === filter.mchid) &&
            (!filter.outTradeNo || refund.outTradeNo === filter.outTradeNo),
        )
        .sort((a, b) => a.createdAt - b.createdAt)
        .map((refund) => refundView(ctx, refund));
    },
    getRefund(mchid, outRefundNo) {
      const refund = findRefund(ctx, mchid, outRefundNo);
      if (!refund) throw new SandboxError("REFUND_NOT_FOUND", `${mchid} ${outRefundNo}`);
      return refundView(ctx, refund);
    },
    async setRefundOutcome(mchid, outRefundNo, input) {
      const body = object(input, "refund outcome");
      only(body, ["outcome", "settleDelayMs"]);
      const outcome = readOutcome(body.outcome, true)!;
      const delay = readDelay(body.settleDelayMs);
      const refund = await planRefundOutcome(ctx, mchid, outRefundNo, outcome, delay);
      return refund ? refundView(ctx, refund) : { planned: true };
    },
    async setMerchantSettings(mchid, input) {
      requireMerchant(ctx, mchid);
      const body = object(input, "merchant settings");
      only(body, ["refundOutcome", "refundSettleDelayMs", "balanceFen"]);
      const refundOutcome = readOutcome(body.refundOutcome, false);
      const refundSettleDelayMs = readDelay(body.refundSettleDelayMs);
      if (body.balanceFen !== undefined && !Number.isSafeInteger(body.balanceFen)) {
        throw invalid("balanceFen must be an integer number of fen");
      }
      await setRefundDefaults(ctx, mchid, {
        ...(refundOutcome === undefined ? {} : { refundOutcome }),
        ...(refundSettleDelayMs === undefined ? {} : { refundSettleDelayMs }),
      });
      if (body.balanceFen !== undefined) await adjustBalance(ctx, mchid, body.balanceFen as number);
      return settingsView(mchid);
    },
    listNotifications(filter = {}) {
      return ctx.tables.notifications
        .values()
        .filter(
          (record) =>
            (!filter.mchid || record.mchid === filter.mchid) &&
            (!filter.outTradeNo || record.outTradeNo === filter.outTradeNo) &&
            (!filter.outRefundNo || record.outRefundNo === filter.outRefundNo) &&
            (!filter.status || record.status === filter.status),
        )
        .sort((a, b) => a.createdAt - b.createdAt)
        .map(notificationView);
    },
    getNotification: (id) => notificationView(requireNotification(ctx, id)),
    resendNotification: async (id) => notificationView(await resendNotification(ctx, id)),
    setBillReadyDelay(ms) {
      if (!isBillReadyDelay(ms)) throw invalid("ms must be an integer from -86400000 to 2592000000");
      ctx.settings.billReadyDelayMs = ms as number;
      return { billReadyDelayMs: ctx.settings.billReadyDelayMs };
    },
    page: () => adminPage(ctx),
  };
  return admin;
}

function readOutcome(value: unknown, required: boolean): SettledRefundStatus | undefined {
  if (value === undefined && !required) return undefined;
  if (!REFUND_OUTCOMES.includes(value as SettledRefundStatus)) {
    throw invalid(`outcome must be one of ${REFUND_OUTCOMES.join(", ")}`);
  }
  return value as SettledRefundStatus;
}

function readDelay(value: unknown): number | undefined {
  if (value === undefined) return undefined;
  if (!isDelayMs(value))
    throw invalid("settleDelayMs must be an integer number of milliseconds from 0 to a year");
  return value as number;
}

/** Make the BASIC balance `balanceFen` now, through a visible 调账 movement. */
async function adjustBalance(ctx: SandboxContext, mchid: string, balanceFen: number): Promise<void> {
  const deltaFen = balanceFen - basicBalanceFen(ctx, mchid);
  if (deltaFen === 0) return;
  const now = ctx.clock.now();
  const id = `${beijingDigits(now).slice(0, 8)}${ctx.random.stream("ids").digits(22)}`;
  ctx.tables.fundAdjustments.set(id, {
    id,
    mchid,
    at: now,
    deltaFen,
    note: `balance set to ${balanceFen} fen through the admin API`,
  });
  await ctx.store.commit();
}
