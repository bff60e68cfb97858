import { type KeyObject, randomBytes, sign, verify } from "node:crypto";
import { createServer, type IncomingHttpHeaders, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { afterAll, beforeAll, beforeEach } from "vitest";
import { makeIdentity, type TestIdentity } from "../../test/fixtures/identities.ts";
import { createWechatPayClient, type WechatPayClient } from "../client.ts";
import type { WechatPayClientOptions } from "../client-options.ts";

/**
 * Test support, not shipped API: a WeChat Pay stand-in on 127.0.0.1:0 (stripe's
 * `getTestServerStripe` lesson). It checks every request's Authorization and signs its
 * answers BY HAND with node:crypto, never with this package's sign/verify code, so a
 * mistake shared by client and library cannot pass unnoticed.
 */

export interface AuthorizationCheck {
  valid: boolean;
  problem?: string;
  serialNo?: string;
  nonce?: string;
  timestamp?: string;
}

export interface RecordedRequest {
  method: string;
  /** The request target exactly as it arrived on the wire: path and query. */
  url: string;
  headers: IncomingHttpHeaders;
  body: string;
  authorization: AuthorizationCheck;
}

export interface Reply {
  status: number;
  body?: string | Buffer;
  headers?: Record<string, string>;
  /** Never answer: the client's timeout has to fire. */
  hang?: boolean;
  /** Read the request, then drop the connection without a word. */
  destroy?: boolean;
  /** Send the headers and this many bytes of the body, then fall silent. */
  stallAfterBytes?: number;
}

export type Handler = (request: RecordedRequest) => Reply | Promise<Reply>;

export interface TestWorld {
  merchant: TestIdentity;
  platform: TestIdentity;
  mchid: string;
  appid: string;
  apiV3Key: string;
  publicKeyId: string;
  /** The clock every client and server in a test file shares (epoch ms). */
  now: number;
}

export async function makeWorld(): Promise<TestWorld> {
  const [merchant, platform] = await Promise.all([
    makeIdentity({ commonName: "1900000001 merchant" }),
    makeIdentity({ commonName: "Tenpay.com sign" }),
  ]);
  return {
    merchant,
    platform,
    mchid: "1900000001",
    appid: "wx8888888888888888",
    apiV3Key: "0123456789abcdefghijklmnopqrstuv",
    publicKeyId: "PUB_KEY_ID_0000000000000024101100397200000006",
    now: Date.now(),
  };
}

/** Overrides; an `undefined` value removes a default (e.g. the public key, for certificate mode). */
export type TestClientOverrides = {
  [K in keyof WechatPayClientOptions]?: WechatPayClientOptions[K] | undefined;
};

/** Client options for public-key mode against `baseUrl`, no backoff waits, fixed clock. */
export function testClientOptions(
  world: TestWorld,
  baseUrl: string,
  overrides: TestClientOverrides = {},
): WechatPayClientOptions {
  const options: Record<string, unknown> = {
    mchid: world.mchid,
    appid: world.appid,
    merchantSerialNo: world.merchant.serial,
    merchantPrivateKey: world.merchant.privateKeyPem,
    apiV3Key: world.apiV3Key,
    wechatPayPublicKey: { id: world.publicKeyId, key: world.platform.publicKeyPem },
    baseUrl,
    backupBaseUrl: null,
    clock: () => world.now,
    sleep: async () => {},
    random: () => 0.5,
    timeoutMs: 2_000,
    ...overrides,
  };
  for (const [key, value] of Object.entries(options)) if (value === undefined) delete options[key];
  return options as unknown as WechatPayClientOptions;
}

/** What `useLocalWechatPay` gives a test file; read it inside tests, after `beforeAll` ran. */
export interface LocalWechatPayFixture {
  readonly world: TestWorld;
  readonly server: LocalWechatPay;
  /** A public-key-mode client pointed at `server`. */
  readonly client: WechatPayClient;
}

/**
 * One test file's stand-in: a fresh world and server before its tests, the recorded
 * requests cleared before each test, the server closed after.
 */
export function useLocalWechatPay(): LocalWechatPayFixture {
  let world: TestWorld | undefined;
  let server: LocalWechatPay | undefined;
  let client: WechatPayClient | undefined;
  beforeAll(async () => {
    world = await makeWorld();
    server = await LocalWechatPay.start(world);
    client = createWechatPayClient(testClientOptions(world, server.baseUrl));
  });
  afterAll(() => server?.close());
  beforeEach(() => {
    if (server) server.requests.length = 0;
  });
  const ready = <T>(value: T | undefined): T => {
    if (value === undefined) throw new Error("useLocalWechatPay() is read before its beforeAll ran");
    return value;
  };
  return {
    get world() {
      return ready(world);
    },
    get server() {
      return ready(server);
    },
    get client() {
      return ready(client);
    },
  };
}

export class LocalWechatPay {
  readonly requests: RecordedRequest[] = [];
  handler: Handler = () => ({ status: 404, body: '{"code":"NOT_FOUND","message":"no handler"}' });
  readonly #server: Server;
  readonly baseUrl: string;

  private constructor(server: Server, baseUrl: string) {
    this.#server = server;
    this.baseUrl = baseUrl;
  }

  /** Every signed request must carry the world's merchant identity and verify with its key. */
  static async start(world: TestWorld): Promise<LocalWechatPay> {
    let instance: LocalWechatPay | undefined;
    const server = createServer((req, res) => {
      const chunks: Buffer[] = [];
      req.on("data", (chunk: Buffer) => chunks.push(chunk));
      req.on("end", async () => {
        const body = Buffer.concat(chunks).toString("utf8");
        const url = req.url ?? "";
        const recorded: RecordedRequest = {
          method: req.method ?? "",
          url,
          headers: req.headers,
          body,
          authorization: url.startsWith("/sns/")
            ? { valid: true, problem: "login is not signed" }
            : checkAuthorizationByHand(req.method ?? "", url, body, req.headers.authorization, world),
        };
        instance?.requests.push(recorded);
        const reply: Reply = recorded.authorization.valid
          ? await instance!.handler(recorded)
          : {
              status: 401,
              body: JSON.stringify({ code: "SIGN_ERROR", message: recorded.authorization.problem }),
            };
        if (reply.hang) return;
        if (reply.destroy) return void req.socket.destroy();
        res.writeHead(reply.status, { "Request-ID": `req-${instance?.requests.length}`, ...reply.headers });
        if (reply.stallAfterBytes !== undefined) {
          return void res.write(Buffer.from(reply.body ?? "").subarray(0, reply.stallAfterBytes));
        }
        res.end(reply.body ?? "");
      });
    });
    await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
    const { port } = server.address() as AddressInfo;
    instance = new LocalWechatPay(server, `http://127.0.0.1:${port}`);
    return instance;
  }

  async close(): Promise<void> {
    this.#server.closeAllConnections();
    await new Promise<void>((resolve) => this.#server.close(() => resolve()));
  }
}

/**
 * §2 checked independently: parse the header with a regex of our own, rebuild the five
 * lines from what arrived on the wire, and verify with the merchant's public key.
 */
export function checkAuthorizationByHand(
  method: string,
  url: string,
  body: string,
  header: string | undefined,
  world: TestWorld,
): AuthorizationCheck {
  const match = /^WECHATPAY2-SHA256-RSA2048 (.+)$/.exec(header ?? "");
  if (!match) return { valid: false, problem: "no WECHATPAY2-SHA256-RSA2048 Authorization" };
  const fields = new Map<string, string>();
  for (const pair of match[1]!.split(",")) {
    const equals = pair.indexOf("=");
    fields.set(pair.slice(0, equals), JSON.parse(pair.slice(equals + 1)) as string);
  }
  const timestamp = fields.get("timestamp") ?? "";
  const nonce = fields.get("nonce_str") ?? "";
  const serialNo = fields.get("serial_no") ?? "";
  const signature = fields.get("signature") ?? "";
  const common = { serialNo, nonce, timestamp };
  if (fields.get("mchid") !== world.mchid) return { ...common, valid: false, problem: "wrong mchid" };
  if (serialNo !== world.merchant.serial) return { ...common, valid: false, problem: "wrong serial_no" };
  if (Math.abs(Number(timestamp) - Math.floor(world.now / 1000)) > 60) {
    return { ...common, valid: false, problem: "timestamp is not the injected clock" };
  }
  const message = Buffer.from(`${method}\n${url}\n${timestamp}\n${nonce}\n${body}\n`);
  const valid = verify("sha256", message, world.merchant.publicKey, Buffer.from(signature, "base64"));
  return valid ? { ...common, valid } : { ...common, valid, problem: "signature does not verify" };
}

export interface SignOverrides {
  serial?: string;
  timestamp?: string;
  nonce?: string;
  signature?: string;
  /** Sign with this key instead of the platform's (a forgery). */
  privateKey?: KeyObject;
}

/** §3.2 by hand: `timestamp\nnonce\nbody\n`, SHA256withRSA, Base64. */
export function signedReply(
  world: TestWorld,
  status: number,
  body: string,
  overrides: SignOverrides = {},
): Reply {
  const timestamp = overrides.timestamp ?? String(Math.floor(world.now / 1000));
  const nonce = overrides.nonce ?? randomBytes(16).toString("hex");
  const signature =
    overrides.signature ??
    sign(
      "sha256",
      Buffer.from(`${timestamp}\n${nonce}\n${body}\n`),
      overrides.privateKey ?? world.platform.privateKey,
    ).toString("base64");
  return {
    status,
    body,
    headers: {
      "Content-Type": "application/json",
      "Wechatpay-Timestamp": timestamp,
      "Wechatpay-Nonce": nonce,
      "Wechatpay-Signature": signature,
      "Wechatpay-Serial": overrides.serial ?? world.publicKeyId,
      "Wechatpay-Signature-Type": "WECHATPAY2-SHA256-RSA2048",
    },
  };
}

/** A non-2xx answer: WeChat Pay does not sign these (§3.3). */
export function errorReply(status: number, code: string, message: string, detail?: unknown): Reply {
  return {
    status,
    body: JSON.stringify({ code, message, ...(detail === undefined ? {} : { detail }) }),
    headers: { "Content-Type": "application/json" },
  };
}

/** A URL on which nothing listens: connecting to it fails with ECONNREFUSED. */
export async function closedPortUrl(): Promise<string> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as AddressInfo;
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return `http://127.0.0.1:${port}`;
}
