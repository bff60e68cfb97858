import { createTip, getTip, listRecipientsForPayer } from "../../../app/tip/create-tip.ts";
import { limitAsNumber } from "../../merchant/schemas.ts";
import type { KassaApp } from "../../server.ts";
import type { MiniProgramContext } from "../context.ts";
import { idempotencyHeaderErrorFormatter, OrdersCreateHeaders } from "../orders.create.ts";
import { ANY_REQUEST, errorResponses, JSON_BODY, SESSION } from "../route-errors.ts";
import { documented } from "../schemas.ts";
import {
  RECIPIENT_EXAMPLE,
  RecipientsPageSchema,
  RecipientsQuery,
  TIPPED_ORDER_EXAMPLE,
  TipCreateBody,
  TipIdParams,
  TippedOrderSchema,
} from "./schemas.ts";

/**
 * The mini program's tipping routes (issue 10, "Tipping"), behind the session hook: the
 * recipients with their rules, tip, read a tip. Paying a tip is paying its order
 * (POST /v1/orders/:id/pay or /pay-from-wallet); cancelling an unpaid one is cancelling its order.
 */
export function registerTipRoutes(app: KassaApp, context: MiniProgramContext): void {
  app.get(
    "/v1/tip-recipients",
    {
      schema: {
        summary: "List whom you can tip, with their rules and what is left of your daily cap",
        tags: ["tips"],
        querystring: RecipientsQuery,
        response: {
          200: documented(RecipientsPageSchema, "Recipients taking tips now", {
            "one recipient": { data: [RECIPIENT_EXAMPLE], nextCursor: null },
          }),
          ...errorResponses([...ANY_REQUEST, ...SESSION, "REQUEST_INVALID"]),
        },
      },
      preValidation: limitAsNumber,
    },
    async (request) =>
      listRecipientsForPayer(context.deps, {
        appId: request.appId,
        userId: request.userId,
        limit: request.query.limit ?? 20,
        cursor: request.query.cursor,
      }),
  );

  app.post(
    "/v1/tips",
    {
      schema: {
        summary: "Tip a recipient an amount you choose, with an optional message",
        description:
          "Makes an order of kind `tip` for `amountFen`, which Kassa checks against the recipient's rules: within `minFen` and `maxFen`, and within what is left of its daily cap for you (pending tips count until they close). Pay it as any order (POST /v1/orders/{id}/pay, or /pay-from-wallet). The message is kept as plain text.",
        tags: ["tips"],
        headers: OrdersCreateHeaders,
        body: TipCreateBody,
        response: {
          201: documented(TippedOrderSchema, "The tip's order, PENDING", {
            "a preset": TIPPED_ORDER_EXAMPLE,
          }),
          ...errorResponses(
            [
              ...ANY_REQUEST,
              ...JSON_BODY,
              ...SESSION,
              "TIP_RECIPIENT_NOT_FOUND",
              "TIP_RECIPIENT_INACTIVE",
              "TIP_AMOUNT_BELOW_MINIMUM",
              "TIP_AMOUNT_ABOVE_MAXIMUM",
              "TIP_DAILY_CAP_REACHED",
              "TIP_MESSAGE_INVALID",
              "ORDER_LIMIT_REACHED",
              "IDEMPOTENCY_KEY_INVALID",
              "IDEMPOTENCY_KEY_REUSED",
              "IDEMPOTENCY_KEY_IN_PROGRESS",
            ],
            {
              TIP_AMOUNT_BELOW_MINIMUM: { minFen: 100, maxFen: 20000 },
              TIP_AMOUNT_ABOVE_MAXIMUM: { minFen: 100, maxFen: 20000 },
              TIP_DAILY_CAP_REACHED: { dailyCapFen: 50000, tippedTodayFen: 45000, leftTodayFen: 5000 },
              TIP_MESSAGE_INVALID: { reason: "at most 140 characters" },
            },
          ),
        },
      },
      schemaErrorFormatter: idempotencyHeaderErrorFormatter,
    },
    async (request, reply) => {
      const result = await createTip(context.deps, {
        appId: request.appId,
        userId: request.userId,
        recipientId: request.body.recipientId,
        amountFen: request.body.amountFen,
        message: request.body.message,
        idempotencyKey: request.headers["idempotency-key"],
      });
      if (result.replayed) reply.header("idempotent-replayed", "true");
      return reply.status(201).send(result.order);
    },
  );

  app.get(
    "/v1/tips/:id",
    {
      schema: {
        summary: "Get your tip and its order",
        tags: ["tips"],
        params: TipIdParams,
        response: {
          200: documented(TippedOrderSchema, "The tip and its order", { pending: TIPPED_ORDER_EXAMPLE }),
          ...errorResponses([...ANY_REQUEST, ...SESSION, "ORDER_NOT_FOUND"]),
        },
      },
    },
    async (request) => getTip(context.deps, { userId: request.userId, orderId: request.params.id }),
  );
}
