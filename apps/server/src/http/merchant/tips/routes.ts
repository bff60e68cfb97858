import type { KassaApp } from "../../server.ts";
import type { MerchantContext } from "../context.ts";
import { registerTipRecipientActivation } from "./activation.ts";
import { registerTipPayouts } from "./payouts.ts";
import { registerTipRecipients } from "./recipients.ts";

/**
 * The merchant API's tipping routes (issue 10, "Tipping"): recipients and their rules, their
 * tips and balances, payouts. Registered by the merchant plugin in two scopes: routes with a
 * body, and those that take none.
 */
export function registerTipRoutes(app: KassaApp, context: MerchantContext): void {
  registerTipRecipients(app, context);
  registerTipPayouts(app, context);
}

export function registerBodilessTipRoutes(app: KassaApp, context: MerchantContext): void {
  registerTipRecipientActivation(app, context);
}
