import { Type } from "typebox";
import { changeStock } from "../../app/merchant/catalog.ts";
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
import { MAX_STOCK } from "./products.create.ts";
import { MERCHANT_WRITE } from "./route-errors.ts";
import { ProductIdParams, ProductViewSchema } from "./schemas.ts";

export const StockBody = Type.Union(
  [
    Type.Object(
      { stock: Type.Integer({ minimum: 0, maximum: MAX_STOCK, description: "Set the stock to this" }) },
      { additionalProperties: false },
    ),
    Type.Object(
      {
        adjust: Type.Integer({
          minimum: -MAX_STOCK,
          maximum: MAX_STOCK,
          description: "Add this (negative takes away), atomically; refused if it would go below zero",
        }),
      },
      { additionalProperties: false },
    ),
  ],
  { description: "Either `stock` or `adjust`", examples: [{ adjust: -3 }, { stock: 100 }] },
);

/** POST /merchant/v1/products/:productId/stock: set it, or adjust it without losing a concurrent change. */
export function registerProductsStock(app: KassaApp, context: MerchantContext): void {
  app.post(
    "/merchant/v1/products/:productId/stock",
    {
      schema: {
        summary: "Set or adjust a product's stock",
        description:
          '`{"adjust": -3}` adds to the stock the database holds in one statement, so concurrent adjusts (two warehouses, a sale) never overwrite each other; `{"stock": 100}` sets it, for a stock count. Stock is what can still be sold: units held by unpaid orders are already taken out, and come back if those orders close.',
        tags: ["merchant"],
        security: [{ merchantKey: [] }],
        params: ProductIdParams,
        headers: IdempotencyHeaders,
        body: StockBody,
        response: {
          200: {
            ...ProductViewSchema,
            description: "The product with its new stock",
            headers: REPLAYED_HEADER,
          },
          ...errorResponses(
            [
              ...ANY_REQUEST,
              ...JSON_BODY,
              ...MERCHANT_WRITE,
              "CATALOG_PRODUCT_NOT_FOUND",
              "PRODUCT_STOCK_TOO_LOW",
            ],
            { PRODUCT_STOCK_TOO_LOW: { productId: "prd_mooncake", stock: 2, adjust: -3 } },
          ),
        },
      },
      schemaErrorFormatter: idempotencyErrorFormatter,
    },
    async (request, reply) => {
      const target = { appId: request.merchant.appId, productId: request.params.productId };
      const body = request.body;
      const answer = await idempotentWrite(context.deps, writeOf(request), async (trx) => ({
        status: 200,
        body: await changeStock(
          trx,
          "stock" in body ? { ...target, stock: body.stock } : { ...target, adjust: body.adjust },
        ),
      }));
      return sendWrite(reply, answer);
    },
  );
}
