import type { Fen } from "../domain/money.ts";
import type { ExternalChannelName } from "../domain/payment.ts";
import type { PaymentPayload } from "./payment-payload.ts";
import type { ChannelStatement } from "./statement.ts";

export { ChannelError, type ChannelErrorKind, ChannelNotificationRejected } from "./channel-error.ts";
export type { PaymentPayload, RequestPaymentParams } from "./payment-payload.ts";
export type { ChannelStatement, StatementEntry } from "./statement.ts";

/**
 * The port the use cases call to reach a payment channel (design.md convention 11; code
 * anchors §10.2-3: small, owned by its consumer, in our vocabulary, never the SDK's). It
 * says nothing of one channel: the payer is a `payerId` (WeChat's openid, Alipay's
 * buyer_id), a prepay leaves a `reference` (WeChat's prepay_id, Alipay's trade_no) from
 * which `payload` rebuilds what the mini program needs, every call is idempotent on our own
 * keys (out_trade_no, out_refund_no). Login is another port (login-channel.ts).
 *
 * Adapters: WeChat Pay over `@kassa/wechatpay` (real service or simulator); an in-memory
 * fake, the contract suite's second subject (payment-channel.contract.ts), never a stand-in
 * in flow tests.
 */
export interface PaymentChannel {
  readonly name: ExternalChannelName;
  /** Ask the channel for a payment; the same out_trade_no and parameters again is the same payment. */
  prepay(input: PrepayInput): Promise<Prepared>;
  /** What the mini program hands to the channel's pay call, for a reference `prepay` gave. */
  payload(reference: string): Promise<PaymentPayload>;
  /** The channel's truth about one payment. */
  query(outTradeNo: string): Promise<ChannelOrderState>;
  /** Resolves when the channel accepted the close; query to learn the outcome. */
  close(outTradeNo: string): Promise<void>;
  /** Refund part or all of a paid payment; the same out_refund_no again is the same refund. */
  refund(input: RefundInput): Promise<ChannelRefund>;
  /** Alipay finds a refund by its trade and out_request_no together (A.5); WeChat by out_refund_no alone. */
  queryRefund(refund: RefundRef): Promise<ChannelRefundState>;
  /** Verify a notification over its raw bytes; refuses with ChannelNotificationRejected. */
  parseNotification(headers: NotificationHeaders, rawBody: Buffer): Promise<ChannelEvent>;
  /** The channel's statement of one day, for reconciliation. */
  statement(day: StatementDay): Promise<ChannelStatement>;
}

export type NotificationHeaders = Readonly<Record<string, string | string[] | undefined>>;

/** A calendar day, `YYYY-MM-DD`, in Beijing time (UTC+8): how the Chinese channels cut their days. */
export type StatementDay = string;

export interface PrepayInput {
  outTradeNo: string;
  description: string;
  amountFen: Fen;
  /** The payer at this channel (WeChat: the openid under our appid). */
  payerId: string;
  /** Epoch ms; the channel closes the payment by itself then. */
  expiresAt: number;
  notifyUrl: string;
}

export interface Prepared {
  /** Store it: `payload(reference)` rebuilds the mini program's payload until `reusableUntil`. */
  reference: string;
  /** Epoch ms after which the reference must not be handed out; prepay again for a fresh one. */
  reusableUntil: number;
}

/** What the channel says about a payment, in our words. */
export type ChannelOrderState =
  | { state: "paid"; payment: ChannelPayment }
  | { state: "unpaid" }
  /**
   * Not payable any more. `failed`: the channel says the payment itself failed (WeChat Pay
   * `PAYERROR`, §5.2), which the risk rules count as a failed payment; without it, closed.
   */
  | { state: "closed"; failed?: true }
  /** The channel has never seen this out_trade_no (prepay never reached it). */
  | { state: "not_found" };

export interface ChannelPayment {
  outTradeNo: string;
  /** The channel's own id for the payment (WeChat: transaction_id). */
  transactionId: string;
  amountFen: Fen;
  /** Which of our apps and which merchant account the money went to (WeChat: appid, mchid). */
  appId: string;
  merchantId: string;
  payerId: string | undefined;
  bankType: string | undefined;
  /** Epoch ms. */
  paidAt: number;
}

/** One refund of one payment, named by our own keys. */
export interface RefundRef {
  outTradeNo: string;
  outRefundNo: string;
}

export interface RefundInput {
  outTradeNo: string;
  outRefundNo: string;
  /** This refund's amount. */
  amountFen: Fen;
  /** The payment's whole amount, as paid. */
  paidFen: Fen;
  reason?: string;
  notifyUrl: string;
}

/** `abnormal` is not final: the money could not reach the payer and waits for a decision. */
export type ChannelRefundStatus = "processing" | "succeeded" | "closed" | "abnormal";

export interface ChannelRefund {
  outRefundNo: string;
  outTradeNo: string;
  /** The channel's own id for the refund. */
  refundId: string;
  amountFen: Fen;
  status: ChannelRefundStatus;
  /** Epoch ms, when succeeded. */
  succeededAt: number | undefined;
}

export type ChannelRefundState = { state: "found"; refund: ChannelRefund } | { state: "not_found" };

interface EventBase {
  /** The channel's id for this notification: deliveries of one event share it. */
  notificationId: string;
  /** The channel's own name for the event, kept for the record (WeChat: event_type). */
  eventType: string;
}

/** A verified notification, or one we do not act on. */
export type ChannelEvent =
  | (EventBase & { kind: "payment_succeeded"; payment: ChannelPayment })
  | (EventBase & { kind: "payment_closed"; outTradeNo: string })
  | (EventBase & {
      kind: "refund_succeeded" | "refund_closed" | "refund_abnormal";
      refund: ChannelRefund;
      /** The merchant account it was made under, when the notification names it (WeChat: mchid, §4.4). */
      merchantId?: string;
    })
  | (EventBase & { kind: "ignored"; reason: string });
