import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { Writable } from "node:stream";
import type { RunningSandbox } from "@kassa/sandbox";
import { DEMO_ALIPAY_APP, DEMO_MERCHANT } from "../src/channels/demo-sandbox.ts";
import { loadConfig } from "../src/config.ts";
import { type RunningKassa, runKassa } from "../src/main.ts";
import { DEMO_MASTER_KEY_FILE } from "../src/webhooks/secret-box.ts";
import { createTestDatabase, type TestDatabase } from "./database.ts";
import { findSecretsInLogs } from "./log-scan.ts";

export interface Answer {
  status: number;
  body: unknown;
  headers: Headers;
}

/**
 * Kassa as a newcomer runs it (demo mode: the simulator in-process as the channel), on a
 * fresh real database (SQLite, or PostgreSQL when DATABASE_URL is set), over real HTTP on
 * loopback. On close, every log line it wrote is scanned for secrets, tokens and openids.
 */
export interface RequestOptions {
  token?: string;
  body?: unknown;
  headers?: Record<string, string>;
}

/** One HTTP call to a Kassa at `baseUrl`, as a mini program or merchant makes it; the body parsed when JSON. */
export async function requestJson(
  baseUrl: string,
  method: string,
  path: string,
  options: RequestOptions = {},
): Promise<Answer> {
  const response = await fetch(`${baseUrl}${path}`, {
    method,
    headers: {
      ...(options.body !== undefined ? { "content-type": "application/json" } : {}),
      ...(options.token ? { authorization: `Bearer ${options.token}` } : {}),
      ...options.headers,
    },
    ...(options.body !== undefined ? { body: JSON.stringify(options.body) } : {}),
  });
  const text = await response.text();
  let body: unknown = text;
  try {
    body = text ? JSON.parse(text) : undefined;
  } catch {
    // not JSON: keep the text
  }
  return { status: response.status, body, headers: response.headers };
}

export class KassaUnderTest {
  readonly logs: string[];
  readonly #secrets: string[] = [];

  private constructor(
    readonly running: RunningKassa,
    private readonly dataDir: string,
    logs: string[],
    private readonly database: TestDatabase,
  ) {
    this.logs = logs;
  }

  static async start(env: Record<string, string> = {}): Promise<KassaUnderTest> {
    return KassaUnderTest.#start(env, undefined);
  }

