import { checkPaySign } from "../lib/by-hand.ts";
import type { BenchCase, BenchContext } from "../lib/context.ts";
import { PREPAY_ID } from "../lib/messages.ts";
import { axiosPaySign, nodeV3PaySign } from "../lib/peer-pay-sign.ts";
import { type PaySignParams, plainPaySign } from "../lib/plain.ts";

/** §7.1: the signed parameters of `wx.requestPayment` for one prepay_id. */
export function paySignCases(context: BenchContext): BenchCase[] {
  const { world, plain, kassa, axios } = context;
  const appId = world.appid;
  type Row = {
    suffix: string;
    implementation: string;
    role: BenchCase["role"];
    mode: "sync" | "async";
    run: () => unknown;
    inFlight?: number;
    baselineId?: string;
    alsoAgainst?: readonly string[];
  };
  const list: Row[] = [
    {
      suffix: "plain",
      implementation: "plain node:crypto (sync, KeyObject)",
      role: "plain",
      mode: "sync",
      run: () => plainPaySign(appId, PREPAY_ID, plain.privateKey),
    },
    {
      suffix: "kassa-inline",
      implementation: 'Kassa client.requestPayment, signing: "inline" (sync crypto.sign), 1 in flight',
      role: "kassa",
      mode: "async",
      run: () => kassa.inlineClient.requestPayment(PREPAY_ID),
    },
    {
      suffix: "plain-callback",
      implementation: "plain node:crypto, callback crypto.sign (thread pool), 1 in flight",
      role: "plain",
      mode: "async",
      run: () => plainPaySign(appId, PREPAY_ID, plain.privateKey, true),
    },
    {
      suffix: "kassa",
      implementation: 'Kassa client.requestPayment, signing: "thread-pool" (default), 1 in flight',
      role: "kassa",
      mode: "async",
      run: () => kassa.client.requestPayment(PREPAY_ID),
      baselineId: "pay-sign.plain-callback",
      alsoAgainst: ["pay-sign.plain"],
    },
    {
      suffix: "node-v3",
      implementation: "wechatpay-node-v3 pay.sign, as transactions_jsapi (PEM Buffer)",
      role: "peer",
      mode: "sync",
      run: () => nodeV3PaySign(context.nodeV3, appId, PREPAY_ID),
    },
    {
      suffix: "node-v3-keyobject",
      implementation: "wechatpay-node-v3 pay.sign, KeyObject put in (not README)",
      role: "info",
      mode: "sync",
      run: () => nodeV3PaySign(context.nodeV3WithKeyObject, appId, PREPAY_ID),
    },
    {
      suffix: "axios",
      implementation: "wechatpay-axios-plugin README: Rsa.sign(Formatter.joinedByLineFeed(...))",
      role: "peer",
      mode: "sync",
      run: () => axiosPaySign(appId, PREPAY_ID, axios.paySignKey),
    },
    {
      suffix: "plain-callback-x8",
      implementation: "plain node:crypto, callback crypto.sign, 8 in flight (2 cores)",
      role: "plain",
      mode: "async",
      inFlight: 8,
      run: () => plainPaySign(appId, PREPAY_ID, plain.privateKey, true),
    },
    {
      suffix: "kassa-x8",
      implementation: 'Kassa client.requestPayment, signing: "thread-pool" (default), 8 in flight (2 cores)',
      role: "kassa",
      mode: "async",
      inFlight: 8,
      run: () => kassa.client.requestPayment(PREPAY_ID),
      baselineId: "pay-sign.plain-callback-x8",
    },
  ];
  return list.map((row) => {
    const id = `pay-sign.${row.suffix}`;
    return {
      id,
      operation: "4. paySign for wx.requestPayment",
      implementation: row.implementation,
      role: row.role,
      baselineId: row.baselineId ?? "pay-sign.plain",
      mode: row.mode,
      ...(row.inFlight ? { inFlight: row.inFlight } : {}),
      ...(row.alsoAgainst ? { alsoAgainst: row.alsoAgainst } : {}),
      run: row.run,
      check: async () =>
        checkPaySign(
          id,
          (await row.run()) as PaySignParams,
          { appId, prepayId: PREPAY_ID },
          world.merchant.publicKey,
        ),
    };
  });
}
