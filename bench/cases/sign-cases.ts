import { signRequest } from "@kassa/wechatpay";
import { Decorator } from "wechatpay-axios-plugin";
import { checkAuthorization } from "../lib/by-hand.ts";
import type { BenchCase, BenchContext } from "../lib/context.ts";
import { PREPAY_PATH, prepayRequest } from "../lib/messages.ts";
import { plainAuthorization } from "../lib/plain.ts";

const OPERATION = "1. Authorization header (POST /v3/pay/transactions/jsapi)";

/** The merged config axios hands its request interceptors (lib/decorator.js `signer`). */
interface AxiosRequestLike {
  method: string;
  url: string;
  baseURL: string;
  data: unknown;
  headers: Record<string, string>;
  mchid: string;
  serial: string;
  privateKey: unknown;
}

/**
 * §2: serialise the prepay body (~600 B), sign the five-line message, format the header.
 * Every row serialises the same object once, as each library does inside a real call.
 */
export function signCases(context: BenchContext): BenchCase[] {
  const { world, plain, kassa, axios } = context;
  // Kassa adds appid and mchid last (api/jsapi.ts); node-v3 adds them first.
  const kassaBody = { ...prepayRequest(), appid: world.appid, mchid: world.mchid };
  const nodeV3Body: Record<string, unknown> = { appid: world.appid, mchid: world.mchid, ...prepayRequest() };
  const plainSync = () => plainAuthorization(plain.signer, JSON.stringify(kassaBody));
  const plainCallback = () => plainAuthorization(plain.signer, JSON.stringify(kassaBody), true);
  const kassaSign = (signer: BenchContext["kassa"]["signer"]) => () =>
    signRequest(
      signer,
      { method: "POST", canonicalUrl: PREPAY_PATH, body: JSON.stringify(kassaBody) },
      Date.now(),
    );
  // The node-v3 README's own code: Math.random nonce, getSignature, getAuthorization.
  const nodeV3 = (peer: BenchContext["nodeV3"]) => (): string => {
    const nonceStr = Math.random().toString(36).slice(2, 17); // README: .substr(2, 15)
    // biome-ignore lint/complexity/useDateNow: wechatpay-node-v3's own expression, kept as it is
    const timestamp = Number.parseInt(`${+new Date() / 1000}`, 10).toString();
    const signature = peer.pay.getSignature("POST", nonceStr, timestamp, PREPAY_PATH, nodeV3Body);
    return peer.pay.getAuthorization(nonceStr, timestamp, signature);
  };
  // The interceptor every wxpay.v3 request runs, with the KeyObject its constructor made.
  const interceptor = Decorator.requestInterceptor() as (config: AxiosRequestLike) => {
    headers: { get(name: string): unknown };
  };
  const axiosSign = () =>
    interceptor({
      method: "post",
      url: PREPAY_PATH.slice(1),
      baseURL: "https://api.mch.weixin.qq.com/",
      data: kassaBody,
      headers: { Accept: "application/json", "Content-Type": "application/json; charset=utf-8" },
      mchid: world.mchid,
      serial: world.merchant.serial,
      privateKey: axios.privateKey,
    }).headers.get("Authorization");

  const checked = (id: string, produce: () => unknown, body: string) => async (): Promise<void> =>
    checkAuthorization(
      id,
      await produce(),
      { method: "POST", pathAndQuery: PREPAY_PATH, body, mchid: world.mchid, serial: world.merchant.serial },
      world.merchant.publicKey,
    );
  const kassaJson = JSON.stringify(kassaBody);
  const nodeV3Json = JSON.stringify(nodeV3Body);
  const row = (
    id: string,
    implementation: string,
    role: BenchCase["role"],
    run: () => unknown,
    body: string,
    options: {
      mode: "sync" | "async";
      inFlight?: number;
      baselineId?: string;
      alsoAgainst?: readonly string[];
    },
  ): BenchCase => ({
    id,
    operation: OPERATION,
    implementation,
    role,
    baselineId: options.baselineId ?? "sign.plain",
    mode: options.mode,
    ...(options.inFlight ? { inFlight: options.inFlight } : {}),
    ...(options.alsoAgainst ? { alsoAgainst: options.alsoAgainst } : {}),
    run,
    check: checked(id, run, body),
  });
  const plainCallback1 = "sign.plain-callback";
  const plainX8 = "sign.plain-callback-x8";
  return [
    row("sign.plain", "plain node:crypto (sync crypto.sign, KeyObject)", "plain", plainSync, kassaJson, {
      mode: "sync",
    }),
    row(
      "sign.kassa-inline",
      'Kassa signRequest, signing: "inline" (sync crypto.sign), 1 in flight',
      "kassa",
      kassaSign(kassa.inlineSigner),
      kassaJson,
      { mode: "async" },
    ),
    row(
      plainCallback1,
      "plain node:crypto, callback crypto.sign (thread pool), 1 in flight",
      "plain",
      plainCallback,
      kassaJson,
      { mode: "async" },
    ),
    row(
      "sign.kassa",
      'Kassa signRequest, signing: "thread-pool" (default), 1 in flight',
      "kassa",
      kassaSign(kassa.signer),
      kassaJson,
      { mode: "async", baselineId: plainCallback1, alsoAgainst: ["sign.plain"] },
    ),
    row(
      "sign.node-v3",
      "wechatpay-node-v3 getSignature+getAuthorization (README: PEM Buffer)",
      "peer",
      nodeV3(context.nodeV3),
      nodeV3Json,
      { mode: "sync" },
    ),
    row(
      "sign.node-v3-keyobject",
      "wechatpay-node-v3, KeyObject put in privateKey (not README)",
      "info",
      nodeV3(context.nodeV3WithKeyObject),
      nodeV3Json,
      { mode: "sync" },
    ),
    row(
      "sign.axios",
      "wechatpay-axios-plugin Decorator.requestInterceptor() (KeyObject)",
      "peer",
      axiosSign,
      kassaJson,
      { mode: "sync" },
    ),
    row(
      plainX8,
      "plain node:crypto, callback crypto.sign, 8 in flight (2 cores)",
      "plain",
      plainCallback,
      kassaJson,
      { mode: "async", inFlight: 8 },
    ),
    row(
      "sign.kassa-x8",
      'Kassa signRequest, signing: "thread-pool" (default), 8 in flight (2 cores)',
      "kassa",
      kassaSign(kassa.signer),
      kassaJson,
      { mode: "async", inFlight: 8, baselineId: plainX8 },
    ),
  ];
}
