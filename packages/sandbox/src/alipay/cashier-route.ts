import { fenToYuan } from "@kassa/alipay";
import type { FastifyInstance, FastifyReply, FastifyRequest } from "fastify";
import type { SandboxContext } from "../context.ts";
import { SandboxError } from "../errors.ts";
import { sandboxErrorStatus } from "../http/error-status.ts";
import { escapeHtml, HtmlPage, sendPage } from "../http/html.ts";
import { alipayTables } from "./records.ts";
import {
  readTradePayInput,
  TRADE_PAY_RESULT_CODES,
  type TradePayOutcome,
  visitCashier,
} from "./trade-pay.ts";

/**
 * What stands in for the Alipay app after `my.tradePay({ tradeNO })` (A.2, A.8 item 4):
 *
 *   POST /alipay/cashier/api/trade-pay  {tradeNO, action: pay|cancel, resultCode?, payer?} → {resultCode, memo, paid}
 *   GET  /alipay/cashier?tradeNO=…      a page with the trade and the same choices
 *   POST /alipay/cashier                the page's form → the resultCode the mini program gets
 *
 * No signature, like the WeChat cashier: the trade_no is all `my.tradePay` is given.
 */
export function registerAlipayCashier(app: FastifyInstance, ctx: SandboxContext): void {
  app.register(async (scope) => {
    scope.setErrorHandler((error, request, reply) => sendError(ctx, error, request, reply));
    scope.post("/alipay/cashier/api/trade-pay", async (request) =>
      visitCashier(ctx, readTradePayInput(jsonBody(request))),
    );
    scope.get("/alipay/cashier", async (request, reply) => {
      const tradeNO = new URLSearchParams(request.url.split("?")[1] ?? "").get("tradeNO") ?? "";
      return sendPage(reply, cashierPage(ctx, tradeNO));
    });
    scope.post("/alipay/cashier", async (request, reply) => {
      const form = Object.fromEntries(
        new URLSearchParams(typeof request.body === "string" ? request.body : ""),
      );
      return sendPage(reply, outcomePage(await visitCashier(ctx, readTradePayInput(form))));
    });
  });
}

function cashierPage(ctx: SandboxContext, tradeNO: string): HtmlPage {
  const tables = alipayTables(ctx);
  const key = tables.tradeNos.get(tradeNO);
  const trade = key === undefined ? undefined : tables.trades.get(key);
  const codes = Object.entries(TRADE_PAY_RESULT_CODES)
    .map(([code, memo]) => `<option value="${code}">${code} ${escapeHtml(memo)}</option>`)
    .join("");
  const details = trade
    ? `<p class="amount">¥<span data-testid="alipay-cashier-amount">${fenToYuan(trade.totalFen)}</span></p>
<p data-testid="alipay-cashier-subject">${escapeHtml(trade.subject)}</p>
<p class="muted">trade_no ${escapeHtml(trade.tradeNo)} · out_trade_no ${escapeHtml(trade.outTradeNo)} · <span data-testid="alipay-cashier-status">${escapeHtml(trade.status)}</span></p>`
    : `<p class="error" data-testid="alipay-cashier-error">No trade has trade_no ${escapeHtml(tradeNO)}: my.tradePay will answer 4000.</p>`;
  return new HtmlPage(
    "Alipay sandbox cashier",
    `<h1>Alipay sandbox cashier</h1>
${details}
<form method="post" action="/alipay/cashier" class="actions">
<input type="hidden" name="tradeNO" value="${escapeHtml(tradeNO)}">
<fieldset><legend>What my.tradePay answers</legend>
<select name="resultCode" data-testid="alipay-cashier-result-code"><option value="">what the choice earns (9000 pay, 6001 cancel)</option>${codes}</select>
</fieldset>
<fieldset><legend>What really happens</legend>
<button type="submit" name="action" value="pay" data-testid="alipay-cashier-pay">Pay</button>
<button type="submit" name="action" value="cancel" data-testid="alipay-cashier-cancel">Cancel</button>
</fieldset>
</form>`,
  );
}

function outcomePage(outcome: TradePayOutcome): HtmlPage {
  return new HtmlPage(
    `resultCode ${outcome.resultCode}`,
    `<h1>my.tradePay answers <span data-testid="alipay-cashier-result">${outcome.resultCode}</span></h1>
<p>${escapeHtml(outcome.memo)}</p>
<p class="${outcome.paid ? "ok" : "muted"}" data-testid="alipay-cashier-paid">${outcome.paid ? "The trade is paid." : "Nothing was paid."}</p>`,
  );
}

function jsonBody(request: FastifyRequest): Record<string, unknown> {
  try {
    const value: unknown = JSON.parse(typeof request.body === "string" ? request.body : "");
    if (typeof value === "object" && value !== null && !Array.isArray(value))
      return value as Record<string, unknown>;
  } catch {
    // reported below
  }
  throw new SandboxError("PAYMENT_REQUEST_INVALID", "the body must be a JSON object");
}

function sendError(
  ctx: SandboxContext,
  error: unknown,
  request: FastifyRequest,
  reply: FastifyReply,
): FastifyReply {
  if (!(error instanceof SandboxError)) {
    ctx.log(`${request.method} ${request.url} failed: ${(error as Error).stack ?? String(error)}`);
  }
  const known = error instanceof SandboxError;
  const code = known ? error.code : "INTERNAL_ERROR";
  const message = known ? error.message : "the sandbox failed unexpectedly; see its log";
  return reply
    .code(known ? sandboxErrorStatus(error.code) : 500)
    .send({ code, message, requestId: request.id });
}
