import { Type } from "typebox";
import { listAppOrders } from "../../app/merchant/orders.ts";
import { KassaError } from "../../domain/errors.ts";
import { CHANNEL_NAMES, type ChannelName } from "../../domain/payment.ts";
import { MerchantOrderPageSchema, MerchantOrdersListQuery, timeOf } from "../merchant/orders.list.ts";
import { limitAsNumber } from "../merchant/schemas.ts";
import { ANY_REQUEST, errorResponses } from "../mini-program/route-errors.ts";
import type { KassaApp } from "../server.ts";
import type { AdminContext } from "./context.ts";
import { operatorSees } from "./plugin.ts";
import { ADMIN_SESSION, AppQuery } from "./schemas.ts";

const merchantQuery = MerchantOrdersListQuery.properties;
const ExactId = (description: string) =>
  Type.Optional(Type.String({ minLength: 1, maxLength: 64, description: `${description} (exact)` }));
export const AdminOrdersListQuery = Type.Object(
  {
    app: AppQuery,
    limit: merchantQuery.limit,
    cursor: merchantQuery.cursor,
    status: merchantQuery.status,
    userId: merchantQuery.userId,
    createdFrom: merchantQuery.createdFrom,
    createdTo: merchantQuery.createdTo,
    orderId: ExactId("Kassa's order id, `ord_…`"),
    outTradeNo: ExactId("A payment's out_trade_no, as the channel's merchant pages show it"),
    transactionId: ExactId(
      "The channel's id of the payment, as on the payer's receipt (WeChat Pay's transaction_id, Alipay's trade_no)",
    ),
    channel: Type.Optional(
      Type.String({
        enum: [...CHANNEL_NAMES],
        description:
          "What pays the order now (its live payment's channel): `wechatpay`, `alipay` or `wallet`",
      }),
    ),
  },
  { additionalProperties: false },
);

/**
 * GET /admin/v1/orders?app=: an app's orders, newest first, for operators who see the app;
 * the console's search (by Kassa's id, out_trade_no, transaction_id, payer, status, channel, time).
 */
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
          ...errorResponses([...ANY_REQUEST, ...ADMIN_SESSION, "APP_NOT_FOUND", "REQUEST_INVALID"]),
        },
      },
      preValidation: limitAsNumber,
    },
    async (request) => {
      const appId = context.deps.apps.named(request.query.app).id;
      // An app the operator may not see answers as one that does not exist (no BOLA oracle).
      if (!operatorSees(request.operator, appId)) throw new KassaError("APP_NOT_FOUND", { app: appId });
      const query = request.query;
      return listAppOrders(context.deps, {
        appId,
        limit: query.limit ?? 20,
        cursor: query.cursor,
        status: query.status,
        userId: query.userId,
        createdFrom: timeOf(query.createdFrom, "createdFrom"),
        createdTo: timeOf(query.createdTo, "createdTo"),
        orderId: query.orderId,
        outTradeNo: query.outTradeNo,
        transactionId: query.transactionId,
        channel: query.channel as ChannelName | undefined, // the schema's enum holds only these
      });
    },
  );
}
