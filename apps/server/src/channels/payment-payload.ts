/**
 * What the mini program passes to the channel's own pay call, one shape per channel. The
 * server answers it to the mini program as it is (http/mini-program/orders.pay.ts), so the
 * union is discriminated by `channel` and each member is exactly that channel's call.
 */
export type PaymentPayload =
  /** `wx.requestPayment` (reference §7.1), signed with the merchant key. */
  | { channel: "wechatpay"; requestPayment: RequestPaymentParams }
  /** Alipay's `my.tradePay({ tradeNO })` (issue 14). No adapter answers it yet. */
  | { channel: "alipay"; tradeNO: string };

/** §7.1: every value a string; appId is not passed to wx.requestPayment but is signed. */
export interface RequestPaymentParams {
  appId: string;
  /** Unix seconds, 10 digits. */
  timeStamp: string;
  nonceStr: string;
  /** `prepay_id=<prepay_id>` */
  package: string;
  signType: "RSA";
  paySign: string;
}
