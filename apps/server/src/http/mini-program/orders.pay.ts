import { Type } from "typebox";
import { payOrder } from "../../app/pay-order.ts";
import { recordRiskSignal } from "../../app/risk/risk-monitor.ts";
import type { PaymentPayload, RequestPaymentParams } from "../../channels/payment-payload.ts";
import { KassaError } from "../../domain/errors.ts";
import type { KassaApp } from "../server.ts";
import type { MiniProgramContext } from "./context.ts";
import { REQUEST_PAYMENT_EXAMPLE } from "./examples.ts";
import { refuseIfThrottled } from "./risk-guard.ts";
import { ANY_REQUEST, BODY_REFUSED, errorResponses, JSON_BODY, SESSION } from "./route-errors.ts";
import { documented, OrderIdParams } from "./schemas.ts";

/** Exactly what `wx.requestPayment` takes (reference §7.1), plus appId for convenience. */
export const RequestPaymentSchema = Type.Object({
  appId: Type.String(),
  timeStamp: Type.String(),
  nonceStr: Type.String(),
  package: Type.String(),
  signType: Type.Literal("RSA"),
  paySign: Type.String(),
});

/** POST /v1/orders/:id/pay: prepay, or reuse the valid prepay (product.md step 3). */
export function registerOrdersPay(app: KassaApp, context: MiniProgramContext): void {
  app.post(
    "/v1/orders/:id/pay",
    {
      schema: {
        summary: "Get the wx.requestPayment parameters for an order",
        description:
          "Prepays at WeChat Pay, or reuses the still-valid prepay: calling it again is safe. Pass all but `appId` to wx.requestPayment. Takes no body.",
        tags: ["orders"],
        params: OrderIdParams,
        response: {
          200: documented(RequestPaymentSchema, "The wx.requestPayment parameters", {
            "wx.requestPayment parameters": REQUEST_PAYMENT_EXAMPLE,
          }),
          ...errorResponses(
            [
              ...ANY_REQUEST,
              ...JSON_BODY,
              ...SESSION,
              "ORDER_NOT_FOUND",
              "ORDER_NOT_PAYABLE",
              "CHANNEL_UNAVAILABLE",
              "CHANNEL_OUTCOME_UNKNOWN",
              "CHANNEL_REJECTED",
              "RISK_THROTTLED",
            ],
            BODY_REFUSED,
          ),
        },
      },
    },
    async (request, reply) => {
      await refuseIfThrottled(context, request, reply);
      try {
        return requestPaymentOf(
          await payOrder(context.deps, { userId: request.userId, orderId: request.params.id }),
        );
      } catch (error) {
        // The channel refused to take the payment: a failed attempt for the risk rules.
        if (error instanceof KassaError && error.code === "CHANNEL_REJECTED")
          await recordRiskSignal(context.deps, "pay_failed", {
            appId: request.appId,
            user: request.userId,
            address: request.ip,
          });
        throw error;
      }
    },
  );
}

/**
 * The answer stays exactly the wx.requestPayment object (docs/api.md). Only WeChat Pay can
 * be behind this endpoint today; another channel's payload reaching it is a bug, until the
 * API says which channel it answers for (issue 14).
 */
function requestPaymentOf(payload: PaymentPayload): RequestPaymentParams {
  switch (payload.channel) {
    case "wechatpay":
      return payload.requestPayment;
    case "alipay":
      throw new Error(`POST /v1/orders/:id/pay cannot answer a ${payload.channel} payload yet`);
  }
}
