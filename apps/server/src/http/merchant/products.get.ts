import { getProduct } from "../../app/merchant/catalog.ts";
import { ANY_REQUEST, errorResponses } from "../mini-program/route-errors.ts";
import type { KassaApp } from "../server.ts";
import type { MerchantContext } from "./context.ts";
import { MERCHANT_KEY } from "./route-errors.ts";
import { ProductIdParams, ProductViewSchema } from "./schemas.ts";

/** GET /merchant/v1/products/:productId */
export function registerProductsGet(app: KassaApp, context: MerchantContext): void {
  app.get(
    "/merchant/v1/products/:productId",
    {
      schema: {
        summary: "Read one product, with its stock",
        tags: ["merchant"],
        security: [{ merchantKey: [] }],
        params: ProductIdParams,
        response: {
          200: ProductViewSchema,
          ...errorResponses([
            ...ANY_REQUEST,
            ...MERCHANT_KEY,
            "MERCHANT_KEY_SCOPE",
            "CATALOG_PRODUCT_NOT_FOUND",
          ]),
        },
      },
    },
    async (request) => getProduct(context.deps, request.merchant.appId, request.params.productId),
  );
}
