import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { createServer, type Server, Socket } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { Writable } from "node:stream";
import { type RunningSandbox, startSandbox } from "@kassa/sandbox";
import { sql } from "kysely";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { loadConfig } from "../../src/config.ts";
import { connectDatabase } from "../../src/db/connect.ts";
import { migrateToLatest } from "../../src/db/migrate.ts";
import { type RunningKassa, runKassa } from "../../src/main.ts";
import { atSimulator } from "../at-simulator.ts";
import { createTestDatabase, type TestDatabase } from "../database.ts";

/**
 * Issue 13's probes where they matter: a production Kassa's /metrics refuses a scrape without
 * KASSA_METRICS_TOKEN and answers one with it; /readyz answers 503 naming the failing check when
 * a migration is missing, and when the database stops answering (PostgreSQL behind a TCP relay
 * the test cuts, as a network partition or a stopped server would).
 */
const TOKEN = `${"p".repeat(16)}0123456789abcdef0123`;
const MERCHANT = { mchid: "1683920481", appid: "wx6a3c9e0b17d24f58" };
const dir = mkdtempSync(join(tmpdir(), "kassa-ops-production-"));
const quiet = () =>
  new Writable({
    write(_chunk, _encoding, done) {
      done();
    },
  });

let sandbox: RunningSandbox;
let database: TestDatabase;
let kassa: RunningKassa;

beforeAll(async () => {
  sandbox = await startSandbox({
    dataDir: join(dir, "sandbox"),
    port: 0,
    config: { merchants: [{ ...MERCHANT, certificates: false }] },
  });
  const merchant = sandbox.admin.getMerchant(MERCHANT.mchid);
  const json = JSON.parse(readFileSync(merchant.files.merchantJson, "utf8")) as {
    appSecret: string;
    apiV3Key: string;
  };
  const loaded = loadConfig(
    {
      KASSA_MODE: "production",
      PORT: "0",
      DATABASE_URL: "postgres://unused", // the test hands runKassa its own database
      KASSA_PUBLIC_BASE_URL: "https://pay.example.cn",
      KASSA_METRICS_TOKEN: TOKEN,
      WECHATPAY_MCHID: MERCHANT.mchid,
      WECHATPAY_APPID: MERCHANT.appid,
      WECHATPAY_APP_SECRET: json.appSecret,
      WECHATPAY_APIV3_KEY: json.apiV3Key,
      WECHATPAY_MERCHANT_SERIAL_NO: merchant.merchantSerialNo,
      WECHATPAY_MERCHANT_PRIVATE_KEY_FILE: merchant.files.privateKey,
      WECHATPAY_PUBLIC_KEY_ID: merchant.wechatpayPublicKeyId,
      WECHATPAY_PUBLIC_KEY_FILE: merchant.files.wechatpayPublicKey,
      LOG_LEVEL: "warn",
    },
    dir,
  );
  // Production refuses an http WeChat Pay URL; the simulator listens on http here.
  const config = atSimulator(loaded, sandbox);
  database = await createTestDatabase();
  kassa = await runKassa({ config, database, startWorker: false, logDestination: quiet() });
});
afterAll(async () => {
  await kassa?.close();
  await sandbox?.close();
  rmSync(dir, { recursive: true, force: true });
});

describe("production /metrics", () => {
  it("refuses a scrape without the token or with another one", async () => {
    for (const headers of [{}, { authorization: `Bearer ${TOKEN.slice(1)}` }, { authorization: TOKEN }]) {
      const answer = await fetch(`${kassa.url}/metrics`, { headers });
      expect(answer.status).toBe(401);
      expect(await answer.json()).toMatchObject({ code: "METRICS_TOKEN_REQUIRED" });
    }
  });

  it("answers a scrape with the token, in Prometheus' text format", async () => {
    const answer = await fetch(`${kassa.url}/metrics`, { headers: { authorization: `Bearer ${TOKEN}` } });
    expect(answer.status).toBe(200);
    expect(answer.headers.get("content-type")).toMatch(/^text\/plain; version=0\.0\.4/);
    expect(await answer.text()).toMatch(/^kassa_process_resident_memory_bytes \d+/m);
  });
});

