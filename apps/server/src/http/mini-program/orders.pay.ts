import { Type } from "typebox";
import { payOrder } from "../../app/pay-order.ts";
import { recordRiskSignal } from "../../app/risk/risk-monitor.ts";
import type { PaymentPayload, RequestPaymentParams } from "../../channels/payment-payload.ts";
import { KassaError } from "../../domain/errors.ts";
import type { KassaApp } from "../server.ts";
import type { MiniProgramContext } from "./context.ts";
import { REQUEST_PAYMENT_EXAMPLE, TRADE_PAY_EXAMPLE } from "./examples.ts";
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

/** Exactly what Alipay's `my.tradePay` takes (reference A.2): the trade_no, as `tradeNO`. */
export const TradePaySchema = Type.Object(
  {
    tradeNO: Type.String({
      description: "Pass it as my.tradePay({ tradeNO }); its resultCode is only a hint, poll the order",
    }),
  },
  { additionalProperties: false },
);

/** What the pay call answers: the object the mini program's own pay call takes, as is. */
export const PayCallSchema = Type.Union([RequestPaymentSchema, TradePaySchema]);

/** POST /v1/orders/:id/pay: prepay, or reuse the valid prepay (product.md step 3). */
export function registerOrdersPay(app: KassaApp, context: MiniProgramContext): void {
  app.post(
    "/v1/orders/:id/pay",
    {
      schema: {
        summary: "Get the parameters of the mini program's pay call for an order",
        description:
          "Prepays at the channel the payer logged in with, or reuses the still-valid prepay: calling it again is safe. A WeChat payer gets the wx.requestPayment parameters (pass all but `appId`); an Alipay payer gets `{ tradeNO }` for my.tradePay. Takes no body.",
        tags: ["orders"],
        params: OrderIdParams,
        response: {
          200: documented(PayCallSchema, "The wx.requestPayment parameters, or my.tradePay's", {
            "wx.requestPayment parameters": REQUEST_PAYMENT_EXAMPLE,
            "my.tradePay parameters": TRADE_PAY_EXAMPLE,
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
        return payCallOf(
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
 * The answer is exactly the object the mini program passes to its platform's pay call
 * (docs/api.md): wx.requestPayment's for WeChat Pay, unchanged since before Alipay, and
 * my.tradePay's for Alipay.
 */
function payCallOf(payload: PaymentPayload): RequestPaymentParams | { tradeNO: string } {
  switch (payload.channel) {
    case "wechatpay":
      return payload.requestPayment;
    case "alipay":
      return { tradeNO: payload.tradeNO };
  }
}
