import type { SandboxContext } from "../context.ts";
import type { OrderRecord, PayerAction } from "../domain/order-record.ts";
import { markPaid } from "../domain/orders.ts";
import { toTransaction } from "../domain/transaction-view.ts";
import { SandboxError } from "../errors.ts";
import { requireMerchant } from "../identity/merchants.ts";
import { createNotification } from "../notify/notifications.ts";
import { BANK_TYPE_PATTERN } from "./bank-types.ts";
import type { CheckedPayment } from "./payment-request.ts";

/**
 * What the payer can do at the cashier, and what `wx.requestPayment` reports for it
 * (§7.1 callbacks): pay (`requestPayment:ok`; the order becomes SUCCESS and the
 * TRANSACTION.SUCCESS notification is scheduled), cancel (`requestPayment:fail cancel`),
 * or fail (`requestPayment:fail <why>`). Cancel and fail leave the order NOTPAY: JSAPI
 * payments only notify on success (§4.1).
 */

export const PAYER_FAILURES = {
  INSUFFICIENT_BALANCE: {
    detail: "余额不足",
    message: "the payer's balance or card limit is not enough; the order stays NOTPAY",
  },
  WRONG_PASSWORD: {
    detail: "支付密码错误",
    message: "the payer entered a wrong payment password; the order stays NOTPAY",
  },
  ACCOUNT_FROZEN: {
    detail: "账户已被冻结",
    message: "the payer's account is frozen; the order stays NOTPAY",
  },
} as const;

export type PayerFailure = keyof typeof PAYER_FAILURES;

export interface PayerOutcome {
  errMsg: string;
  outTradeNo: string;
  tradeState: OrderRecord["state"];
  transactionId?: string;
  bankType?: string;
  reason?: PayerFailure;
  message?: string;
}

/** The payer pays: SUCCESS, then the TRANSACTION.SUCCESS notification to the order's notify_url. */
export async function payOrder(
  ctx: SandboxContext,
  order: OrderRecord,
  bankType = "OTHERS",
): Promise<OrderRecord> {
  if (!BANK_TYPE_PATTERN.test(bankType)) {
    throw new SandboxError(
      "PAYMENT_REQUEST_INVALID",
      "bankType must be a code like OTHERS, CMB_CREDIT or ICBC_DEBIT",
    );
  }
  if (order.state !== "NOTPAY") {
    throw new SandboxError("ORDER_NOT_PAYABLE", `order ${order.outTradeNo} is ${order.state}`);
  }
  await markPaid(ctx, order, bankType);
  record(ctx, order, { action: "pay", bankType });
  createNotification(ctx, {
    merchant: requireMerchant(ctx, order.mchid),
    eventType: "TRANSACTION.SUCCESS",
    originalType: "transaction",
    outTradeNo: order.outTradeNo,
    url: order.notifyUrl,
    resource: toTransaction(order), // §4.3: the query's shape, as it is at payment
  });
  await ctx.store.commit();
  return order;
}

export async function pay(
  ctx: SandboxContext,
  checked: CheckedPayment,
  bankType?: string,
): Promise<PayerOutcome> {
  const order = await payOrder(ctx, checked.order, bankType);
  return {
    errMsg: "requestPayment:ok",
    outTradeNo: order.outTradeNo,
    tradeState: order.state,
    ...(order.transactionId ? { transactionId: order.transactionId } : {}),
    ...(order.bankType ? { bankType: order.bankType } : {}),
  };
}

export async function cancel(ctx: SandboxContext, checked: CheckedPayment): Promise<PayerOutcome> {
  record(ctx, checked.order, { action: "cancel" });
  await ctx.store.commit();
  return {
    errMsg: "requestPayment:fail cancel",
    outTradeNo: checked.order.outTradeNo,
    tradeState: checked.order.state,
  };
}

export async function fail(
  ctx: SandboxContext,
  checked: CheckedPayment,
  reason: unknown,
): Promise<PayerOutcome> {
  if (typeof reason !== "string" || !Object.hasOwn(PAYER_FAILURES, reason)) {
    throw new SandboxError(
      "PAYMENT_REQUEST_INVALID",
      `reason must be one of ${Object.keys(PAYER_FAILURES).join(", ")}`,
    );
  }
  const failure = PAYER_FAILURES[reason as PayerFailure];
  record(ctx, checked.order, { action: "fail", reason });
  await ctx.store.commit();
  return {
    errMsg: `requestPayment:fail ${failure.detail}`,
    outTradeNo: checked.order.outTradeNo,
    tradeState: checked.order.state,
    reason: reason as PayerFailure,
    message: failure.message,
  };
}

function record(ctx: SandboxContext, order: OrderRecord, action: Omit<PayerAction, "at">): void {
  order.payerActions ??= [];
  order.payerActions.push({ at: ctx.clock.now(), ...action });
}
