import { checkPaySign } from "../lib/by-hand.ts";
import type { BenchCase, BenchContext } from "../lib/context.ts";
import { PREPAY_ID } from "../lib/messages.ts";
import { axiosPaySign, nodeV3PaySign } from "../lib/peer-pay-sign.ts";
import { type PaySignParams, plainPaySign } from "../lib/plain.ts";

/** §7.1: the signed parameters of `wx.requestPayment` for one prepay_id. */
export function paySignCases(context: BenchContext): BenchCase[] {
  const { world, plain, kassa, axios } = context;
  const appId = world.appid;
  const list: [string, string, BenchCase["role"], "sync" | "async", () => unknown][] = [
    [
      "plain",
      "plain node:crypto (sync, KeyObject)",
      "plain",
      "sync",
      () => plainPaySign(appId, PREPAY_ID, plain.privateKey),
    ],
    [
      "plain-callback",
      "plain node:crypto, callback crypto.sign (thread pool), 1 in flight",
      "info",
      "async",
      () => plainPaySign(appId, PREPAY_ID, plain.privateKey, true),
    ],
    [
      "kassa",
      "Kassa client.requestPayment (callback crypto.sign), 1 in flight",
      "kassa",
      "async",
      () => kassa.client.requestPayment(PREPAY_ID),
    ],
    [
      "node-v3",
      "wechatpay-node-v3 pay.sign, as transactions_jsapi (PEM Buffer)",
      "peer",
      "sync",
      () => nodeV3PaySign(context.nodeV3, appId, PREPAY_ID),
    ],
    [
      "node-v3-keyobject",
      "wechatpay-node-v3 pay.sign, KeyObject put in (not README)",
      "info",
      "sync",
      () => nodeV3PaySign(context.nodeV3WithKeyObject, appId, PREPAY_ID),
    ],
    [
      "axios",
      "wechatpay-axios-plugin README: Rsa.sign(Formatter.joinedByLineFeed(...))",
      "peer",
      "sync",
      () => axiosPaySign(appId, PREPAY_ID, axios.paySignKey),
    ],
  ];
  return list.map(([suffix, implementation, role, mode, run]) => {
    const id = `pay-sign.${suffix}`;
    return {
      id,
      operation: "4. paySign for wx.requestPayment",
      implementation,
      role,
      baselineId: "pay-sign.plain",
      mode,
      run,
      check: async () =>
        checkPaySign(
          id,
          (await run()) as PaySignParams,
          { appId, prepayId: PREPAY_ID },
          world.merchant.publicKey,
        ),
    };
  });
}
