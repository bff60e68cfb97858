import type { RequestPaymentParams } from "./kassa-types";

/**
 * The two WeChat calls a payment needs, as promises: `wx.login` for a one-time code, and
 * `wx.requestPayment` for the payment sheet. What requestPayment reports is a hint only
 * (reference wechatpay-v3.md §7.1 "Do not trust the client result"): Kassa decides.
 */

export interface PaymentHint {
  /** true for `requestPayment:ok`, false for any `requestPayment:fail …` */
  ok: boolean;
  errMsg: string;
}

export function wxLogin(): Promise<string> {
  return new Promise((resolve, reject) => {
    wx.login({
      success: (result) =>
        result.code ? resolve(result.code) : reject(new Error(`wx.login gave no code: ${result.errMsg}`)),
      fail: (error) => reject(new Error(`wx.login failed: ${error.errMsg}`)),
    });
  });
}

/** appId is not passed: WeChat checks the one the mini program runs under (§7.1). */
export function wxRequestPayment(params: RequestPaymentParams): Promise<PaymentHint> {
  return new Promise((resolve) => {
    wx.requestPayment({
      timeStamp: params.timeStamp,
      nonceStr: params.nonceStr,
      package: params.package,
      signType: params.signType,
      paySign: params.paySign,
      success: (result) => resolve({ ok: true, errMsg: result.errMsg }),
      fail: (error) => resolve({ ok: false, errMsg: error.errMsg }),
    });
  });
}

/** `requestPayment:fail cancel`: the payer closed the sheet (§7.1). */
export function isCancel(hint: PaymentHint): boolean {
  return !hint.ok && /\bcancel\b/.test(hint.errMsg);
}