describe("/readyz", () => {
  it("answers 503 naming the migrations when one is missing, and 200 again once it is back", async () => {
    const ready = await fetch(`${kassa.url}/readyz`);
    expect(ready.status).toBe(200);
    // Kysely's own table, outside Kassa's schema types: plain SQL.
    const { rows } = await sql<{ name: string; timestamp: string }>`
      select name, timestamp from kysely_migration order by name desc limit 1`.execute(database.db);
    const last = rows[0];
    if (!last) throw new Error("no migration recorded");
    await sql`delete from kysely_migration where name = ${last.name}`.execute(database.db);
    try {
      const answer = await fetch(`${kassa.url}/readyz`);
      expect(answer.status).toBe(503);
      const body = (await answer.json()) as {
        status: string;
        checks: Record<string, { ok: boolean; detail: string }>;
      };
      expect(body.status).toBe("not_ready");
      expect(body.checks.database).toMatchObject({ ok: true });
      expect(body.checks.migrations?.ok).toBe(false);
      expect(body.checks.migrations?.detail).toMatch(/^\d+ of \d+ applied: a start .* applies them$/);
    } finally {
      await sql`insert into kysely_migration (name, timestamp) values (${last.name}, ${last.timestamp})`.execute(
        database.db,
      );
    }
    expect((await fetch(`${kassa.url}/readyz`)).status).toBe(200);
  });

  it("answers 503 naming the database when PostgreSQL stops answering", async () => {
    // PostgreSQL whatever DATABASE_URL says: SQLite, a file, cannot be cut off like this.
    const server = process.env.DATABASE_URL?.startsWith("postgres")
      ? process.env.DATABASE_URL
      : "postgres://postgres@127.0.0.1:5432/test";
    const target = new URL(server);
    const relay = await startRelay(target.hostname, Number(target.port || 5432));
    const schema = `kassa_readyz_${Date.now().toString(36)}`;
    const admin = connectDatabase({ url: server, poolSize: 1 });
    await sql`create schema ${sql.id(schema)}`.execute(admin.db);
    const relayed = new URL(server);
    relayed.host = `127.0.0.1:${relay.port}`;
    const handle = connectDatabase({ url: relayed.href, schema, poolSize: 2 });
    let demo: RunningKassa | undefined;
    try {
      await migrateToLatest(handle);
      const config = loadConfig({ KASSA_MODE: "demo", PORT: "0", KASSA_DATA_DIR: join(dir, "demo") }, dir);
      demo = await runKassa({
        config,
        database: handle,
        sandboxPort: 0,
        startWorker: false,
        logDestination: quiet(),
      });
      expect((await fetch(`${demo.url}/readyz`)).status).toBe(200);

      relay.cut();
      const answer = await fetch(`${demo.url}/readyz`);
      expect(answer.status).toBe(503);
      const body = (await answer.json()) as {
        status: string;
        checks: Record<string, { ok: boolean; detail: string }>;
      };
      expect(body.status).toBe("not_ready");
      expect(body.checks.database?.ok).toBe(false);
      expect(body.checks.database?.detail).toMatch(/^no answer: /);
      expect(body.checks.apps).toMatchObject({ ok: true });
    } finally {
      relay.restore();
      await demo?.close();
      await sql`drop schema ${sql.id(schema)} cascade`.execute(admin.db);
      await admin.close();
      await relay.close();
    }
  });
});

/** A TCP relay to PostgreSQL that can be cut (every connection reset, new ones refused). */
async function startRelay(host: string, port: number) {
  const sockets = new Set<Socket>();
  let cut = false;
  const server: Server = createServer((client) => {
    if (cut) return client.destroy();
    const upstream = new Socket();
    upstream.connect(port, host);
    for (const socket of [client, upstream]) {
      sockets.add(socket);
      socket.on("error", () => undefined);
      socket.on("close", () => sockets.delete(socket));
    }
    client.pipe(upstream).pipe(client);
  });
  await new Promise<void>((listening) => server.listen(0, "127.0.0.1", listening));
  const address = server.address();
  if (address === null || typeof address === "string") throw new Error("no port");
  return {
    port: address.port,
    cut() {
      cut = true;
      for (const socket of sockets) socket.destroy();
    },
    restore() {
      cut = false;
    },
    close: () => new Promise<void>((closed) => server.close(() => closed())),
  };
}
