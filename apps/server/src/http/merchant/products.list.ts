import { Type } from "typebox";
import { listProducts } from "../../app/merchant/catalog.ts";
import { ANY_REQUEST, errorResponses } from "../mini-program/route-errors.ts";
import type { KassaApp } from "../server.ts";
import type { MerchantContext } from "./context.ts";
import { MERCHANT_KEY } from "./route-errors.ts";
import { limitAsNumber, PageCursor, PageLimit, ProductViewSchema } from "./schemas.ts";

export const ProductsListQuery = Type.Object(
  { limit: PageLimit, cursor: PageCursor },
  { additionalProperties: false },
);

export const ProductPageSchema = Type.Object({
  data: Type.Array(ProductViewSchema, { description: "Oldest first, active and inactive" }),
  nextCursor: Type.Union([Type.String(), Type.Null()], { description: "null on the last page" }),
});

/** GET /merchant/v1/products: the app's whole catalog, inactive products too. */
export function registerProductsList(app: KassaApp, context: MerchantContext): void {
  app.get(
    "/merchant/v1/products",
    {
      schema: {
        summary: "List your products",
        tags: ["merchant"],
        security: [{ merchantKey: [] }],
        querystring: ProductsListQuery,
        response: {
          200: ProductPageSchema,
          ...errorResponses([...ANY_REQUEST, ...MERCHANT_KEY, "MERCHANT_KEY_SCOPE", "REQUEST_INVALID"]),
        },
      },
      preValidation: limitAsNumber,
    },
    async (request) =>
      listProducts(context.deps, {
        appId: request.merchant.appId,
        limit: request.query.limit ?? 20,
        cursor: request.query.cursor,
      }),
  );
}
