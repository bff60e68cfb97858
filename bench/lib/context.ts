import { createPrivateKey, createPublicKey, type KeyObject } from "node:crypto";
import { readFileSync } from "node:fs";
import {
  type ApiV3Key,
  createWechatPayClient,
  type HttpTransport,
  loadPrivateKey,
  type MerchantSigner,
  parseApiV3Key,
  type WechatPayClient,
} from "@kassa/wechatpay";
import { Hash } from "wechatpay-axios-plugin";
import { SignedFixtures } from "./fixtures.ts";
import { InProcessWechatPay } from "./in-process-wechatpay.ts";
import type { TimedCase } from "./measure.ts";
import { type AxiosPluginPeer, makeAxiosPlugin, makeNodeV3, type NodeV3Peer } from "./peers.ts";
import type { PlainSigner } from "./plain.ts";
import { type BenchWorld, makeBenchWorld } from "./world.ts";

/**
 * One row of the table. `plain` rows are the baselines (node:crypto with KeyObjects
 * parsed once); `peer` rows are the SDKs used as their READMEs show and decide the "best
 * peer"; `info` rows are shown for explanation and count for no goal.
 */
export interface BenchCase extends TimedCase {
  operation: string;
  implementation: string;
  role: "plain" | "kassa" | "peer" | "info";
  /** The id of the plain row this one's ratio is against: plain in the same form. */
  baselineId: string;
  /**
   * Further plain rows a Kassa row is held to, reported beside it in the goal: the
   * thread-pool default at 1 in flight against plain synchronous crypto.sign, so the
   * cost of the hop to the pool is shown, never hidden behind the same-form ratio.
   */
  alsoAgainst?: readonly string[];
  /** Runs the operation outside the timed loop and checks what it produced; throws if wrong. */
  check: () => Promise<void>;
}

export interface KassaSetup {
  /** Built from the PEM files, as a deployment's config would give them; the default
   * `signing: "thread-pool"` (design.md convention 14). */
  client: WechatPayClient;
  /** The same client with `signing: "inline"` (synchronous crypto.sign). */
  inlineClient: WechatPayClient;
  /** The signer the client signs with, built the way `resolveClientConfig` builds it. */
  signer: MerchantSigner;
  /** The same signer, signing inline. */
  inlineSigner: MerchantSigner;
  apiV3Key: ApiV3Key;
}

export interface BenchContext {
  world: BenchWorld;
  fixtures: SignedFixtures;
  server: InProcessWechatPay;
  /** Plain node:crypto: keys parsed once into KeyObjects. */
  plain: { signer: PlainSigner; privateKey: KeyObject; publicKey: KeyObject; apiV3Key: Buffer };
  kassa: KassaSetup;
  nodeV3: NodeV3Peer;
  /** Not README usage: a KeyObject smuggled into `privateKey`, to show where its cost is. */
  nodeV3WithKeyObject: NodeV3Peer;
  axios: AxiosPluginPeer & { apiV3Key: KeyObject };
  /** Findings of the checks (e.g. a peer accepting tampered input), printed with the table. */
  findings: string[];
}

export async function makeContext(): Promise<BenchContext> {
  const world = await makeBenchWorld();
  const fixtures = new SignedFixtures(world);
  const server = new InProcessWechatPay(world, fixtures);
  const merchantKeyPem = readFileSync(world.files.merchantKey, "utf8");
  const plainPrivateKey = createPrivateKey(merchantKeyPem);
  const transport: HttpTransport = async (request) => {
    const answer = server.answer("kassa", {
      method: request.method,
      url: request.url,
      body: request.body ?? "",
      authorization: request.headers.Authorization,
    });
    // What fetchTransport returns: a fresh Headers and the raw body bytes.
    return { status: 200, headers: new Headers(answer.headers), body: answer.bodyBytes };
  };
  const clientOptions = {
    mchid: world.mchid,
    appid: world.appid,
    merchantSerialNo: world.merchant.serial,
    merchantPrivateKey: merchantKeyPem,
    apiV3Key: world.apiV3Key,
    wechatPayPublicKey: { id: world.publicKeyId, key: readFileSync(world.files.platformPublicKey, "utf8") },
    transport,
  };
  const client = createWechatPayClient(clientOptions);
  const inlineClient = createWechatPayClient({ ...clientOptions, signing: "inline" });
  const signer: MerchantSigner = {
    mchid: world.mchid,
    serialNo: world.merchant.serial,
    privateKey: loadPrivateKey(merchantKeyPem),
  };
  return {
    world,
    fixtures,
    server,
    plain: {
      signer: { mchid: world.mchid, serial: world.merchant.serial, privateKey: plainPrivateKey },
      privateKey: plainPrivateKey,
      publicKey: createPublicKey(readFileSync(world.files.platformPublicKey)),
      apiV3Key: Buffer.from(world.apiV3Key, "utf8"),
    },
    kassa: {
      client,
      inlineClient,
      signer,
      inlineSigner: { ...signer, signing: "inline" },
      apiV3Key: parseApiV3Key(world.apiV3Key),
    },
    nodeV3: makeNodeV3(world, server, "README PEM Buffer"),
    nodeV3WithKeyObject: makeNodeV3(world, server, "KeyObject"),
    // README FAQ: symmetric keys through `Hash.keyObjectFrom` (since v0.9.0).
    axios: { ...makeAxiosPlugin(world), apiV3Key: Hash.keyObjectFrom(world.apiV3Key) },
    findings: [],
  };
}
