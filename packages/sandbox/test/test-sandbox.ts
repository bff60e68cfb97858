import { randomBytes } from "node:crypto";
import { readFile } from "node:fs/promises";
import { buildRequestPaymentParams, loadPrivateKey } from "@kassa/wechatpay";
import type { MerchantView } from "../src/admin/views.ts";
import type { SandboxConfigInput } from "../src/config.ts";
import { type RunningSandbox, startSandbox } from "../src/start.ts";
import { authorizationByHand } from "./hand-signing.ts";

/**
 * A sandbox on a loopback port with a frozen clock (time only moves when a test says so)
 * and one merchant read back from the files the sandbox wrote for it: the way a
 * merchant's server would load them.
 */

export interface TestMerchant {
  view: MerchantView;
  mchid: string;
  appid: string;
  appSecret: string;
  apiV3Key: string;
  serialNo: string;
  privateKeyPem: string;
  wechatpayPublicKeyPem: string;
  wechatpayPublicKeyId: string;
}

export async function startTestSandbox(config: SandboxConfigInput = {}): Promise<RunningSandbox> {
  return startSandbox({
    port: 0,
    config: { seed: "test-seed", clock: { speed: 0 }, ...config },
    log: () => {},
  });
}

export async function loadMerchant(view: MerchantView): Promise<TestMerchant> {
  const json = JSON.parse(await readFile(view.files.merchantJson, "utf8")) as Record<string, string>;
  return {
    view,
    mchid: json.mchid!,
    appid: json.appid!,
    appSecret: json.appSecret!,
    apiV3Key: json.apiV3Key!,
    serialNo: json.merchantSerialNo!,
    privateKeyPem: await readFile(view.files.privateKey, "utf8"),
    wechatpayPublicKeyPem: await readFile(view.files.wechatpayPublicKey, "utf8"),
    wechatpayPublicKeyId: json.wechatpayPublicKeyId!,
  };
}

export async function createTestMerchant(
  sandbox: RunningSandbox,
  input: Record<string, unknown> = {},
): Promise<TestMerchant> {
  return loadMerchant(await sandbox.admin.createMerchant(input));
}

export interface ApiCall {
  method: "GET" | "POST";
  /** Path and query as sent on the wire. */
  url: string;
  body?: unknown;
  headers?: Record<string, string>;
  /** Seconds; the sandbox clock by default. */
  timestamp?: number;
  /** Replaces the signed Authorization header entirely. */
  authorization?: string;
  signal?: AbortSignal;
}

export interface ApiAnswer {
  status: number;
  headers: Headers;
  text: string;
  json: unknown;
}

/** A call signed by hand (§2), the body serialised once and sent as signed. */
export async function callApi(
  sandbox: RunningSandbox,
  merchant: TestMerchant,
  call: ApiCall,
): Promise<ApiAnswer> {
  const body =
    call.body === undefined ? "" : typeof call.body === "string" ? call.body : JSON.stringify(call.body);
  const authorization =
    call.authorization ??
    authorizationByHand(merchant, {
      method: call.method,
      url: call.url,
      body,
      timestamp: call.timestamp ?? Math.floor(sandbox.clock.now() / 1000),
      nonce: randomBytes(16).toString("hex"),
    });
  const response = await fetch(`${sandbox.url}${call.url}`, {
    method: call.method,
    headers: {
      Authorization: authorization,
      Accept: "application/json",
      ...(body === "" ? {} : { "Content-Type": "application/json" }),
      ...call.headers,
    },
    ...(body === "" ? {} : { body }),
    ...(call.signal ? { signal: call.signal } : {}),
  });
  const text = await response.text();
  return {
    status: response.status,
    headers: response.headers,
    text,
    json: text === "" ? undefined : JSON.parse(text),
  };
}

/** Log a user in as the mini program and Kassa would: mint a code, redeem it; returns the openid. */
export async function loginOpenid(
  sandbox: RunningSandbox,
  merchant: TestMerchant,
  openid?: string,
): Promise<string> {
  const minted = await sandbox.admin.mintLoginCode(
    openid ? { appid: merchant.appid, openid } : { appid: merchant.appid },
  );
  const query = new URLSearchParams({
    appid: merchant.appid,
    secret: merchant.appSecret,
    js_code: minted.code,
    grant_type: "authorization_code",
  });
  const answer = (await (await fetch(`${sandbox.url}/sns/jscode2session?${query}`)).json()) as {
    openid?: string;
  };
  if (!answer.openid) throw new Error(`login failed: ${JSON.stringify(answer)}`);
  return answer.openid;
}

/** A valid §5.1 prepay body for `merchant` and `openid`; override any field. */
export function prepayBody(merchant: TestMerchant, openid: string, overrides: Record<string, unknown> = {}) {
  return {
    appid: merchant.appid,
    mchid: merchant.mchid,
    description: "Kassa test order",
    out_trade_no: `T${randomBytes(8).toString("hex")}`,
    // A reserved name (RFC 6761): a notification to it fails at once, never touching a network.
    notify_url: "https://merchant.invalid/wechatpay/notify",
    amount: { total: 1, currency: "CNY" },
    payer: { openid },
    ...overrides,
  };
}

/** Prepay by hand (§5.1, signed by hand); returns the order's number and its prepay_id. */
export async function prepayOrder(
  sandbox: RunningSandbox,
  merchant: TestMerchant,
  openid: string,
  overrides: Record<string, unknown> = {},
): Promise<{ outTradeNo: string; prepayId: string }> {
  const body = prepayBody(merchant, openid, overrides);
  const answer = await callApi(sandbox, merchant, {
    method: "POST",
    url: "/v3/pay/transactions/jsapi",
    body,
  });
  if (answer.status !== 200) throw new Error(`prepay failed: ${answer.text}`);
  return { outTradeNo: body.out_trade_no, prepayId: (answer.json as { prepay_id: string }).prepay_id };
}

/** The wx.requestPayment parameters the merchant's server would hand the mini program (§7.1). */
export async function requestPaymentFor(sandbox: RunningSandbox, merchant: TestMerchant, prepayId: string) {
  return buildRequestPaymentParams({
    appId: merchant.appid,
    prepayId,
    privateKey: loadPrivateKey(merchant.privateKeyPem),
    now: sandbox.clock.now(),
  });
}

/** POST to the payer's cashier JSON API (§7.1 stand-in). */
export async function cashier(
  sandbox: RunningSandbox,
  action: "check" | "pay" | "cancel" | "fail",
  body: object,
): Promise<{ status: number; json: Record<string, unknown> }> {
  const response = await fetch(`${sandbox.url}/cashier/api/${action}`, {
    method: "POST",
    headers: { "Content-Type": "application/json" },
    body: JSON.stringify(body),
  });
  return { status: response.status, json: (await response.json()) as Record<string, unknown> };
}
