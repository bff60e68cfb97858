import type { Fen } from "../domain/money.ts";

/**
 * The port the use cases call to reach a payment channel (design.md convention 11; code
 * anchors §10.2-3: small, owned by its consumer, speaking our vocabulary, never the SDK's).
 * Adapters: WeChat Pay over `@kassa/wechatpay` (real service or simulator).
 */
export interface PaymentChannel {
  readonly name: "wechatpay";
  /** code2Session on the server (§7.2): the openid never leaves Kassa. */
  login(code: string): Promise<{ openid: string }>;
  /** Prepay (§5.1); idempotent at the channel on out_trade_no with the same parameters. */
  prepay(input: PrepayInput): Promise<{ prepayId: string }>;
  /** The object for `wx.requestPayment` (§7.1), signed with the merchant key. */
  requestPaymentParams(prepayId: string): Promise<RequestPaymentParams>;
  /** Query by out_trade_no (§5.2): the channel's truth about one order. */
  query(outTradeNo: string): Promise<ChannelOrderState>;
  /** Close (§5.3). Resolves when WeChat Pay accepted the close; query to learn the outcome. */
  close(outTradeNo: string): Promise<void>;
  /** Verify and decrypt a notification (§3, §4) into our vocabulary. */
  parseNotification(
    headers: Readonly<Record<string, string | string[] | undefined>>,
    rawBody: Buffer,
  ): Promise<ChannelEvent>;
}

export interface PrepayInput {
  outTradeNo: string;
  description: string;
  amountFen: Fen;
  openid: string;
  /** Epoch ms; sent as time_expire. */
  expiresAt: number;
  notifyUrl: string;
}

export interface RequestPaymentParams {
  appId: string;
  timeStamp: string;
  nonceStr: string;
  package: string;
  signType: "RSA";
  paySign: string;
}

/** What the channel says about an order, in our words. */
export type ChannelOrderState =
  | { state: "paid"; payment: ChannelPayment }
  | { state: "unpaid" }
  | { state: "closed" }
  /** The channel has never seen this out_trade_no (prepay never reached it). */
  | { state: "not_found" };

export interface ChannelPayment {
  outTradeNo: string;
  transactionId: string;
  amountFen: Fen;
  appid: string;
  mchid: string;
  payerOpenid: string | undefined;
  bankType: string | undefined;
  /** Epoch ms. */
  paidAt: number;
}

/** A verified notification (§4), or nothing we act on. */
export type ChannelEvent =
  | { kind: "payment_succeeded"; notificationId: string; eventType: string; payment: ChannelPayment }
  | { kind: "ignored"; notificationId: string; eventType: string; reason: string };

/**
 * Why a channel call failed, for the caller to decide (design.md convention 5):
 * - `unavailable`: nothing reached the channel, or it refused before acting; safe to retry;
 * - `outcome_unknown`: it may have acted (timeout, lost answer, unverifiable answer); query;
 * - `rejected`: the channel refused for a business reason (`channelCode` says which);
 * - `invalid_login`: code2Session refused the login code.
 */
export type ChannelErrorKind = "unavailable" | "outcome_unknown" | "rejected" | "invalid_login";

export class ChannelError extends Error {
  readonly kind: ChannelErrorKind;
  readonly channelCode: string | undefined;
  readonly requestId: string | undefined;
  constructor(
    kind: ChannelErrorKind,
    message: string,
    options: { channelCode?: string; requestId?: string; cause?: unknown } = {},
  ) {
    super(message, { cause: options.cause });
    this.name = "ChannelError";
    this.kind = kind;
    this.channelCode = options.channelCode;
    this.requestId = options.requestId;
  }
}

/** A notification that failed verification or decryption: answered with FAIL, changes nothing. */
export class ChannelNotificationRejected extends Error {
  readonly reason: string;
  /** A WECHATPAY/SIGNTEST/ probe: expected traffic, logged low (§3.5). */
  readonly probe: boolean;
  constructor(reason: string, probe: boolean, cause?: unknown) {
    super(`notification refused: ${reason}`, { cause });
    this.name = "ChannelNotificationRejected";
    this.reason = reason;
    this.probe = probe;
  }
}
