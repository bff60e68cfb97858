import type { KassaApp } from "../server.ts";
import type { MerchantContext } from "./context.ts";
import { registerProductActiveSwitch } from "./product-active-switch.ts";

/** POST /merchant/v1/products/:productId/deactivate (no body; register it in a takesNoBody scope). */
export function registerProductsDeactivate(app: KassaApp, context: MerchantContext): void {
  registerProductActiveSwitch(app, context, {
    verb: "deactivate",
    active: false,
    summary: "Stop selling a product",
    description:
      "It leaves the catalog and new orders refuse it (PRODUCT_NOT_FOUND); orders already made are not touched. Takes no body.",
  });
}
