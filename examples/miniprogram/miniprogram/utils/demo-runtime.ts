import { kassaConfig } from "../config";
import type { RequestPaymentParams } from "./kassa-types";
import type { PaymentHint } from "./wechat";

/**
 * Demo mode only (`kassaConfig.demo`, docs/miniprogram.md): a Kassa started with `npm start`
 * pays through the WeChat Pay simulator, which knows neither WeChat's login codes nor its
 * payment sheet. These two stand in for them the way the /demo page does: the login code from
 * Kassa's /demo/login-code, the payment at the simulator's cashier, which answers what
 * wx.requestPayment would (`requestPayment:ok` or `requestPayment:fail cancel`).
 */

function ask<T>(method: "GET" | "POST", url: string, data?: WechatMiniprogram.IAnyObject): Promise<T> {
  return new Promise((resolve, reject) => {
    wx.request({
      url,
      method,
      header: { "content-type": "application/json" },
      ...(data === undefined ? {} : { data }),
      success: (response) =>
        response.statusCode >= 200 && response.statusCode < 300
          ? resolve(response.data as T)
          : reject(new Error(`demo: ${url} answered ${response.statusCode}`)),
      fail: (failure) => reject(new Error(`demo: ${url} unreachable (${failure.errMsg})`)),
    });
  });
}

export async function demoLoginCode(): Promise<string> {
  // `{}`, not no data: wx.request sends an empty body as `application/json`, which this
  // route (unlike the mini program API's bodiless calls) refuses as malformed JSON.
  return (await ask<{ code: string }>("POST", `${kassaConfig.baseUrl}/demo/login-code`, {})).code;
}

/**
 * Never throws, as wx.requestPayment never does: a cashier that could not be reached, or
 * refused, is a `fail` hint, and the caller asks Kassa all the same (the payment may have
 * gone through before the answer was lost).
 */
export async function demoRequestPayment(params: RequestPaymentParams): Promise<PaymentHint> {
  try {
    const config = await ask<{ cashierUrl: string }>("GET", `${kassaConfig.baseUrl}/demo/config`);
    const pay = await new Promise<boolean>((resolve) =>
      wx.showModal({
        title: "Demo cashier",
        content: "Pay this order at the WeChat Pay simulator?",
        confirmText: "Pay",
        cancelText: "Cancel",
        success: (result) => resolve(result.confirm),
        fail: () => resolve(false),
      }),
    );
    const action = pay ? "pay" : "cancel";
    const outcome = await ask<{ errMsg: string }>("POST", `${config.cashierUrl}/api/${action}`, {
      ...params,
    });
    return { ok: outcome.errMsg === "requestPayment:ok", errMsg: outcome.errMsg };
  } catch (error) {
    return {
      ok: false,
      errMsg: `requestPayment:fail ${error instanceof Error ? error.message : String(error)}`,
    };
  }
}
