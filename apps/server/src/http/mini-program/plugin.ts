import { authenticate } from "../../app/authenticate.ts";
import { KassaError } from "../../domain/errors.ts";
import type { KassaApp } from "../server.ts";
import { bearerTokenOf } from "./bearer-token.ts";
import { registerBodilessBookingRoutes, registerBookingRoutes } from "./bookings/routes.ts";
import { registerCatalogList } from "./catalog.list.ts";
import type { MiniProgramContext } from "./context.ts";
import { takesNoBody } from "./no-body.ts";
import { refuseImpossibleOrderIds } from "./order-id.ts";
import { registerOrdersCancel } from "./orders.cancel.ts";
import { registerOrdersConfirm } from "./orders.confirm.ts";
import { registerOrdersCreate } from "./orders.create.ts";
import { registerOrdersGet } from "./orders.get.ts";
import { registerOrdersList } from "./orders.list.ts";
import { registerOrdersPay } from "./orders.pay.ts";
import { registerOrdersPayFromWallet } from "./orders.pay-from-wallet.ts";
import { enforceRateLimit } from "./rate-limit.ts";
import { registerSessionCreate } from "./session.create.ts";
import { registerSessionDelete } from "./session.delete.ts";
import { registerTipRoutes } from "./tips/routes.ts";
import { registerWalletGet } from "./wallet.get.ts";
import { registerWalletHistoryList } from "./wallet.history.list.ts";
import { registerWalletTiersList } from "./wallet.tiers.list.ts";
import { registerWalletTopUpsCreate } from "./wallet.top-ups.create.ts";

/**
 * The mini program API: one trust boundary (design.md convention 8). Every route is limited
 * per IP; every route but login and the catalog needs a session token and is limited per user too.
 * Pay, confirm, cancel and logout take no body, and refuse one that says anything.
 */
export async function miniProgramApi(app: KassaApp, context: MiniProgramContext): Promise<void> {
  app.decorateRequest("userId", "");
  app.decorateRequest("appId", "");
  // Answers here carry session tokens and orders (errors too, for one rule): no cache, shared
  // or private, may keep them (RFC 9111 §5.2.2.5), or a later user of the device could read them.
  app.addHook("onSend", async (_request, reply) => {
    reply.header("cache-control", "no-store");
  });
  app.addHook("onRequest", async (request, reply) => {
    await enforceRateLimit(
      context.limiter,
      request,
      reply,
      `ip:${request.ip}`,
      context.limits.perIpPerMinute,
    );
  });

  registerSessionCreate(app, context);
  registerCatalogList(app, context);

  await app.register(async (authenticated) => {
    authenticated.addHook("preHandler", async (request, reply) => {
      const token = bearerTokenOf(request.headers.authorization);
      if (!token) throw new KassaError("AUTH_SESSION_REQUIRED");
      const session = await authenticate(context.deps, token);
      request.userId = session.userId;
      request.appId = session.appId;
      await enforceRateLimit(
        context.limiter,
        request,
        reply,
        `user:${request.userId}`,
        context.limits.perUserPerMinute,
      );
    });
    refuseImpossibleOrderIds(authenticated);
    registerOrdersCreate(authenticated, context);
    registerOrdersList(authenticated, context);
    registerOrdersGet(authenticated, context);
    registerWalletGet(authenticated, context);
    registerWalletHistoryList(authenticated, context);
    registerWalletTiersList(authenticated, context);
    registerWalletTopUpsCreate(authenticated, context);
    registerBookingRoutes(authenticated, context);
    registerTipRoutes(authenticated, context);
    await authenticated.register(async (bodiless) => {
      takesNoBody(bodiless);
      registerOrdersPay(bodiless, context);
      registerOrdersPayFromWallet(bodiless, context);
      registerOrdersConfirm(bodiless, context);
      registerOrdersCancel(bodiless, context);
      registerSessionDelete(bodiless, context);
      registerBodilessBookingRoutes(bodiless, context);
    });
  });
}
