import { type RunningSandbox, startSandbox } from "@kassa/sandbox";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createTestDatabase, type TestDatabase } from "../../../test/database.ts";
import { readDemoCredentials } from "../../channels/demo-sandbox.ts";
import type { WechatPayCredentials } from "../../config.ts";
import { connectDatabase } from "../../db/connect.ts";
import type { Clock } from "../../domain/clock.ts";
import type { CheckResult } from "./check.ts";
import { checkNotifyUrl } from "./notify-url.check.ts";
import { checkRedis } from "./redis.check.ts";
import { type DoctorSetup, runDoctor } from "./run-doctor.ts";

/**
 * Each doctor check passes on a good configuration and fails on the mistake it is for, against
 * the real simulator (which refuses what WeChat Pay refuses), a real database (SQLite, or
 * PostgreSQL with DATABASE_URL) and the machine's Redis. Each simulator has its own frozen
 * clock, moved forward by the tests that need certificates near their end.
 */
const DAY = 24 * 3600 * 1000;
const FIVE_YEARS = 5 * 365 * DAY;
let sandbox: RunningSandbox;
let database: TestDatabase;
/** Certificate mode: platform certificates to download and decrypt. */
let certificateMerchant: WechatPayCredentials;
/** Public-key mode only, as WeChat Pay issues new merchants. */
let publicKeyMerchant: WechatPayCredentials;

async function newSandbox(): Promise<{
  sandbox: RunningSandbox;
  certificateMerchant: WechatPayCredentials;
  publicKeyMerchant: WechatPayCredentials;
}> {
  const started = await startSandbox({
    config: {
      clock: { speed: 0 },
      publicKeyOnlyCertificates: "empty",
      merchants: [{ mchid: "1900000201" }, { mchid: "1900000202", certificates: false }],
    },
  });
  const credentialsOf = (mchid: string) =>
    readDemoCredentials(started.admin.getMerchant(mchid).files.dir, started.url);
  const withCertificates = await credentialsOf("1900000201");
  const { publicKey: _none, ...certificateMode } = withCertificates;
  return {
    sandbox: started,
    certificateMerchant: { ...certificateMode, downloadPlatformCertificates: true },
    publicKeyMerchant: await credentialsOf("1900000202"),
  };
}

beforeAll(async () => {
  ({ sandbox, certificateMerchant, publicKeyMerchant } = await newSandbox());
  database = await createTestDatabase();
});
afterAll(async () => {
  await sandbox?.close();
  await database?.close();
});

function setupFor(
  credentials: WechatPayCredentials,
  overrides: Partial<DoctorSetup> & { clock?: Clock } = {},
): DoctorSetup {
  return {
    mode: "production",
    apps: [{ id: "app_default", credentials, webhookDomains: [] }],
    clock: { now: () => sandbox.clock.now() },
    notifyUrl: (appId) => `https://pay.shop.example/notify/wechatpay/${appId}`,
    databaseUrl: database.url,
    connect: () => database.connectAgain(),
    redisUrl: undefined,
    ...overrides,
  };
}

async function doctor(setup: DoctorSetup): Promise<Record<string, CheckResult>> {
  const results = await runDoctor(setup);
  return Object.fromEntries(results.map((result) => [result.id, result]));
}

const statuses = (checks: Record<string, CheckResult>) =>
  Object.fromEntries(Object.entries(checks).map(([id, check]) => [id, check.status]));

