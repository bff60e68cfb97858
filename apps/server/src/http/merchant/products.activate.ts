import type { KassaApp } from "../server.ts";
import type { MerchantContext } from "./context.ts";
import { registerProductActiveSwitch } from "./product-active-switch.ts";

/** POST /merchant/v1/products/:productId/activate (no body; register it in a takesNoBody scope). */
export function registerProductsActivate(app: KassaApp, context: MerchantContext): void {
  registerProductActiveSwitch(app, context, {
    verb: "activate",
    active: true,
    summary: "Sell a deactivated product again",
    description: "Takes no body.",
  });
}
