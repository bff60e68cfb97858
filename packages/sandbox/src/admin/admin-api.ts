import { type AlipayAdmin, createAlipayAdmin } from "../alipay/admin.ts";
import type { SandboxContext } from "../context.ts";
import { mintLoginCode } from "../domain/login-codes.ts";
import { findOrder } from "../domain/orders.ts";
import { SandboxError } from "../errors.ts";
import type { FaultRule } from "../faults.ts";
import {
  type CreateMerchantInput,
  createMerchant,
  requireMerchant,
  rotatePlatformCertificate,
} from "../identity/merchants.ts";
import type { FiredJob } from "../scheduler.ts";
import { invalid, object, only, optionalString } from "./admin-input.ts";
import { createPaymentsAdmin, type PaymentsAdmin } from "./payments-admin.ts";
import { createUntrackedPayment } from "./untracked-payments.ts";
import {
  type ClockView,
  clockView,
  type LoginCodeView,
  loginCodeView,
  type MerchantView,
  merchantView,
  type OrderView,
  orderView,
} from "./views.ts";

/**
 * The admin API as functions: what `/admin/*` serves over HTTP and what `startSandbox()`
 * hands to tests and to `npm start`. Inputs are checked here, once, because both JSON
 * from the wire and JavaScript callers arrive untyped in practice.
 */
export interface AdminApi extends PaymentsAdmin, AlipayAdmin {
  createMerchant(input?: unknown): Promise<MerchantView>;
  listMerchants(): MerchantView[];
  getMerchant(mchid: string): MerchantView;
  /** §3.4 rotation; with `overlapMs` the previous certificates are withdrawn after that long. */
  rotatePlatformCertificate(mchid: string, options?: unknown): Promise<MerchantView>;
  /** Stands in for `wx.login()`: a one-time code for `appid`, for `openid` or a fresh one. */
  mintLoginCode(input: unknown): Promise<LoginCodeView>;
  listOrders(filter?: { mchid?: string | undefined; state?: string | undefined }): OrderView[];
  getOrder(mchid: string, outTradeNo: string): OrderView;
  /** A paid payment the merchant never prepaid and is never notified of (reconciliation tests). */
  addUntrackedPayment(mchid: string, input: unknown): Promise<OrderView>;
  time(): ClockView;
  /** Move virtual time forward, firing due jobs in order; returns the jobs fired. */
  advanceClock(ms: unknown): Promise<ClockView & { fired: FiredJob[] }>;
  setClockSpeed(speed: unknown): ClockView;
  setProbeRate(rate: unknown): { probeRate: number };
  addFault(rule: unknown): FaultRule;
  listFaults(): FaultRule[];
  removeFault(id: string): void;
  clearFaults(): { removed: number };
}

const MAX_ADVANCE_MS = 400 * 24 * 3600 * 1000; // beyond a year: refunds' 1-year window (§5.4) plus margin

export function createAdminApi(ctx: SandboxContext): AdminApi {
  return {
    async createMerchant(input = {}) {
      const body = object(input, "merchant");
      only(body, ["mchid", "appid", "merchantName", "notifyUrl", "certificates"]);
      for (const key of ["mchid", "appid", "merchantName", "notifyUrl"]) optionalString(body, key);
      if (body.certificates !== undefined && typeof body.certificates !== "boolean") {
        throw invalid("certificates must be true or false");
      }
      return merchantView(ctx, await createMerchant(ctx, body as CreateMerchantInput));
    },
    listMerchants: () => ctx.tables.merchants.values().map((merchant) => merchantView(ctx, merchant)),
    getMerchant: (mchid) => merchantView(ctx, requireMerchant(ctx, mchid)),
    async rotatePlatformCertificate(mchid, options = {}) {
      const body = object(options, "rotation");
      only(body, ["overlapMs"]);
      if (
        body.overlapMs !== undefined &&
        !(Number.isSafeInteger(body.overlapMs) && (body.overlapMs as number) >= 0)
      ) {
        throw invalid("overlapMs must be a whole number of milliseconds >= 0");
      }
      return merchantView(
        ctx,
        await rotatePlatformCertificate(ctx, mchid, body.overlapMs as number | undefined),
      );
    },
    async mintLoginCode(input) {
      const body = object(input, "login code request");
      only(body, ["appid", "openid"]);
      if (typeof body.appid !== "string") throw invalid("appid is required");
      optionalString(body, "openid");
      return loginCodeView(await mintLoginCode(ctx, body as { appid: string; openid?: string }));
    },
    listOrders(filter = {}) {
      return ctx.tables.orders
        .values()
        .filter(
          (order) =>
            (!filter.mchid || order.mchid === filter.mchid) &&
            (!filter.state || order.state === filter.state),
        )
        .sort((a, b) => a.createdAt - b.createdAt)
        .map((order) => orderView(ctx, order));
    },
    getOrder(mchid, outTradeNo) {
      const order = findOrder(ctx, mchid, outTradeNo);
      if (!order) throw new SandboxError("ORDER_NOT_FOUND", `${mchid} ${outTradeNo}`);
      return orderView(ctx, order);
    },
    addUntrackedPayment: async (mchid, input) =>
      orderView(ctx, await createUntrackedPayment(ctx, mchid, input)),
    time: () => clockView(ctx),
    async advanceClock(ms) {
      if (!Number.isSafeInteger(ms) || (ms as number) <= 0 || (ms as number) > MAX_ADVANCE_MS) {
        throw invalid(`ms must be a whole number of milliseconds from 1 to ${MAX_ADVANCE_MS}`);
      }
      const fired = await ctx.scheduler.advanceBy(ms as number);
      await ctx.store.commit(); // the clock's new anchor
      return { ...clockView(ctx), fired };
    },
    setClockSpeed(speed) {
      if (typeof speed !== "number" || !(speed >= 0 && speed <= 100_000)) {
        throw invalid("speed must be a number from 0 (frozen) to 100000");
      }
      ctx.clock.setSpeed(speed);
      return clockView(ctx);
    },
    setProbeRate(rate) {
      if (typeof rate !== "number" || !(rate >= 0 && rate <= 1))
        throw invalid("rate must be a number from 0 to 1");
      ctx.settings.probeRate = rate;
      return { probeRate: rate };
    },
    addFault: (rule) => ctx.faults.add(rule),
    listFaults: () => ctx.faults.list(),
    removeFault: (id) => ctx.faults.remove(id),
    clearFaults: () => ({ removed: ctx.faults.clear() }),
    ...createPaymentsAdmin(ctx),
    ...createAlipayAdmin(ctx),
  };
}
