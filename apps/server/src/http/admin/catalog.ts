import { Type } from "typebox";
import { audit } from "../../app/admin/audit.ts";
import { changeProduct, changeStock, getProduct, listProducts } from "../../app/merchant/catalog.ts";
import { listMerchantTiers } from "../../app/merchant/wallet.ts";
import { inTransaction } from "../../db/transaction.ts";
import { MAX_STOCK, PriceFen } from "../merchant/products.create.ts";
import { ProductIdParams, ProductViewSchema } from "../merchant/schemas.ts";
import { MerchantTiersResponse } from "../merchant/wallet-tiers.list.ts";
import { ANY_REQUEST, errorResponses, JSON_BODY } from "../mini-program/route-errors.ts";
import type { KassaApp } from "../server.ts";
import type { AdminContext } from "./context.ts";
import { adminPagedRead } from "./paged-read.ts";
import { appOfRequest } from "./plugin.ts";
import { ADMIN_CHANGE, ADMIN_SESSION, AppOnlyQuery } from "./schemas.ts";

const ProductEditBody = Type.Object(
  {
    priceFen: Type.Optional(PriceFen),
    stock: Type.Optional(
      Type.Integer({
        minimum: 0,
        maximum: MAX_STOCK,
        description: "Set the stock to this: a count of what is on the shelf, not held by unpaid orders",
      }),
    ),
  },
  { additionalProperties: false, minProperties: 1, examples: [{ stock: 40 }, { priceFen: 1500 }] },
);

/**
 * The console's catalog page (issue 12): an app's products with their prices and stock, and
 * its top-up tiers, for every role (what payers see in the mini program); a product's price
 * and stock changed by an admin through the merchant API's own catalog writes
 * (app/merchant/catalog.ts), audited with before and after in the same transaction.
 */
export function registerAdminCatalog(app: KassaApp, context: AdminContext): void {
  const deps = context.deps;
  adminPagedRead(app, context, {
    url: "/admin/v1/products",
    permission: "catalog.read",
    summary: "List an app's products, with their prices and stock",
    response: Type.Object({
      data: Type.Array(ProductViewSchema),
      nextCursor: Type.Union([Type.String(), Type.Null()]),
    }),
    read: ({ appId, limit, cursor }) => listProducts(deps, { appId, limit, cursor }),
  });
  app.get(
    "/admin/v1/wallet-tiers",
    {
      config: { permission: "catalog.read" },
      schema: {
        summary: "List an app's top-up tiers",
        description: "Not paged: an app has a handful (db/wallet-tiers-repo.ts), by amount.",
        tags: ["admin"],
        security: [{ adminSession: [] }],
        querystring: AppOnlyQuery,
        response: {
          200: MerchantTiersResponse,
          ...errorResponses([...ANY_REQUEST, ...ADMIN_SESSION, "APP_NOT_FOUND", "REQUEST_INVALID"]),
        },
      },
    },
    async (request) => listMerchantTiers(deps, appOfRequest(context, request.operator, request.query.app)),
  );
  app.post(
    "/admin/v1/products/:productId",
    {
      config: { permission: "catalog.edit" },
      schema: {
        summary: "Change a product's price or stock",
        description:
          "Orders already made keep their prices; stock is set, as a stock count sets it (units held by unpaid orders are not part of it). Audited with the values before and after.",
        tags: ["admin"],
        security: [{ adminSession: [] }],
        params: ProductIdParams,
        querystring: AppOnlyQuery,
        body: ProductEditBody,
        response: {
          200: { ...ProductViewSchema, description: "The product as it is now" },
          ...errorResponses([
            ...ANY_REQUEST,
            ...JSON_BODY,
            ...ADMIN_CHANGE,
            "APP_NOT_FOUND",
            "CATALOG_PRODUCT_NOT_FOUND",
          ]),
        },
      },
    },
    async (request) => {
      const appId = appOfRequest(context, request.operator, request.query.app);
      const { productId } = request.params;
      const { priceFen, stock } = request.body;
      return inTransaction(deps.db, async (trx) => {
        const before = await getProduct({ ...deps, db: trx }, appId, productId);
        let after = before;
        if (priceFen !== undefined) after = await changeProduct(trx, { appId, productId, priceFen });
        if (stock !== undefined) after = await changeStock(trx, { appId, productId, stock });
        await audit(
          { ...deps, db: trx },
          { operator: request.operator, address: request.ip },
          {
            action: "product.update",
            objectType: "product",
            objectId: productId,
            appId,
            before: { priceFen: before.priceFen, stock: before.stock },
            after: { priceFen: after.priceFen, stock: after.stock },
          },
        );
        return after;
      });
    },
  );
}
