import { Type } from "typebox";
import { changeProduct } from "../../app/merchant/catalog.ts";
import { idempotentWrite } from "../../app/merchant/idempotent-write.ts";
import { ANY_REQUEST, errorResponses, JSON_BODY } from "../mini-program/route-errors.ts";
import type { KassaApp } from "../server.ts";
import type { MerchantContext } from "./context.ts";
import {
  IdempotencyHeaders,
  idempotencyErrorFormatter,
  REPLAYED_HEADER,
  sendWrite,
  writeOf,
} from "./idempotency.ts";
import { PriceFen, ProductName } from "./products.create.ts";
import { MERCHANT_WRITE } from "./route-errors.ts";
import { ProductIdParams, ProductViewSchema } from "./schemas.ts";

export const ProductsUpdateBody = Type.Object(
  { name: Type.Optional(ProductName), priceFen: Type.Optional(PriceFen) },
  { additionalProperties: false, minProperties: 1, examples: [{ priceFen: 1500 }] },
);

/** POST /merchant/v1/products/:productId: name and price; orders already made keep their prices. */
export function registerProductsUpdate(app: KassaApp, context: MerchantContext): void {
  app.post(
    "/merchant/v1/products/:productId",
    {
      schema: {
        summary: "Change a product's name or price",
        description:
          "Orders already made keep the name and price of their lines; only new orders use the new ones.",
        tags: ["merchant"],
        security: [{ merchantKey: [] }],
        params: ProductIdParams,
        headers: IdempotencyHeaders,
        body: ProductsUpdateBody,
        response: {
          200: { ...ProductViewSchema, description: "The product as it is now", headers: REPLAYED_HEADER },
          ...errorResponses([...ANY_REQUEST, ...JSON_BODY, ...MERCHANT_WRITE, "CATALOG_PRODUCT_NOT_FOUND"]),
        },
      },
      schemaErrorFormatter: idempotencyErrorFormatter,
    },
    async (request, reply) => {
      const answer = await idempotentWrite(context.deps, writeOf(request), async (trx) => ({
        status: 200,
        body: await changeProduct(trx, {
          appId: request.merchant.appId,
          productId: request.params.productId,
          name: request.body.name,
          priceFen: request.body.priceFen,
        }),
      }));
      return sendWrite(reply, answer);
    },
  );
}