  /**
   * Another Kassa instance on the same database and the same simulator (close it first), with
   * the first one's master key, so it can open the webhook secrets the first one sealed.
   */
  static async startSecondInstance(
    first: KassaUnderTest,
    env: Record<string, string> = {},
  ): Promise<KassaUnderTest> {
    return KassaUnderTest.#start(
      { KASSA_MASTER_KEY_FILE: join(first.dataDir, DEMO_MASTER_KEY_FILE), ...env },
      first,
    );
  }

  static async #start(
    env: Record<string, string>,
    first: KassaUnderTest | undefined,
  ): Promise<KassaUnderTest> {
    const dataDir = mkdtempSync(join(tmpdir(), "kassa-flow-"));
    const logs: string[] = [];
    const logDestination = new Writable({
      write(chunk, _encoding, done) {
        logs.push(...String(chunk).split("\n").filter(Boolean));
        done();
      },
    });
    const database = first ? first.database : await createTestDatabase();
    const config = loadConfig(
      {
        KASSA_MODE: "demo",
        // The database the test made: what the config check (kassa doctor's) reports on.
        DATABASE_URL: database.url,
        PORT: "0",
        KASSA_DATA_DIR: dataDir,
        LOG_LEVEL: "info",
        // Flow tests reuse one payer for many orders; the per-user caps have their own test
        // (flows/order-limits.test.ts), which sets them low.
        KASSA_MAX_OPEN_ORDERS_PER_USER: "1000",
        KASSA_MAX_HELD_UNITS_PER_USER: "1000000",
        ...env,
      },
      dataDir,
    );
    // The test drives jobs with runJobs(), so no background worker races it.
    const running = await runKassa({
      config,
      database: first ? first.database.connectAgain() : database,
      logDestination,
      sandboxPort: 0,
      startWorker: false,
      ...(first ? { sandbox: first.sandbox } : {}),
    });
    const harness = new KassaUnderTest(running, dataDir, logs, database);
    harness.#rememberMerchantSecrets();
    return harness;
  }

  get url(): string {
    return this.running.url;
  }

  get sandbox(): RunningSandbox {
    if (!this.running.sandbox) throw new Error("demo mode has a sandbox");
    return this.running.sandbox;
  }

  /** A logged-in payer: a one-time wx.login code from the simulator, exchanged at /v1/session. */
  async login(openid?: string): Promise<string> {
    const code = await this.sandbox.admin.mintLoginCode({
      appid: DEMO_MERCHANT.appid,
      ...(openid ? { openid } : {}),
    });
    this.#secrets.push(code.openid);
    const answer = await this.request("POST", "/v1/session", { body: { code: code.code } });
    if (answer.status !== 201)
      throw new Error(`login failed: ${answer.status} ${JSON.stringify(answer.body)}`);
    const token = (answer.body as { token: string }).token;
    this.#secrets.push(token);
    return token;
  }

  /**
   * A logged-in Alipay payer of the demo app: a one-time my.getAuthCode code from the
   * simulator (for `userId`, a 2088… id, or a new user), exchanged at /v1/session with
   * `channel: "alipay"`. The buyer's ids join the secrets no log line may hold.
   */
  async loginAlipay(userId?: string): Promise<string> {
    const code = await this.sandbox.admin.mintAlipayAuthCode({
      appId: DEMO_ALIPAY_APP.appId,
      ...(userId ? { userId } : {}),
    });
    this.#secrets.push(code.userId, code.openId, code.code);
    const answer = await this.request("POST", "/v1/session", {
      body: { code: code.code, channel: "alipay" },
    });
    if (answer.status !== 201)
      throw new Error(`Alipay login failed: ${answer.status} ${JSON.stringify(answer.body)}`);
    const token = (answer.body as { token: string }).token;
    this.#secrets.push(token);
    return token;
  }

  async request(
    method: string,
    path: string,
    options: { token?: string; body?: unknown; headers?: Record<string, string> } = {},
  ): Promise<Answer> {
    return requestJson(this.url, method, path, options);
  }

  /** A secret the test made (a merchant API key): the log scan on close fails if it appears. */
  rememberSecret(value: string): void {
    this.#secrets.push(value);
  }

  /** Run the job worker until nothing is due (tests drive time, not timers), then seal the ledger as its loop would. */
  async runJobs(): Promise<void> {
    while ((await this.running.kassa.worker.runDueJobs()) > 0) {
      // keep going: a job may schedule another that is already due
    }
    await this.running.kassa.sealer.sealNow();
  }

  /** The same for the webhooks queue's own worker: every delivery attempt now due. */
  async runWebhookJobs(): Promise<void> {
    while ((await this.running.kassa.webhookWorker.runDueJobs()) > 0) {
      // keep going: a batch holds at most the worker's concurrency
    }
  }

  async close(): Promise<void> {
    await this.running.close();
    rmSync(this.dataDir, { recursive: true, force: true });
    const leaks = findSecretsInLogs(this.logs, { values: this.#secrets });
    if (leaks.length > 0) throw new Error(`secrets reached the logs:\n${leaks.join("\n")}`);
  }

  #rememberMerchantSecrets(): void {
    const merchant = this.sandbox.admin.getMerchant(DEMO_MERCHANT.mchid);
    const json = JSON.parse(readFileSync(merchant.files.merchantJson, "utf8")) as {
      appSecret: string;
      apiV3Key: string;
    };
    this.#secrets.push(json.appSecret, json.apiV3Key);
    // The Alipay app's private key, as its PEM body: a log line would hold it so.
    const alipay = this.sandbox.admin.alipayCredentials(DEMO_ALIPAY_APP.appId);
    this.#secrets.push(pemBody(alipay.appPrivateKeyPem));
  }
}

/** A PEM's Base64 body on one line. */
function pemBody(pem: string): string {
  return pem.replace(/-----[A-Z ]+-----/g, "").replace(/\s+/g, "");
}
