import { Type } from "typebox";
import { listAppOrders } from "../../app/merchant/orders.ts";
import { KassaError } from "../../domain/errors.ts";
import { MerchantOrderPageSchema, MerchantOrdersListQuery } from "../merchant/orders.list.ts";
import { limitAsNumber } from "../merchant/schemas.ts";
import { ANY_REQUEST, errorResponses } from "../mini-program/route-errors.ts";
import type { KassaApp } from "../server.ts";
import type { AdminContext } from "./context.ts";
import { operatorSees } from "./plugin.ts";
import { ADMIN_SESSION, AppQuery } from "./schemas.ts";

const merchantQuery = MerchantOrdersListQuery.properties;
export const AdminOrdersListQuery = Type.Object(
  {
    app: AppQuery,
    limit: merchantQuery.limit,
    cursor: merchantQuery.cursor,
    status: merchantQuery.status,
    userId: merchantQuery.userId,
  },
  { additionalProperties: false },
);

/** GET /admin/v1/orders?app=: an app's orders, newest first, for operators who see the app. */
export function registerAdminOrdersList(app: KassaApp, context: AdminContext): void {
  app.get(
    "/admin/v1/orders",
    {
      config: { permission: "orders.read" },
      schema: {
        summary: "List an app's orders",
        tags: ["admin"],
        security: [{ adminSession: [] }],
        querystring: AdminOrdersListQuery,
        response: {
          200: MerchantOrderPageSchema,
          ...errorResponses([...ANY_REQUEST, ...ADMIN_SESSION, "APP_NOT_FOUND"]),
        },
      },
      preValidation: limitAsNumber,
    },
    async (request) => {
      const appId = context.deps.apps.named(request.query.app).id;
      // An app the operator may not see answers as one that does not exist (no BOLA oracle).
      if (!operatorSees(request.operator, appId)) throw new KassaError("APP_NOT_FOUND", { app: appId });
      return listAppOrders(context.deps, {
        appId,
        limit: request.query.limit ?? 20,
        cursor: request.query.cursor,
        status: request.query.status,
        userId: request.query.userId,
      });
    },
  );
}