describe("kassa doctor's checks", () => {
  it("passes a certificate-mode merchant: key, serial, APIv3 key, certificates, signed call, clock", async () => {
    const checks = await doctor(setupFor(certificateMerchant));
    expect(statuses(checks)).toEqual({
      "merchant-key": "ok",
      "apiv3-key": "ok",
      "public-key-id": "ok",
      "certificate-expiry": "ok",
      "signed-call": "ok",
      "clock-skew": "ok",
      "notify-url": "ok",
      database: "ok",
      "webhook-urls": "ok",
      redis: "ok",
    });
    expect(checks["apiv3-key"]?.detail).toContain("decrypts the 1 platform certificate(s)");
    expect(checks["certificate-expiry"]?.detail).toMatch(
      /merchant certificate until .*platform certificate [0-9A-F]{40} until/,
    );
    expect(checks["signed-call"]?.detail).toMatch(/answered 200, signed with [0-9A-F]{40}, which verifies/);
  });

  it("passes a public-key merchant, whose answers are signed with its PUB_KEY_ID_", async () => {
    const checks = await doctor(setupFor(publicKeyMerchant));
    expect(Object.values(checks).filter((check) => check.status !== "ok")).toEqual([]);
    expect(checks["public-key-id"]?.detail).toContain(
      "WeChat Pay signs with it, and the configured key verifies",
    );
  });

  it("fails a wrong serial: the certificate names another, and the simulator refuses the signature", async () => {
    const wrong = `${"0".repeat(39)}1`;
    const checks = await doctor(setupFor({ ...publicKeyMerchant, merchantSerialNo: wrong }));
    expect(checks["merchant-key"]).toMatchObject({ status: "fail" });
    expect(checks["merchant-key"]?.detail).toContain(
      `WECHATPAY_MERCHANT_SERIAL_NO is ${wrong}, but the merchant certificate's serial is ${publicKeyMerchant.merchantSerialNo}`,
    );
    expect(checks["signed-call"]).toMatchObject({ status: "fail" });
    expect(checks["signed-call"]?.detail).toMatch(/^WeChat Pay refused the signature: SIGN_ERROR /);
  });

  it("fails another merchant's private key; without the certificate only the simulator's refusal tells", async () => {
    const { merchantCertificatePem: _kept, ...noCertificate } = publicKeyMerchant;
    const withCertificate = await doctor(
      setupFor({ ...publicKeyMerchant, merchantPrivateKeyPem: certificateMerchant.merchantPrivateKeyPem }),
    );
    expect(withCertificate["merchant-key"]?.detail).toMatch(
      /^the private key is not the one of the merchant certificate/,
    );
    expect(withCertificate["merchant-key"]?.status).toBe("fail");
    const without = await doctor(
      setupFor({ ...noCertificate, merchantPrivateKeyPem: certificateMerchant.merchantPrivateKeyPem }),
    );
    expect(without["merchant-key"]).toMatchObject({ status: "warn" });
    expect(without["merchant-key"]?.detail).toContain("set WECHATPAY_MERCHANT_CERTIFICATE_FILE");
    expect(without["signed-call"]?.status).toBe("fail");
    expect(without["signed-call"]?.detail).toContain("SIGN_ERROR");
  });

  it("fails a 5-byte APIv3 key, and a 32-byte one that is not the merchant's", async () => {
    const short = await doctor(setupFor({ ...certificateMerchant, apiV3Key: "abcde" }));
    expect(short["apiv3-key"]).toEqual({
      id: "apiv3-key",
      appId: "app_default",
      status: "fail",
      detail:
        "WECHATPAY_APIV3_KEY must be exactly 32 bytes (the 32-character APIv3 key set at 商户平台 → 账户中心 → API安全), got 5",
    });
    const other = await doctor(setupFor({ ...certificateMerchant, apiV3Key: publicKeyMerchant.apiV3Key }));
    expect(other["apiv3-key"]?.status).toBe("fail");
    expect(other["apiv3-key"]?.detail).toMatch(
      /^the platform certificates WeChat Pay lists do not decrypt with WECHATPAY_APIV3_KEY/,
    );
    // Nothing decrypted, nothing to verify the answer with: said, not passed.
    expect(other["signed-call"]?.status).toBe("fail");
  });

  it("fails a public key id without PUB_KEY_ID_, and another merchant's id and key", async () => {
    const key = publicKeyMerchant.publicKey as { id: string; pem: string };
    const malformed = await doctor(
      setupFor({ ...publicKeyMerchant, publicKey: { ...key, id: "KEY_ID_0001" } }),
    );
    expect(malformed["public-key-id"]).toMatchObject({ status: "fail" });
    expect(malformed["public-key-id"]?.detail).toBe(
      "WECHATPAY_PUBLIC_KEY_ID must start with PUB_KEY_ID_ (商户平台 → 账户中心 → API安全)",
    );
    const othersId = `PUB_KEY_ID_${"9".repeat(34)}`;
    const foreign = await doctor(setupFor({ ...publicKeyMerchant, publicKey: { ...key, id: othersId } }));
    expect(foreign["public-key-id"]?.status).toBe("fail");
    expect(foreign["public-key-id"]?.detail).toContain(
      `WeChat Pay signs this merchant's answers with ${key.id}, not with the configured ${othersId}`,
    );
    expect(foreign["signed-call"]?.status).toBe("fail");
    expect(foreign["signed-call"]?.detail).toContain("its answer's signature does not verify");
  });

  it("warns of a clock 90 s off, and fails one 400 s off, which the simulator refuses too", async () => {
    const off = (seconds: number) => ({ now: () => sandbox.clock.now() + seconds * 1000 });
    const slightly = await doctor(setupFor(publicKeyMerchant, { clock: off(90) }));
    expect(slightly["clock-skew"]).toMatchObject({ status: "warn" });
    expect(slightly["clock-skew"]?.detail).toMatch(/^this machine's clock is 90 s ahead of WeChat Pay's/);
    expect(slightly["signed-call"]?.status).toBe("ok");
    const far = await doctor(setupFor(publicKeyMerchant, { clock: off(-400) }));
    expect(far["clock-skew"]).toMatchObject({ status: "fail" });
    expect(far["clock-skew"]?.detail).toMatch(
      /^this machine's clock is 400 s behind WeChat Pay's: WeChat Pay refuses/,
    );
    expect(far["signed-call"]?.detail).toMatch(/^WeChat Pay refused the signature: SIGN_ERROR/);
  });

  it("warns of certificates within 30 days of their end, and fails expired ones", async () => {
    // A simulator of its own: its clock goes 5 years forward, to the certificates' end.
    const own = await newSandbox();
    try {
      const clock = { now: () => own.sandbox.clock.now() };
      for (let left = FIVE_YEARS - 10 * DAY; left > 0; left -= Math.min(left, 365 * DAY))
        await own.sandbox.admin.advanceClock(Math.min(left, 365 * DAY));
      const soon = await doctor(setupFor(own.certificateMerchant, { clock }));
      expect(soon["certificate-expiry"]?.status).toBe("warn");
      expect(soon["certificate-expiry"]?.detail).toMatch(
        /^the merchant certificate expires in 9 days .*; platform certificate [0-9A-F]{40} expires in 9 days/,
      );
      expect(soon["signed-call"]?.status).toBe("ok");
      await own.sandbox.admin.advanceClock(20 * DAY);
      const expired = await doctor(setupFor(own.certificateMerchant, { clock }));
      expect(expired["certificate-expiry"]?.status).toBe("fail");
      expect(expired["certificate-expiry"]?.detail).toMatch(
        /^the merchant certificate expired on \d{4}-\d\d-\d\d/,
      );
      // The platform certificate is withdrawn: certificate mode has nothing left to verify with.
      expect(expired["apiv3-key"]?.detail).toContain("lists no platform certificates");
      expect(expired["apiv3-key"]?.status).toBe("fail");
    } finally {
      await own.sandbox.close();
    }
  });

  it("fails an http notify URL, and one WeChat Pay cannot reach, under production's rules", () => {
    expect(
      checkNotifyUrl("production", "http://pay.shop.example/notify/wechatpay/app_default"),
    ).toMatchObject({
      status: "fail",
      detail: expect.stringContaining("is not https: WeChat Pay only notifies https URLs"),
    });
    expect(checkNotifyUrl("production", "https://10.0.0.8/notify/wechatpay/app_default")).toMatchObject({
      status: "fail",
      detail: expect.stringContaining("10.0.0.8 is a private address"),
    });
    expect(checkNotifyUrl("production", "https://pay.shop.example/notify/wechatpay/app_default").status).toBe(
      "ok",
    );
    expect(checkNotifyUrl("production", undefined).status).toBe("fail");
  });

  it("checks Alipay's notify URL by Alipay's rules: public, http only warned of", () => {
    expect(
      checkNotifyUrl("production", "https://pay.shop.example/notify/alipay/app_default", "alipay"),
    ).toEqual({
      status: "ok",
      detail: "https://pay.shop.example/notify/alipay/app_default is https on a public host",
    });
    expect(
      checkNotifyUrl("production", "http://pay.shop.example/notify/alipay/app_default", "alipay"),
    ).toMatchObject({
      status: "warn",
      detail: expect.stringContaining(
        "is http: Alipay notifies it, but each notification then crosses the internet unencrypted",
      ),
    });
    expect(
      checkNotifyUrl("production", "https://127.0.0.1/notify/alipay/app_default", "alipay"),
    ).toMatchObject({
      status: "fail",
      detail: expect.stringContaining("which Alipay cannot reach"),
    });
    expect(
      checkNotifyUrl("production", "ftp://pay.shop.example/notify/alipay/app_default", "alipay"),
    ).toMatchObject({
      status: "fail",
      detail: expect.stringContaining("is not an http(s) URL, which Alipay cannot post to"),
    });
    expect(checkNotifyUrl("production", undefined, "alipay")).toMatchObject({
      status: "fail",
      detail: "KASSA_PUBLIC_BASE_URL is not set: Alipay posts notifications to <it>/notify/alipay/<app>",
    });
    expect(checkNotifyUrl("demo", "http://127.0.0.1:8700/notify/alipay/app_default", "alipay").status).toBe(
      "ok",
    );
  });

  it("fails an unreachable database and one without every migration", async () => {
    const url = "postgres://postgres@127.0.0.1:1/kassa";
    const down = await doctor(
      setupFor(publicKeyMerchant, { databaseUrl: url, connect: () => connectDatabase({ url, poolSize: 1 }) }),
    );
    expect(down.database).toEqual({
      id: "database",
      status: "fail",
      detail:
        "cannot connect to PostgreSQL at 127.0.0.1:1 (connection refused): start PostgreSQL there, or fix the host and port in DATABASE_URL",
    });
    expect(down["webhook-urls"]?.status).toBe("warn");
    const old = await createTestDatabase({ upTo: "0005-merchant-api" });
    try {
      const behind = await doctor(
        setupFor(publicKeyMerchant, { databaseUrl: old.url, connect: () => old.connectAgain() }),
      );
      expect(behind.database?.status).toBe("fail");
      expect(behind.database?.detail).toMatch(/^migrations: 5 of \d+ applied: a start .* applies them$/);
    } finally {
      await old.close();
    }
  });

  it("fails an unreachable Redis, and passes the machine's own", async () => {
    expect(await checkRedis("redis://127.0.0.1:1")).toEqual({
      status: "fail",
      detail:
        "cannot reach Redis at 127.0.0.1:1 (ECONNREFUSED): start Redis there, fix REDIS_URL, or unset it (rate limits are then per instance)",
    });
    // The machine and CI run Redis on 127.0.0.1:6379 (see .ci/run); REDIS_URL overrides it.
    const local = await checkRedis(process.env.REDIS_URL ?? "redis://127.0.0.1:6379");
    expect(local).toMatchObject({ status: "ok", detail: expect.stringContaining("answers (PONG)") });
  });
});
