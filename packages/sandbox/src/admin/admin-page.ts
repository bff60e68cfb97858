import { buildRequestPaymentParams, fenToYuan, rfc3339Beijing } from "@kassa/wechatpay";
import type { SandboxContext } from "../context.ts";
import type { OrderRecord } from "../domain/order-record.ts";
import { findPrepay } from "../domain/prepay.ts";
import { escapeHtml, HtmlPage, htmlTable } from "../http/html.ts";

/**
 * `GET /admin`: the plain page a person opens to see what the simulator holds: merchants,
 * orders, refunds, notifications with their attempts. Newest first, the latest 100 of
 * each; the JSON API has everything. An unpaid order gets a link to the cashier, its
 * paySign made with the merchant's key as the merchant's server would.
 */

const LIMIT = 100;

export async function adminPage(ctx: SandboxContext): Promise<HtmlPage> {
  const now = ctx.clock.now();
  const newest = <T extends { createdAt: number }>(rows: T[]) =>
    rows.sort((a, b) => b.createdAt - a.createdAt).slice(0, LIMIT);
  const merchants = ctx.tables.merchants
    .values()
    .map((merchant) => [
      code(merchant.mchid),
      code(merchant.appid),
      escapeHtml(merchant.merchantName),
      escapeHtml(merchant.notifyUrl),
      merchant.platformCertificates.length > 0 ? "public key + certificates" : "public key only",
    ]);
  const orders = await Promise.all(
    newest(ctx.tables.orders.values()).map(async (order) => [
      code(order.mchid),
      code(order.outTradeNo),
      escapeHtml(order.description),
      `¥${fenToYuan(order.amountTotal)}`,
      `<span data-testid="order-state">${escapeHtml(order.state)}</span>`,
      escapeHtml(order.transactionId ?? ""),
      escapeHtml(rfc3339Beijing(order.createdAt)),
      await cashierLink(ctx, order, now),
    ]),
  );
  const refunds = newest(ctx.tables.refunds.values()).map((refund) => [
    code(refund.mchid),
    code(refund.outRefundNo),
    code(refund.outTradeNo),
    `¥${fenToYuan(refund.amountRefund)}`,
    escapeHtml(refund.status),
    escapeHtml(rfc3339Beijing(refund.createdAt)),
  ]);
  const notifications = newest(ctx.tables.notifications.values()).map((record) => {
    const last = record.attempts.at(-1);
    return [
      `<a href="/admin/notifications/${encodeURIComponent(record.id)}">${escapeHtml(record.id)}</a>`,
      code(record.mchid),
      escapeHtml(record.eventType),
      code(record.outRefundNo ?? record.outTradeNo),
      escapeHtml(record.status),
      String(record.attempts.length),
      escapeHtml(last ? `${last.status ?? "-"} ${last.error ?? ""}` : ""),
      escapeHtml(record.nextAttemptAt === undefined ? "" : rfc3339Beijing(record.nextAttemptAt)),
    ];
  });
  return new HtmlPage(
    "Kassa WeChat Pay sandbox",
    `<h1>Kassa WeChat Pay sandbox</h1>
<p>Virtual time <strong data-testid="clock-time">${escapeHtml(rfc3339Beijing(now))}</strong> · speed ${ctx.clock.speed} ·
 seed <code>${escapeHtml(ctx.random.seed)}</code> · ${ctx.scheduler.pending().length} pending jobs ·
 ${ctx.faults.list().length} fault rules · JSON: <a href="/admin/merchants">merchants</a>, <a href="/admin/orders">orders</a>,
 <a href="/admin/refunds">refunds</a>, <a href="/admin/notifications">notifications</a>, <a href="/admin/faults">faults</a></p>
<h2>Merchants</h2>
${htmlTable("merchants", ["mchid", "appid", "name", "notify URL", "keys"], merchants)}
<h2>Orders</h2>
${htmlTable("orders", ["mchid", "out_trade_no", "description", "amount", "state", "transaction_id", "created", "pay"], orders)}
<h2>Refunds</h2>
${htmlTable("refunds", ["mchid", "out_refund_no", "out_trade_no", "amount", "status", "created"], refunds)}
<h2>Notifications</h2>
${htmlTable("notifications", ["id", "mchid", "event", "order / refund", "status", "attempts", "last answer", "next attempt"], notifications)}`,
  );
}

function code(value: string): string {
  return `<code>${escapeHtml(value)}</code>`;
}

async function cashierLink(ctx: SandboxContext, order: OrderRecord, now: number): Promise<string> {
  const prepayId = order.prepayIds.at(-1);
  const found = prepayId ? findPrepay(ctx, prepayId) : undefined;
  const merchant = ctx.tables.merchants.get(order.mchid);
  if (!found?.payable || !merchant || !prepayId) return "";
  const params = await buildRequestPaymentParams({
    appId: order.appid,
    prepayId,
    privateKey: ctx.keys.privateKey(merchant.apiClient.privateKeyPem),
    now,
  });
  const query = new URLSearchParams({ ...params });
  return `<a href="/cashier?${escapeHtml(query.toString())}" data-testid="cashier-link">open the cashier</a>`;
}
