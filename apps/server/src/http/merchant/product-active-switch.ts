import { changeProduct } from "../../app/merchant/catalog.ts";
import { idempotentWrite } from "../../app/merchant/idempotent-write.ts";
import { ANY_REQUEST, BODY_REFUSED, errorResponses, JSON_BODY } from "../mini-program/route-errors.ts";
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
import { ProductIdParams, ProductViewSchema } from "./schemas.ts";

/**
 * The two routes that switch a product on and off for sale (activate.ts, deactivate.ts):
 * the same shape, idempotent write and answer; only the path, the words and the flag differ.
 * No body: register them in a takesNoBody scope.
 */
export function registerProductActiveSwitch(
  app: KassaApp,
  context: MerchantContext,
  route: { verb: "activate" | "deactivate"; active: boolean; summary: string; description: string },
): void {
  app.post(
    `/merchant/v1/products/:productId/${route.verb}`,
    {
      schema: {
        summary: route.summary,
        description: route.description,
        tags: ["merchant"],
        security: [{ merchantKey: [] }],
        params: ProductIdParams,
        headers: IdempotencyHeaders,
        response: {
          200: { ...ProductViewSchema, description: "The product as it is now", headers: REPLAYED_HEADER },
          ...errorResponses(
            [...ANY_REQUEST, ...JSON_BODY, ...MERCHANT_WRITE, "CATALOG_PRODUCT_NOT_FOUND"],
            BODY_REFUSED,
          ),
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
          active: route.active,
        }),
      }));
      return sendWrite(reply, answer);
    },
  );
}
