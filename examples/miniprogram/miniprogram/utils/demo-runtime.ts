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

function post<T>(url: string, data?: WechatMiniprogram.IAnyObject): Promise<T> {
  return new Promise((resolve, reject) => {
    wx.request({
      url,
      method: "POST",
      header: { "content-type": "application/json" },
      ...(data === undefined ? {} : { data }),
      success: (response) =>
        response.statusCode < 300
          ? resolve(response.data as T)
          : reject(new Error(`demo: ${url} answered ${response.statusCode}`)),
      fail: (failure) => reject(new Error(`demo: ${url} unreachable (${failure.errMsg})`)),
    });
  });
}

export async function demoLoginCode(): Promise<string> {
  return (await post<{ code: string }>(`${kassaConfig.baseUrl}/demo/login-code`)).code;
}

export async function demoRequestPayment(params: RequestPaymentParams): Promise<PaymentHint> {
  const config = await new Promise<{ cashierUrl: string }>((resolve, reject) =>
    wx.request({
      url: `${kassaConfig.baseUrl}/demo/config`,
      success: (response) => resolve(response.data as { cashierUrl: string }),
      fail: (failure) => reject(new Error(`demo: /demo/config unreachable (${failure.errMsg})`)),
    }),
  );
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
  const outcome = await post<{ errMsg: string }>(`${config.cashierUrl}/api/${action}`, { ...params });
  return { ok: outcome.errMsg === "requestPayment:ok", errMsg: outcome.errMsg };
}
