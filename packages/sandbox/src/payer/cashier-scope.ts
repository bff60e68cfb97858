import { fenToYuan, rfc3339Beijing } from "@kassa/wechatpay";
import type { FastifyInstance, FastifyReply, FastifyRequest } from "fastify";
import type { SandboxContext } from "../context.ts";
import { SandboxError } from "../errors.ts";
import { sandboxErrorStatus } from "../http/error-status.ts";
import { sendPage } from "../http/html.ts";
import { errorPage, outcomePage, pastePage, paymentPage, requestFromForm } from "./cashier-page.ts";
import { cancel, fail, pay } from "./payer-actions.ts";
import { type CheckedPayment, checkPayment, readPaymentRequest } from "./payment-request.ts";

/**
 * The payer's trust boundary (design.md convention 8): what stands in for the WeChat app
 * when a mini program calls `wx.requestPayment` (§7.1, §10 "Payer action"). No login:
 * like WeChat, it trusts the paySign, which only the merchant's private key can make.
 *
 *   POST /cashier/api/check    the parameters → what the payer would see (nothing changes)
 *   POST /cashier/api/pay      + bankType → requestPayment:ok, the order SUCCESS
 *   POST /cashier/api/cancel   → requestPayment:fail cancel, the order stays NOTPAY
 *   POST /cashier/api/fail     + reason → requestPayment:fail <why>, the order stays NOTPAY
 *   GET  /cashier              the page (parameters in the query, or a form to paste them)
 *   POST /cashier              the page's form
 */
export function registerCashierScope(app: FastifyInstance, ctx: SandboxContext): void {
  app.register(async (scope) => {
    scope.setErrorHandler((error, request, reply) => sendCashierError(ctx, error, request, reply));
    const checked = (request: FastifyRequest) => checkPayment(ctx, readPaymentRequest(jsonBody(request)));
    scope.post("/cashier/api/check", async (request) => describe(checked(request)));
    scope.post("/cashier/api/pay", async (request) => {
      const bankType = jsonBody(request).bankType;
      if (bankType !== undefined && typeof bankType !== "string") {
        throw new SandboxError("PAYMENT_REQUEST_INVALID", "bankType must be a string such as CMB_CREDIT");
      }
      return pay(ctx, checked(request), bankType);
    });
    scope.post("/cashier/api/cancel", async (request) => cancel(ctx, checked(request)));
    scope.post("/cashier/api/fail", async (request) => fail(ctx, checked(request), jsonBody(request).reason));
    scope.get("/cashier", async (request, reply) => {
      const query = new URLSearchParams(request.url.split("?")[1] ?? "");
      const pasted = query.get("request");
      if (pasted === null && !query.has("paySign")) return sendPage(reply, pastePage());
      const fields = pasted === null ? requestFromForm(query) : parsePasted(pasted);
      return sendPage(reply, paymentPage(checkPayment(ctx, readPaymentRequest(fields))));
    });
    scope.post("/cashier", async (request, reply) => {
      const form = new URLSearchParams(typeof request.body === "string" ? request.body : "");
      const payment = checkPayment(ctx, readPaymentRequest(requestFromForm(form)));
      const action = form.get("action");
      const outcome =
        action === "pay"
          ? await pay(ctx, payment, form.get("bankType") ?? undefined)
          : action === "cancel"
            ? await cancel(ctx, payment)
            : await fail(ctx, payment, form.get("reason"));
      return sendPage(reply, outcomePage(outcome));
    });
  });
}

function describe({ request, order, merchant, prepay }: CheckedPayment) {
  return {
    appId: request.appId,
    prepayId: prepay.prepayId,
    mchid: merchant.mchid,
    merchantName: merchant.merchantName,
    outTradeNo: order.outTradeNo,
    description: order.description,
    amount: { total: order.amountTotal, currency: "CNY", yuan: fenToYuan(order.amountTotal) },
    prepayExpiresAt: rfc3339Beijing(prepay.expiresAt),
    orderExpiresAt: rfc3339Beijing(order.timeExpire),
  };
}

function jsonBody(request: FastifyRequest): Record<string, unknown> {
  const text = typeof request.body === "string" ? request.body : "";
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch {
    throw new SandboxError("PAYMENT_REQUEST_INVALID", "the body must be a JSON object");
  }
  if (typeof value !== "object" || value === null || Array.isArray(value)) {
    throw new SandboxError("PAYMENT_REQUEST_INVALID", "the body must be a JSON object");
  }
  return value as Record<string, unknown>;
}

function parsePasted(text: string): Record<string, unknown> {
  try {
    const value: unknown = JSON.parse(text);
    if (typeof value === "object" && value !== null && !Array.isArray(value))
      return value as Record<string, unknown>;
  } catch {
    // reported below
  }
  throw new SandboxError(
    "PAYMENT_REQUEST_INVALID",
    "paste the wx.requestPayment parameters as one JSON object",
  );
}

/** JSON for the API, a page for the browser; both say which check failed. */
function sendCashierError(
  ctx: SandboxContext,
  error: unknown,
  request: FastifyRequest,
  reply: FastifyReply,
): FastifyReply {
  const status4xx = (error as { statusCode?: number }).statusCode;
  if (!(error instanceof SandboxError) && status4xx !== undefined && status4xx >= 400 && status4xx < 500) {
    // Fastify refused the request itself (a body over 1 MiB, a malformed URL): the caller's to fix.
    const refusal = new SandboxError("PAYMENT_REQUEST_INVALID", (error as Error).message);
    return sendCashierError(ctx, refusal, request, reply);
  }
  const known = error instanceof SandboxError;
  if (!known) ctx.log(`${request.method} ${request.url} failed: ${(error as Error).stack ?? String(error)}`);
  const code = known ? error.code : "INTERNAL_ERROR";
  const message = known ? error.message : "the sandbox failed unexpectedly; see its log";
  const status = known ? sandboxErrorStatus(error.code) : 500;
  const errMsg = `requestPayment:fail ${code}`;
  if (!request.url.startsWith("/cashier/api/"))
    return sendPage(reply, errorPage(code, message, errMsg), status);
  return reply.code(status).send({ code, message, requestId: request.id, errMsg });
}
