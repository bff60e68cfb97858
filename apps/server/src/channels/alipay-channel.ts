import { type AlipayClient, AlipayError, beijingTimestamp } from "@kassa/alipay";
import type { Clock } from "../domain/clock.ts";
import { alipayCodeOf, toChannelError } from "./alipay-errors.ts";
import {
  type AlipayAccount,
  alipayRefundId,
  eventOf,
  refundNamedBy,
  refundOf,
  stateOf,
} from "./alipay-mapping.ts";
import { alipayStatement } from "./alipay-statement.ts";
import { ChannelError, ChannelNotificationRejected } from "./channel-error.ts";
import type { ChannelOrderState, ChannelRefund, PaymentChannel } from "./payment-channel.ts";

/** A.1 `buyer_id`: the legacy 16-digit user id; anything else a login gave us is an open_id. */
const LEGACY_USER_ID = /^2088[0-9]{12}$/;

/** A trade that ended (paid, closed) refuses to be created again under its out_trade_no. */
const CLOSE_DONE = new Set(["ACQ.TRADE_NOT_EXIST", "ACQ.TRADE_HAS_CLOSE", "ACQ.TRADE_STATUS_ERROR"]);

/**
 * The PaymentChannel port over `@kassa/alipay` (reference Part A): the same code talks to
 * Alipay or to the simulator, only the gateway URL differs. Alipay's trade exists as soon as
 * `alipay.trade.create` answers (A.0), so its `trade_no` is the reference the mini program
 * hands to `my.tradePay({ tradeNO })` (A.2) until the trade expires. Refunds are answered at
 * once (A.5): a refund is `succeeded` when its answer says so, and `fastpay.refund.query`
 * confirms one whose answer was lost.
 */
export function alipayChannel(
  client: AlipayClient,
  options: { clock: Clock; sellerId: string },
): PaymentChannel {
  const { clock } = options;
  const account: AlipayAccount = { appId: client.appId, sellerId: options.sellerId };

  async function findRefund(outTradeNo: string, outRefundNo: string): Promise<ChannelRefund | undefined> {
    try {
      const found = await client.trade.refundQuery({ out_trade_no: outTradeNo, out_request_no: outRefundNo });
      return refundOf(found, outTradeNo, clock.now());
    } catch (error) {
      if (alipayCodeOf(error) === "ACQ.TRADE_NOT_EXIST") return undefined;
      throw toChannelError(error, "read");
    }
  }

  async function query(outTradeNo: string): Promise<ChannelOrderState> {
    try {
      return stateOf(await client.trade.query({ out_trade_no: outTradeNo }), account, clock.now());
    } catch (error) {
      if (alipayCodeOf(error) === "ACQ.TRADE_NOT_EXIST") return { state: "not_found" };
      throw toChannelError(error, "read");
    }
  }

  return {
    name: "alipay",

    async prepay(input) {
      try {
        const { trade_no } = await client.trade.create({
          out_trade_no: input.outTradeNo,
          total_amount: input.amountFen,
          subject: alipaySubject(input.description),
          ...(LEGACY_USER_ID.test(input.payerId)
            ? { buyer_id: input.payerId }
            : { buyer_open_id: input.payerId }),
          // A.1: always set the expiry; the same instant on every call, or the trade's
          // parameters differ and Alipay answers ACQ.CONTEXT_INCONSISTENT.
          time_expire: beijingTimestamp(input.expiresAt),
          notify_url: input.notifyUrl,
        });
        return { reference: trade_no, reusableUntil: input.expiresAt };
      } catch (error) {
        throw toChannelError(error, "write");
      }
    },

    // A.2: my.tradePay takes the trade_no alone; nothing to sign.
    payload: async (tradeNo) => ({ channel: "alipay", tradeNO: tradeNo }),

    query,

    async close(outTradeNo) {
      try {
        await client.trade.close({ out_trade_no: outTradeNo });
      } catch (error) {
        // A.5: only WAIT_BUYER_PAY closes. A trade already closed, or never created, has
        // nothing left to close (as WeChat answers 204); a paid one is refused, and the
        // caller queries it (the close-vs-pay race).
        const code = alipayCodeOf(error);
        if (code !== undefined && CLOSE_DONE.has(code)) {
          const state = await query(outTradeNo);
          if (state.state === "closed" || state.state === "not_found") return;
        }
        throw toChannelError(error, "write");
      }
    },

    async refund(input) {
      let answer: Awaited<ReturnType<AlipayClient["trade"]["refund"]>>;
      try {
        answer = await client.trade.refund({
          out_trade_no: input.outTradeNo,
          refund_amount: input.amountFen,
          // A.5: out_request_no is the refund's idempotency key: the same again refunds once.
          out_request_no: input.outRefundNo,
          ...(input.reason === undefined ? {} : { refund_reason: input.reason }),
        });
      } catch (error) {
        throw toChannelError(error, "write");
      }
      if (answer.fund_change === "Y") {
        return {
          outRefundNo: input.outRefundNo,
          outTradeNo: input.outTradeNo,
          refundId: alipayRefundId(answer.trade_no, input.outRefundNo),
          amountFen: input.amountFen,
          status: "succeeded",
          succeededAt: clock.now(),
        };
      }
      // A.5: fund_change "N" is an out_request_no refunded before: its own record says how much.
      const known = await findRefund(input.outTradeNo, input.outRefundNo);
      if (known) return known;
      throw new ChannelError(
        "outcome_unknown",
        `Alipay moved no money for refund ${input.outRefundNo} and reports no refund under it: query it again later`,
        { channelCode: "fund_change=N" },
      );
    },

    async queryRefund({ outTradeNo, outRefundNo }) {
      const refund = await findRefund(outTradeNo, outRefundNo);
      return refund ? { state: "found", refund } : { state: "not_found" };
    },

    async parseNotification(_headers, rawBody) {
      let notification: ReturnType<AlipayClient["notifications"]["verify"]>;
      try {
        // A.4: the raw form body, decoded exactly once, verified, and checked for our app_id and seller_id.
        notification = client.notifications.verify(rawBody);
      } catch (error) {
        if (error instanceof AlipayError) throw new ChannelNotificationRejected(error.code, false, error);
        throw error;
      }
      // A refund's notification: the refund it names, as Alipay holds it (A.5), since the
      // notification's refund_fee is the trade's total. A failed lookup fails the delivery,
      // and Alipay sends it again.
      const outRequestNo = refundNamedBy(notification);
      const refund =
        outRequestNo === undefined ? undefined : await findRefund(notification.out_trade_no, outRequestNo);
      return eventOf(notification, account, clock.now(), refund);
    },

    statement: (day) => alipayStatement(client, day, clock.now()),
  };
}

/** A.1: subject is at most 256 characters and may not hold `/`, `=` or `&`; a product name may. */
export function alipaySubject(description: string): string {
  const plain = description.replace(/[/=&]/g, " ").trim() || "Kassa order";
  return [...plain].slice(0, 256).join("");
}
