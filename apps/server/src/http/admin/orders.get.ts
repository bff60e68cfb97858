import { Type } from "typebox";
import { listLedgerEntries } from "../../app/merchant/ledger.ts";
import { getAppOrder } from "../../app/merchant/orders.ts";
import { appOfOrder } from "../../db/admin-repo.ts";
import { KassaError } from "../../domain/errors.ts";
import { LedgerEntrySchema } from "../merchant/ledger-entries.list.ts";
import { MerchantOrderDetailSchema, OrderIdParams } from "../merchant/schemas.ts";
import { ANY_REQUEST, errorResponses } from "../mini-program/route-errors.ts";
import type { KassaApp } from "../server.ts";
import type { AdminContext } from "./context.ts";
import { operatorSees } from "./plugin.ts";
import { ADMIN_SESSION } from "./schemas.ts";

/** An order's ledger entries fit one page: one per capture, refund or wallet movement. */
const LEDGER_ENTRIES_SHOWN = 100;

export const AdminOrderDetailSchema = Type.Object({
  ...MerchantOrderDetailSchema.properties,
  appId: Type.String({
    description: "The app the order belongs to (the console's refunds of it are asked of this app)",
  }),
  ledgerEntries: Type.Array(LedgerEntrySchema, {
    description: "The order's entries in the books, oldest first (docs/ledger.md)",
  }),
});

/** GET /admin/v1/orders/:orderId: one order with its payments, timeline and ledger entries, in any app the operator sees. */
export function registerAdminOrdersGet(app: KassaApp, context: AdminContext): void {
  app.get(
    "/admin/v1/orders/:orderId",
    {
      config: { permission: "orders.read" },
      schema: {
        summary: "Read one order, with its payments, timeline and ledger entries",
        tags: ["admin"],
        security: [{ adminSession: [] }],
        params: OrderIdParams,
        response: {
          200: AdminOrderDetailSchema,
          ...errorResponses([...ANY_REQUEST, ...ADMIN_SESSION, "ORDER_NOT_FOUND"]),
        },
      },
    },
    async (request) => {
      const appId = await appOfOrder(context.deps.db, request.params.orderId);
      // Another app's order answers as an unknown one (BOLA: no oracle of what exists).
      if (!appId || !operatorSees(request.operator, appId)) throw new KassaError("ORDER_NOT_FOUND");
      const orderId = request.params.orderId;
      const [order, ledger] = await Promise.all([
        getAppOrder(context.deps, { appId, orderId }),
        listLedgerEntries(context.deps, { appId, orderId, limit: LEDGER_ENTRIES_SHOWN, after: undefined }),
      ]);
      return { ...order, appId, ledgerEntries: ledger.data };
    },
  );
}
