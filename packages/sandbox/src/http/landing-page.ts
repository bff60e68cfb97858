import type { FastifyInstance } from "fastify";
import type { SandboxContext } from "../context.ts";
import { escapeHtml, HtmlPage, sendPage } from "./html.ts";

/**
 * `GET /`: what a person opening the simulator's address meets (issue 13: it was a 404 in
 * WeChat Pay's JSON), a page of links to what it serves. The API paths are WeChat Pay's own,
 * so a client only changes its host.
 */
export function registerLandingPage(app: FastifyInstance, ctx: SandboxContext): void {
  app.get("/", async (_request, reply) => {
    const merchants = [...ctx.tables.merchants.values()];
    const body = `<h1>WeChat Pay simulator</h1>
<p>A WeChat Pay API v3 simulator for Kassa's demo and tests: test credentials work here only, no money moves.</p>
<ul>
<li><a href="/admin">Admin page</a>: merchants, orders, refunds, notifications, the clock</li>
<li>Admin API (JSON): <a href="/admin/merchants">merchants</a>, <a href="/admin/orders">orders</a>, <a href="/admin/refunds">refunds</a>, <a href="/admin/notifications">notifications</a>, <a href="/admin/clock">clock</a>, <a href="/admin/faults">faults</a></li>
<li><a href="/cashier">Cashier</a>: pay, cancel or fail a prepaid order as a payer would</li>
<li>WeChat Pay's API: <code>/v3/...</code> (signed requests, signed answers) and the mini program login <code>/sns/jscode2session</code></li>
<li>Alipay's v2 gateway: <code>POST /alipay/gateway.do</code>, its cashier <a href="/alipay/cashier">/alipay/cashier</a> (stands in for my.tradePay) and admin calls under <code>/admin/alipay/</code></li>
</ul>
<p class="muted">${merchants.length} merchant(s): ${merchants.map((merchant) => escapeHtml(`${merchant.mchid} ${merchant.merchantName}`)).join(", ") || "none yet"} · virtual time ${escapeHtml(new Date(ctx.clock.now()).toISOString())} · docs/sandbox.md describes it all</p>`;
    return sendPage(reply, new HtmlPage("WeChat Pay simulator", body));
  });
}
