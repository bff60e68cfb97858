import {
  LoginError,
  rfc3339Beijing,
  type Transaction,
  WechatPayApiError,
  type WechatPayClient,
  WechatPayError,
} from "@kassa/wechatpay";
import { toFen } from "../domain/money.ts";
import {
  ChannelError,
  type ChannelEvent,
  ChannelNotificationRejected,
  type ChannelOrderState,
  type ChannelPayment,
  type PaymentChannel,
} from "./payment-channel.ts";

/**
 * The PaymentChannel port over `@kassa/wechatpay`: the same code talks to WeChat Pay or to
 * the simulator, only the client's base URL differs. It translates WeChat's vocabulary
 * (trade_state, error families) into ours and nothing else; retries, verification and
 * unknown outcomes are the client's job (reference §5.8).
 */
export function wechatPayChannel(client: WechatPayClient): PaymentChannel {
  return {
    name: "wechatpay",

    async login(code) {
      try {
        const session = await client.login.code2Session(code);
        return { openid: session.openid }; // session_key is dropped here: never stored or sent on
      } catch (error) {
        if (error instanceof LoginError && !error.retryable)
          throw new ChannelError("invalid_login", error.message, { cause: error });
        throw toChannelError(error, "read");
      }
    },

    async prepay(input) {
      try {
        const { prepay_id } = await client.jsapi.prepay({
          description: input.description,
          out_trade_no: input.outTradeNo,
          // The same instant on every call: changed parameters would be OUT_TRADE_NO_USED (§5.1).
          time_expire: rfc3339Beijing(input.expiresAt),
          notify_url: input.notifyUrl,
          amount: { total: input.amountFen, currency: "CNY" },
          payer: { openid: input.openid },
        });
        return { prepayId: prepay_id };
      } catch (error) {
        throw toChannelError(error, "write");
      }
    },

    requestPaymentParams: (prepayId) => client.requestPayment(prepayId),

    async query(outTradeNo) {
      try {
        return stateOf(await client.transactions.queryByOutTradeNo(outTradeNo));
      } catch (error) {
        if (error instanceof WechatPayApiError && error.wechatCode === "ORDER_NOT_EXIST")
          return { state: "not_found" };
        throw toChannelError(error, "read");
      }
    },

    async close(outTradeNo) {
      try {
        await client.transactions.close(outTradeNo);
      } catch (error) {
        throw toChannelError(error, "write");
      }
    },

    async parseNotification(headers, rawBody): Promise<ChannelEvent> {
      let notification: Awaited<ReturnType<WechatPayClient["notifications"]["parse"]>>;
      try {
        notification = await client.notifications.parse(headers, rawBody);
      } catch (error) {
        if (error instanceof WechatPayError) {
          throw new ChannelNotificationRejected(error.code, error.code === "VERIFY_SIGNATURE_PROBE", error);
        }
        throw error;
      }
      const base = { notificationId: notification.id, eventType: notification.eventType };
      if (notification.kind === "transaction" && notification.resource.trade_state === "SUCCESS") {
        return { kind: "payment_succeeded", ...base, payment: paymentOf(notification.resource) };
      }
      return { kind: "ignored", ...base, reason: `${notification.kind} events are not handled yet` };
    },
  };
}

/** §5.2: a JSAPI order moves NOTPAY → SUCCESS → (REFUND), or NOTPAY → CLOSED. */
function stateOf(transaction: Transaction): ChannelOrderState {
  switch (transaction.trade_state) {
    case "SUCCESS":
    case "REFUND":
      return { state: "paid", payment: paymentOf(transaction) };
    case "NOTPAY":
    case "USERPAYING":
      return { state: "unpaid" };
    case "CLOSED":
    case "REVOKED":
    case "PAYERROR":
      return { state: "closed" };
  }
}

function paymentOf(transaction: Transaction): ChannelPayment {
  if (!transaction.transaction_id || !transaction.amount) {
    throw new ChannelError(
      "outcome_unknown",
      `paid transaction ${transaction.out_trade_no} lacks transaction_id or amount`,
    );
  }
  return {
    outTradeNo: transaction.out_trade_no,
    transactionId: transaction.transaction_id,
    amountFen: toFen(transaction.amount.total),
    appid: transaction.appid,
    mchid: transaction.mchid,
    payerOpenid: transaction.payer?.openid,
    bankType: transaction.bank_type,
    paidAt: transaction.success_time ? Date.parse(transaction.success_time) : Date.now(),
  };
}

/**
 * A write (prepay, close) that ended on a retryable error may have taken effect before the
 * error (the simulator's "apply, then fail"): its outcome is unknown and must be queried.
 */
function toChannelError(error: unknown, call: "read" | "write"): ChannelError {
  if (!(error instanceof WechatPayError)) {
    return new ChannelError("outcome_unknown", "unexpected failure calling WeChat Pay", { cause: error });
  }
  const requestId = error instanceof WechatPayApiError ? error.requestId : undefined;
  const options = { cause: error, ...(requestId ? { requestId } : {}) };
  if (error.code === "OUTCOME_UNKNOWN") return new ChannelError("outcome_unknown", error.message, options);
  if (error instanceof WechatPayApiError) {
    if (error.retryable) {
      const kind = call === "write" ? "outcome_unknown" : "unavailable";
      return new ChannelError(kind, error.message, { ...options, channelCode: error.wechatCode });
    }
    return new ChannelError("rejected", error.message, { ...options, channelCode: error.wechatCode });
  }
  if (error.code === "REQUEST_INVALID") return new ChannelError("rejected", error.message, options);
  return new ChannelError("unavailable", error.message, options);
}
