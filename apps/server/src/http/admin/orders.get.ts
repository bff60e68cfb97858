import { getAppOrder } from "../../app/merchant/orders.ts";
import { appOfOrder } from "../../db/admin-repo.ts";
import { KassaError } from "../../domain/errors.ts";
import { MerchantOrderDetailSchema, OrderIdParams } from "../merchant/schemas.ts";
import { ANY_REQUEST, errorResponses } from "../mini-program/route-errors.ts";
import type { KassaApp } from "../server.ts";
import type { AdminContext } from "./context.ts";
import { operatorSees } from "./plugin.ts";
import { ADMIN_SESSION } from "./schemas.ts";

/** GET /admin/v1/orders/:orderId: one order with its payments and timeline, in any app the operator sees. */
export function registerAdminOrdersGet(app: KassaApp, context: AdminContext): void {
  app.get(
    "/admin/v1/orders/:orderId",
    {
      config: { permission: "orders.read" },
      schema: {
        summary: "Read one order, with its payments and timeline",
        tags: ["admin"],
        security: [{ adminSession: [] }],
        params: OrderIdParams,
        response: {
          200: MerchantOrderDetailSchema,
          ...errorResponses([...ANY_REQUEST, ...ADMIN_SESSION, "ORDER_NOT_FOUND"]),
        },
      },
    },
    async (request) => {
      const appId = await appOfOrder(context.deps.db, request.params.orderId);
      // Another app's order answers as an unknown one (BOLA: no oracle of what exists).
      if (!appId || !operatorSees(request.operator, appId)) throw new KassaError("ORDER_NOT_FOUND");
      return getAppOrder(context.deps, { appId, orderId: request.params.orderId });
    },
  );
}
