import { rfc3339Beijing, type WechatPayClient, WechatPayError } from "@kassa/wechatpay";
import type { Clock } from "../domain/clock.ts";
import { ChannelNotificationRejected } from "./channel-error.ts";
import type { PaymentChannel } from "./payment-channel.ts";
import { toChannelError, wechatCodeOf } from "./wechatpay-errors.ts";
import { eventOf, refundOf, stateOf } from "./wechatpay-mapping.ts";
import { wechatPayStatement } from "./wechatpay-statement.ts";

/** §5.1: a prepay_id lives 2 hours; stop handing it out 10 minutes before. */
const PREPAY_REUSE_MS = 110 * 60_000;

/**
 * The PaymentChannel port over `@kassa/wechatpay`: the same code talks to WeChat Pay or to
 * the simulator, only the client's base URL differs. It translates WeChat's vocabulary
 * (trade_state, refund status, error families, bills) into ours and nothing else; retries,
 * verification and unknown outcomes are the client's job (reference §5.8).
 */
export function wechatPayChannel(client: WechatPayClient, options: { clock: Clock }): PaymentChannel {
  const { clock } = options;
  return {
    name: "wechatpay",

    async prepay(input) {
      try {
        const { prepay_id } = await client.jsapi.prepay({
          description: input.description,
          out_trade_no: input.outTradeNo,
          // The same instant on every call: changed parameters would be OUT_TRADE_NO_USED (§5.1).
          time_expire: rfc3339Beijing(input.expiresAt),
          notify_url: input.notifyUrl,
          amount: { total: input.amountFen, currency: "CNY" },
          payer: { openid: input.payerId },
        });
        return { reference: prepay_id, reusableUntil: clock.now() + PREPAY_REUSE_MS };
      } catch (error) {
        throw toChannelError(error, "write");
      }
    },

    // §7.1: signed here with the merchant key, no call to WeChat Pay; a fresh timeStamp each time.
    payload: async (prepayId) => ({
      channel: "wechatpay",
      requestPayment: await client.requestPayment(prepayId),
    }),

    async query(outTradeNo) {
      try {
        return stateOf(await client.transactions.queryByOutTradeNo(outTradeNo), clock.now());
      } catch (error) {
        if (wechatCodeOf(error) === "ORDER_NOT_EXIST") return { state: "not_found" };
        throw toChannelError(error, "read");
      }
    },

    async close(outTradeNo) {
      try {
        await client.transactions.close(outTradeNo); // §5.3: 204 also when repeated or unknown
      } catch (error) {
        throw toChannelError(error, "write");
      }
    },

    async refund(input) {
      try {
        const refund = await client.refunds.create({
          out_trade_no: input.outTradeNo,
          out_refund_no: input.outRefundNo,
          ...(input.reason === undefined ? {} : { reason: input.reason }),
          notify_url: input.notifyUrl,
          // §5.4: amount.total must equal the order's total; the sum of refunds must not exceed it.
          amount: { refund: input.amountFen, total: input.paidFen, currency: "CNY" },
        });
        return refundOf(refund);
      } catch (error) {
        throw toChannelError(error, "write");
      }
    },

    async queryRefund({ outRefundNo }) {
      try {
        return { state: "found", refund: refundOf(await client.refunds.queryByOutRefundNo(outRefundNo)) };
      } catch (error) {
        // §5.8: the refund APIs say RESOURCE_NOT_EXISTS where payments say ORDER_NOT_EXIST.
        if (wechatCodeOf(error) === "RESOURCE_NOT_EXISTS") return { state: "not_found" };
        throw toChannelError(error, "read");
      }
    },

    async parseNotification(headers, rawBody) {
      let notification: Awaited<ReturnType<WechatPayClient["notifications"]["parse"]>>;
      try {
        notification = await client.notifications.parse(headers, rawBody);
      } catch (error) {
        if (error instanceof WechatPayError) {
          throw new ChannelNotificationRejected(error.code, error.code === "VERIFY_SIGNATURE_PROBE", error);
        }
        throw error;
      }
      return eventOf(notification, clock.now());
    },

    statement: (day) => wechatPayStatement(client, day),
  };
}
