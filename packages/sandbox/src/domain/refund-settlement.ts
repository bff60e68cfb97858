import type { SandboxContext } from "../context.ts";
import { SandboxError } from "../errors.ts";
import { requireMerchant } from "../identity/merchants.ts";
import { createNotification } from "../notify/notifications.ts";
import type { JobRecord } from "../scheduler.ts";
import { type RefundRecord, refundKey, type SettledRefundStatus } from "./refund-record.ts";
import { checkRefundTransition, REFUND_EVENT_TYPES } from "./refund-state.ts";
import { toRefundNotificationResource } from "./refund-view.ts";

/**
 * A refund's outcome (§5.4), chosen by the test: SUCCESS by default, or CLOSED or ABNORMAL,
 * per merchant or per refund (even before the refund exists), after a settle delay on the
 * virtual clock. Each outcome sends its REFUND.* notification (§4.4) to the refund's
 * notify_url, else the merchant's. ABNORMAL is not final: a later outcome can follow it.
 */

export const REFUND_SETTLE_JOB = "refund.settle";
export const REFUND_OUTCOMES: readonly SettledRefundStatus[] = ["SUCCESS", "CLOSED", "ABNORMAL"];

export function registerRefundJobs(ctx: SandboxContext): void {
  // Committed once the scheduler's pass ends (context.ts), like every job of part 2.
  ctx.scheduler.register(REFUND_SETTLE_JOB, (job: JobRecord) => {
    const refund = ctx.tables.refunds.get((job.payload as { key: string }).key);
    if (!refund || refund.settleJobId !== job.id) return; // re-planned meanwhile
    delete refund.settleJobId;
    applyRefundOutcome(ctx, refund, refund.plannedOutcome);
  });
}

/** The outcome and delay a new refund gets: its own plan, else the merchant's default, else SUCCESS. */
export function settlementPlan(
  ctx: SandboxContext,
  mchid: string,
  outRefundNo: string,
): { outcome: SettledRefundStatus; settleDelayMs: number } {
  const plan = ctx.tables.refundPlans.get(refundKey(mchid, outRefundNo));
  const defaults = ctx.tables.merchantSettings.get(mchid);
  return {
    outcome: plan?.outcome ?? defaults?.refundOutcome ?? "SUCCESS",
    settleDelayMs: plan?.settleDelayMs ?? defaults?.refundSettleDelayMs ?? ctx.config.refundSettleDelayMs,
  };
}

/**
 * Arrange the outcome of one refund. Before it exists: kept for its creation. PROCESSING:
 * replaces the planned outcome (and, with a delay, the settle time). ABNORMAL: settles it
 * after the delay (0 by default).
 */
export async function planRefundOutcome(
  ctx: SandboxContext,
  mchid: string,
  outRefundNo: string,
  outcome: SettledRefundStatus,
  settleDelayMs: number | undefined,
): Promise<RefundRecord | undefined> {
  requireMerchant(ctx, mchid);
  const key = refundKey(mchid, outRefundNo);
  const refund = ctx.tables.refunds.get(key);
  if (!refund) {
    ctx.tables.refundPlans.set(key, { outcome, ...(settleDelayMs === undefined ? {} : { settleDelayMs }) });
    await ctx.store.commit();
    return undefined;
  }
  checkRefundTransition(refund.status, outcome);
  refund.plannedOutcome = outcome;
  if (settleDelayMs !== undefined || !refund.settleJobId) {
    if (refund.settleJobId) ctx.scheduler.cancel(refund.settleJobId);
    refund.settleJobId = ctx.scheduler.schedule(REFUND_SETTLE_JOB, ctx.clock.now() + (settleDelayMs ?? 0), {
      key,
    }).id;
  }
  await ctx.store.commit();
  return refund;
}

export async function setRefundDefaults(
  ctx: SandboxContext,
  mchid: string,
  defaults: { refundOutcome?: SettledRefundStatus; refundSettleDelayMs?: number },
): Promise<void> {
  requireMerchant(ctx, mchid);
  ctx.tables.merchantSettings.set(mchid, { ...ctx.tables.merchantSettings.get(mchid), ...defaults });
  await ctx.store.commit();
}

function applyRefundOutcome(ctx: SandboxContext, refund: RefundRecord, outcome: SettledRefundStatus): void {
  try {
    checkRefundTransition(refund.status, outcome);
  } catch (error) {
    if (error instanceof SandboxError) return; // settled by another path meanwhile: nothing to do
    throw error;
  }
  const now = ctx.clock.now();
  refund.status = outcome;
  refund.statusChangedAt = now;
  if (outcome === "SUCCESS") refund.successTime = now;
  const merchant = requireMerchant(ctx, refund.mchid);
  createNotification(ctx, {
    merchant,
    eventType: REFUND_EVENT_TYPES[outcome],
    originalType: "refund",
    outTradeNo: refund.outTradeNo,
    outRefundNo: refund.outRefundNo,
    url: refund.notifyUrl ?? merchant.notifyUrl,
    resource: toRefundNotificationResource(refund),
  });
}
