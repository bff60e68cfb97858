import Fastify, { type FastifyInstance } from "fastify";
import type { AdminApi } from "../admin/admin-api.ts";
import { registerAlipayBillDownload } from "../alipay/bills/bill-download.ts";
import { registerAlipayCashier } from "../alipay/cashier-route.ts";
import { registerAlipayGateway } from "../alipay/gateway-route.ts";
import type { SandboxContext } from "../context.ts";
import { SandboxError } from "../errors.ts";
import { newRequestId } from "../ids.ts";
import { registerCashierScope } from "../payer/cashier-scope.ts";
import { registerLoginEndpoint } from "../routes/jscode2session.ts";
import { MERCHANT_ENDPOINTS } from "../routes/merchant-endpoints.ts";
import { WechatApiError } from "../wechat-error.ts";
import { registerAdminScope, sendAdminError } from "./admin-scope.ts";
import { registerLandingPage } from "./landing-page.ts";
import { registerMerchantEndpoint } from "./merchant-endpoint.ts";

/**
 * The HTTP surface: WeChat Pay's `/v3/...` paths (§5), the login API's `/sns/...` (§7.2),
 * the payer's cashier `/cashier` (§7.1), the admin scope `/admin/...` and a page of links at `/`. Fastify (the
 * project's stack, design.md) with one change that matters: bodies stay raw strings,
 * because signatures cover the exact bytes (§2) and a JSON parse-and-reserialise would
 * hide a client's mistake.
 */
export function buildServer(ctx: SandboxContext, admin: AdminApi): FastifyInstance {
  const app = Fastify({
    logger: false,
    // Held and hijacked connections (fault injection) must not delay shutdown.
    forceCloseConnections: true,
    bodyLimit: 1024 * 1024,
    genReqId: () => newRequestId(ctx.random.stream("request-ids")),
  });
  app.removeAllContentTypeParsers();
  app.addContentTypeParser("*", { parseAs: "string" }, (_request, body, done) => done(null, body));
  app.addHook("onRequest", async (request, reply) => {
    reply.header("Request-ID", request.id); // §1: every answer carries one
    await ctx.scheduler.runDueIfIdle(); // with a running clock, jobs due by now fire first
  });
  for (const endpoint of MERCHANT_ENDPOINTS) registerMerchantEndpoint(app, ctx, endpoint);
  registerLoginEndpoint(app, ctx);
  registerAlipayGateway(app, ctx);
  registerAlipayCashier(app, ctx);
  registerAlipayBillDownload(app, ctx);
  registerCashierScope(app, ctx);
  registerAdminScope(app, admin, ctx.log);
  registerLandingPage(app, ctx);
  app.setNotFoundHandler((request, reply) => {
    if (request.url.startsWith("/admin")) {
      const error = new SandboxError("ROUTE_NOT_FOUND", `${request.method} ${request.url}`);
      return sendAdminError(error, request, reply, ctx.log);
    }
    const error = new WechatApiError(
      "RESOURCE_NOT_EXISTS",
      `no WeChat Pay API at ${request.method} ${request.url}`,
    );
    return reply.code(error.status).send(error.toBody());
  });
  app.setErrorHandler((error, request, reply) => {
    const status = (error as { statusCode?: number }).statusCode;
    if (status !== undefined && status >= 400 && status < 500) {
      // Fastify refused the request itself (a body over 1 MiB, a malformed URL): the client's to fix.
      const refusal = new WechatApiError("PARAM_ERROR", (error as Error).message);
      return reply.code(status).send(refusal.toBody());
    }
    ctx.log(`${request.method} ${request.url} failed: ${(error as Error).stack ?? String(error)}`);
    return reply
      .code(500)
      .send(new WechatApiError("SYSTEM_ERROR", "the sandbox failed unexpectedly; see its log").toBody());
  });
  return app;
}
