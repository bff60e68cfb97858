import { Type } from "typebox";
import { createProduct } from "../../app/merchant/catalog.ts";
import { idempotentWrite } from "../../app/merchant/idempotent-write.ts";
import { MAX_ORDER_FEN } from "../../domain/money.ts";
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
import { MERCHANT_WRITE } from "./route-errors.ts";
import { ProductViewSchema } from "./schemas.ts";

export const MAX_STOCK = 1_000_000_000;

export const ProductName = Type.String({
  minLength: 1,
  maxLength: 100,
  pattern: "^\\P{C}+$",
  description: "1-100 characters; the payer's WeChat bill shows it",
});

export const PriceFen = Type.Integer({
  minimum: 1,
  maximum: MAX_ORDER_FEN,
  description: "Integer fen (1 = ¥0.01), 1 to 1,000,000,000",
});

export const ProductsCreateBody = Type.Object(
  {
    id: Type.Optional(
      Type.String({
        pattern: "^prd_[0-9A-Za-z_-]{1,60}$",
        description: "Optional: `prd_` and 1-60 of [0-9A-Za-z_-], unique; Kassa makes one when left out",
      }),
    ),
    name: ProductName,
    priceFen: PriceFen,
    stock: Type.Optional(Type.Integer({ minimum: 0, maximum: MAX_STOCK, description: "0 by default" })),
    active: Type.Optional(Type.Boolean({ description: "true by default" })),
  },
  {
    additionalProperties: false,
    examples: [{ id: "prd_pu_erh", name: "普洱茶 Pu-erh", priceFen: 3200, stock: 50 }],
  },
);

/** POST /merchant/v1/products */
export function registerProductsCreate(app: KassaApp, context: MerchantContext): void {
  app.post(
    "/merchant/v1/products",
    {
      schema: {
        summary: "Add a product",
        tags: ["merchant"],
        security: [{ merchantKey: [] }],
        headers: IdempotencyHeaders,
        body: ProductsCreateBody,
        response: {
          201: { ...ProductViewSchema, description: "The new product", headers: REPLAYED_HEADER },
          ...errorResponses([...ANY_REQUEST, ...JSON_BODY, ...MERCHANT_WRITE, "PRODUCT_ID_TAKEN"], {
            PRODUCT_ID_TAKEN: { productId: "prd_pu_erh" },
          }),
        },
      },
      schemaErrorFormatter: idempotencyErrorFormatter,
    },
    async (request, reply) => {
      const body = request.body;
      const answer = await idempotentWrite(context.deps, writeOf(request), async (trx) => ({
        status: 201,
        body: await createProduct(context.deps, trx, {
          appId: request.merchant.appId,
          id: body.id,
          name: body.name,
          priceFen: body.priceFen,
          stock: body.stock ?? 0,
          active: body.active ?? true,
        }),
      }));
      return sendWrite(reply, answer);
    },
  );
}
