import type { ApiKeyScope } from "../../app/merchant/api-keys.ts";
import { authenticateMerchantKey, type MerchantCaller } from "../../app/merchant/authenticate-key.ts";
import { KassaError } from "../../domain/errors.ts";
import { bearerTokenOf } from "../mini-program/bearer-token.ts";
import { takesNoBody } from "../mini-program/no-body.ts";
import { enforceRateLimit } from "../mini-program/rate-limit.ts";
import type { KassaApp } from "../server.ts";
import { registerBodilessBookingRoutes, registerBookingRoutes } from "./bookings/routes.ts";
import type { MerchantContext } from "./context.ts";
import { registerEventsList } from "./events.list.ts";
import { registerLedgerAccountsList } from "./ledger-accounts.list.ts";
import { registerLedgerEntriesList } from "./ledger-entries.list.ts";
import { registerLedgerTrialBalance } from "./ledger-trial-balance.get.ts";
import { registerMerchantOrdersGet } from "./orders.get.ts";
import { registerMerchantOrdersList } from "./orders.list.ts";
import { registerProductsActivate } from "./products.activate.ts";
import { registerProductsCreate } from "./products.create.ts";
import { registerProductsDeactivate } from "./products.deactivate.ts";
import { registerProductsGet } from "./products.get.ts";
import { registerProductsList } from "./products.list.ts";
import { registerProductsStock } from "./products.stock.ts";
import { registerProductsUpdate } from "./products.update.ts";
import { registerReconciliationRunsGet } from "./reconciliation-runs.get.ts";
import { registerReconciliationRunsList } from "./reconciliation-runs.list.ts";
import { registerReconciliationRunsRerun } from "./reconciliation-runs.rerun.ts";
import { registerRefundsCreate } from "./refunds.create.ts";
import { registerRefundsGet } from "./refunds.get.ts";
import { registerRefundsList } from "./refunds.list.ts";
import { registerRefundsRetry } from "./refunds.retry.ts";
import { registerRefundsSettleOffline } from "./refunds.settle-offline.ts";
import { registerBodilessTipRoutes, registerTipRoutes } from "./tips/routes.ts";
import { registerWalletAdjustmentsCreate } from "./wallet-adjustments.create.ts";
import { registerWalletBalancesList } from "./wallet-balances.list.ts";
import { registerWalletTiersCreate } from "./wallet-tiers.create.ts";
import { registerWalletTiersList } from "./wallet-tiers.list.ts";
import { registerWalletTiersUpdate } from "./wallet-tiers.update.ts";
import { registerWebhookDeliveriesGet } from "./webhook-deliveries.get.ts";
import { registerWebhookDeliveriesList } from "./webhook-deliveries.list.ts";
import { registerWebhookDeliveriesReplay } from "./webhook-deliveries.replay.ts";
import { registerWebhookEndpointsCreate } from "./webhook-endpoints.create.ts";
import { registerWebhookEndpointsDelete } from "./webhook-endpoints.delete.ts";
import { registerWebhookEndpointsDisable } from "./webhook-endpoints.disable.ts";
import { registerWebhookEndpointsEnable } from "./webhook-endpoints.enable.ts";
import { registerWebhookEndpointsGet } from "./webhook-endpoints.get.ts";
import { registerWebhookEndpointsList } from "./webhook-endpoints.list.ts";
import { registerWebhookEndpointsReplay } from "./webhook-endpoints.replay.ts";
import { registerWebhookEndpointsRotateSecret } from "./webhook-endpoints.rotate-secret.ts";
import { registerWebhookEndpointsUpdate } from "./webhook-endpoints.update.ts";

/**
 * The merchant API (issue 8 §5): the merchant's own servers, a trust boundary of its own
 * (design.md convention 8). Every route needs an API key of one app and sees only that app;
 * GETs need the read scope, POSTs the write scope. Limited per IP before the key is looked up,
 * and per key after.
 */
export async function merchantApi(app: KassaApp, context: MerchantContext): Promise<void> {
  app.decorateRequest("merchant", null as unknown as MerchantCaller);
  app.addHook("onSend", async (_request, reply) => {
    reply.header("cache-control", "no-store");
  });
  // onRequest: the key is checked before any body is read or validated.
  app.addHook("onRequest", async (request, reply) => {
    await enforceRateLimit(
      context.limiter,
      request,
      reply,
      `merchant-ip:${request.ip}`,
      context.limits.perIpPerMinute,
    );
    const secret = bearerTokenOf(request.headers.authorization);
    if (!secret) throw new KassaError("MERCHANT_KEY_REQUIRED");
    request.merchant = await authenticateMerchantKey(context.deps, secret);
    await enforceRateLimit(
      context.limiter,
      request,
      reply,
      `merchant-key:${request.merchant.keyId}`,
      context.limits.perKeyPerMinute,
    );
    const needs: ApiKeyScope = request.method === "GET" || request.method === "HEAD" ? "read" : "write";
    if (!request.merchant.scopes.includes(needs))
      throw new KassaError("MERCHANT_KEY_SCOPE", { needs, has: [...request.merchant.scopes] });
  });

  registerProductsList(app, context);
  registerProductsGet(app, context);
  registerProductsCreate(app, context);
  registerProductsUpdate(app, context);
  registerProductsStock(app, context);
  registerMerchantOrdersList(app, context);
  registerMerchantOrdersGet(app, context);
  registerRefundsCreate(app, context);
  registerRefundsList(app, context);
  registerRefundsGet(app, context);
  registerEventsList(app, context);
  registerLedgerAccountsList(app, context);
  registerLedgerEntriesList(app, context);
  registerLedgerTrialBalance(app, context);
  registerReconciliationRunsList(app, context);
  registerReconciliationRunsGet(app, context);
  registerWebhookEndpointsList(app, context);
  registerWebhookEndpointsGet(app, context);
  registerWebhookEndpointsCreate(app, context);
  registerWebhookEndpointsUpdate(app, context);
  registerWebhookEndpointsReplay(app, context);
  registerWebhookDeliveriesList(app, context);
  registerWebhookDeliveriesGet(app, context);
  registerWalletTiersList(app, context);
  registerWalletTiersCreate(app, context);
  registerWalletTiersUpdate(app, context);
  registerWalletBalancesList(app, context);
  registerWalletAdjustmentsCreate(app, context);
  registerBookingRoutes(app, context);
  registerTipRoutes(app, context);
  await app.register(async (bodiless) => {
    takesNoBody(bodiless);
    registerProductsDeactivate(bodiless, context);
    registerProductsActivate(bodiless, context);
    registerReconciliationRunsRerun(bodiless, context);
    registerRefundsRetry(bodiless, context);
    registerRefundsSettleOffline(bodiless, context);
    registerWebhookEndpointsEnable(bodiless, context);
    registerWebhookEndpointsDisable(bodiless, context);
    registerWebhookEndpointsDelete(bodiless, context);
    registerWebhookEndpointsRotateSecret(bodiless, context);
    registerWebhookDeliveriesReplay(bodiless, context);
    registerBodilessBookingRoutes(bodiless, context);
    registerBodilessTipRoutes(bodiless, context);
  });
}
