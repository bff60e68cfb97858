import { createPrivateKey, type KeyObject } from "node:crypto";
import { readFileSync } from "node:fs";
import { Rsa, Wechatpay } from "wechatpay-axios-plugin";
import WxPay from "wechatpay-node-v3";
import type { InProcessWechatPay } from "./in-process-wechatpay.ts";
import type { BenchWorld } from "./world.ts";

/**
 * The two peer SDKs, set up as their READMEs show and kept offline as
 * reference/perf-baselines.md §3 describes:
 * - wechatpay-node-v3: PEM Buffers from `readFileSync`; the static `Pay.certificates`
 *   map pre-filled (serial → public key PEM, the form `fetchCertificates()` stores), so
 *   `verifySign` never downloads; HTTP through its own `createHttp({post, get})` hook.
 * - wechatpay-axios-plugin: `file://` key paths and `certs: {id: file}`, which its
 *   constructor turns into KeyObjects once; HTTP through a per-request axios `adapter`.
 */

/** What `pay.createHttp()` takes (`IPayRequest`): node-v3 hands it the body as an object. */
interface NodeV3Http {
  post(url: string, params: Record<string, unknown>, headers: Record<string, string>): Promise<unknown>;
  get(url: string, headers: Record<string, string>): Promise<unknown>;
  upload(url: string, params: Record<string, unknown>, headers: Record<string, string>): Promise<unknown>;
}

/** Members the typings mark protected that transactions_jsapi / verifySign use internally. */
interface NodeV3Internals {
  sign(message: string): string;
}

export interface NodeV3Peer {
  pay: WxPay;
  /** `pay.sign`, the paySign function `transactions_jsapi` calls (protected in its typings). */
  sign(message: string): string;
}

export function makeNodeV3(
  world: BenchWorld,
  server: InProcessWechatPay,
  privateKey: "README PEM Buffer" | "KeyObject",
): NodeV3Peer {
  const pay = new WxPay({
    appid: world.appid,
    mchid: world.mchid,
    // README "注意 1": the serial from `openssl x509 -noout -serial` (upper-case hex). Left
    // out, getSN() derives it with @fidm/x509 in lower case, unlike WeChat Pay's spelling (§2).
    serial_no: world.merchant.serial,
    publicKey: readFileSync(world.files.merchantCertificate),
    privateKey:
      privateKey === "KeyObject"
        ? (createPrivateKey(readFileSync(world.files.merchantKey)) as unknown as Buffer)
        : readFileSync(world.files.merchantKey),
    key: world.apiV3Key,
  });
  const certificates = (WxPay as unknown as { certificates: Record<string, string> }).certificates;
  certificates[world.publicKeyId] = readFileSync(world.files.platformPublicKey, "utf8");
  const http: NodeV3Http = {
    // What its superagent service does: serialise the body, send it, parse the JSON answer.
    post: async (url, params, headers) => {
      const body = JSON.stringify(params);
      const answer = server.answer("node-v3", {
        method: "POST",
        url,
        body,
        authorization: headers.Authorization,
      });
      return { status: 200, data: JSON.parse(answer.body) as unknown };
    },
    get: () => Promise.reject(new Error("the bench serves POST /v3/pay/transactions/jsapi only")),
    upload: () => Promise.reject(new Error("the bench serves POST /v3/pay/transactions/jsapi only")),
  };
  pay.createHttp(http as Parameters<WxPay["createHttp"]>[0]);
  const internals = pay as unknown as NodeV3Internals;
  return { pay, sign: (message) => internals.sign(message) };
}

export interface AxiosPluginPeer {
  wxpay: Wechatpay;
  /** The merchant key the constructor parsed (what its request interceptor signs with). */
  privateKey: KeyObject;
  /** The WeChat Pay keys the constructor parsed (what its response verifier uses). */
  certs: Record<string, KeyObject>;
  /** README "APIv3数据签名 JSAPI": `Rsa.from('file:///...')`, parsed once. */
  paySignKey: KeyObject;
}

export function makeAxiosPlugin(world: BenchWorld): AxiosPluginPeer {
  const config = {
    mchid: world.mchid,
    serial: world.merchant.serial,
    privateKey: `file://${world.files.merchantKey}`,
    certs: { [world.publicKeyId]: `file://${world.files.platformPublicKey}` },
  };
  const wxpay = new Wechatpay(config);
  // Its constructor replaces both in the config it was given (lib/decorator.js jsonBased).
  const parsed = config as unknown as { privateKey: KeyObject; certs: Record<string, KeyObject> };
  return {
    wxpay,
    privateKey: parsed.privateKey,
    certs: parsed.certs,
    paySignKey: Rsa.from(`file://${world.files.merchantKey}`, "private"),
  };
}
