import { createPrivateKey, createPublicKey, sign, verify, X509Certificate } from "node:crypto";
import { mkdtemp, readdir, readFile, rm, stat, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { callApi, loadMerchant, loginOpenid, prepayBody, startTestSandbox } from "../test/test-sandbox.ts";
import { createAdminApi } from "./admin/admin-api.ts";
import { parseConfig } from "./config.ts";
import { createContext } from "./context.ts";
import { buildServer } from "./http/server.ts";
import { startSandbox } from "./start.ts";

let dataDir: string;

beforeAll(async () => {
  dataDir = await mkdtemp(join(tmpdir(), "kassa-sandbox-test-"));
});
afterAll(() => rm(dataDir, { recursive: true, force: true }));

describe("the merchant's files", () => {
  it("writes a key pair, a certificate with the announced serial, the WeChat Pay public key and platform certificates", async () => {
    const sandbox = await startTestSandbox();
    try {
      const view = await sandbox.admin.createMerchant({ merchantName: "Kassa Café" });
      const json = JSON.parse(await readFile(view.files.merchantJson, "utf8"));
      expect(json).toMatchObject({ mchid: view.mchid, appid: view.appid, merchantName: "Kassa Café" });
      expect(json.apiV3Key).toMatch(/^[0-9A-Za-z]{32}$/);
      expect(json.appSecret).toMatch(/^[0-9a-f]{32}$/);
      expect(json.wechatpayPublicKeyId).toMatch(/^PUB_KEY_ID_\d{34}$/);
      expect(json.merchantSerialNo).toMatch(/^[0-9A-F]{40}$/);
      const certificate = new X509Certificate(await readFile(view.files.certificate, "utf8"));
      expect(certificate.serialNumber.toUpperCase()).toBe(json.merchantSerialNo);
      expect(certificate.subject).toContain(`CN=${view.mchid}`);
      const privateKey = createPrivateKey(await readFile(view.files.privateKey, "utf8"));
      const signature = sign("sha256", Buffer.from("pair?"), privateKey);
      expect(verify("sha256", Buffer.from("pair?"), certificate.publicKey, signature)).toBe(true);
      expect((await stat(view.files.privateKey)).mode & 0o777).toBe(0o600);
      expect(
        createPublicKey(await readFile(view.files.wechatpayPublicKey, "utf8")).asymmetricKeyDetails
          ?.modulusLength,
      ).toBe(2048);
      const platform = new X509Certificate(await readFile(view.files.platformCertificates[0]!, "utf8"));
      expect(platform.serialNumber.toUpperCase()).toBe(json.platformCertificates[0].serialNo);
      expect(view.files.platformCertificates[0]).toMatch(/platform_cert_[0-9A-F]{40}\.pem$/);
      expect(JSON.stringify(sandbox.admin.listMerchants())).not.toContain(json.apiV3Key); // secrets stay in the files
    } finally {
      await sandbox.close();
    }
  });
});

describe("persistence across a restart on the same data directory", () => {
  it("keeps merchants, orders, prepay ids, codes, jobs and the clock", async () => {
    const config = { seed: "restart", clock: { speed: 0 } };
    const first = await startSandbox({ port: 0, dataDir, config, log: () => {} });
    const merchant = await loadMerchant(await first.admin.createMerchant());
    const openid = await loginOpenid(first, merchant);
    const body = prepayBody(merchant, openid);
    const prepaid = await callApi(first, merchant, {
      method: "POST",
      url: "/v3/pay/transactions/jsapi",
      body,
    });
    await first.admin.advanceClock(3600_000);
    const unusedCode = await first.admin.mintLoginCode({ appid: merchant.appid, openid }); // valid 5 more minutes
    const timeBefore = first.clock.now();
    await first.close();
    expect((await readdir(dataDir)).filter((name) => name.includes(".tmp"))).toEqual([]);

    const second = await startSandbox({ port: 0, dataDir, config, log: () => {} });
    try {
      expect(second.clock.now()).toBe(timeBefore);
      expect(second.admin.getMerchant(merchant.mchid).appid).toBe(merchant.appid);
      const order = second.admin.getOrder(merchant.mchid, body.out_trade_no);
      expect(order.prepays).toEqual([
        expect.objectContaining({
          prepayId: (prepaid.json as { prepay_id: string }).prepay_id,
          status: "ACTIVE",
        }),
      ]);
      // The merchant's files still sign; the openid is still known to belong to the appid.
      const again = await callApi(second, merchant, {
        method: "POST",
        url: "/v3/pay/transactions/jsapi",
        body,
      });
      expect(again.status).toBe(200);
      expect(second.admin.getOrder(merchant.mchid, body.out_trade_no).prepays).toHaveLength(2);
      const query = new URLSearchParams({
        appid: merchant.appid,
        secret: merchant.appSecret,
        js_code: unusedCode.code,
        grant_type: "authorization_code",
      });
      expect(await (await fetch(`${second.url}/sns/jscode2session?${query}`)).json()).toMatchObject({
        openid,
      });
      // The first prepay_id's expiry job survived: it fires 2 h after issue, 1 h after the restart.
      const { fired } = await second.admin.advanceClock(3600_000);
      expect(fired.filter((job) => job.kind === "prepay.expire")).toHaveLength(1);
    } finally {
      await second.close();
    }
    const state = JSON.parse(await readFile(join(dataDir, "state.json"), "utf8"));
    expect(state).toMatchObject({ format: "kassa-sandbox-state", version: 1, meta: { seed: "restart" } });
  });

  it("refuses a state.json it cannot read, saying so", async () => {
    const broken = await mkdtemp(join(tmpdir(), "kassa-sandbox-broken-"));
    try {
      await writeFile(join(broken, "state.json"), "{ half a snapshot");
      await expect(startSandbox({ port: 0, dataDir: broken })).rejects.toMatchObject({
        code: "STATE_UNREADABLE",
      });
    } finally {
      await rm(broken, { recursive: true, force: true });
    }
  });
});

describe("start-up from the configuration", () => {
  it("creates the configured merchants once and installs the configured faults", async () => {
    const config = {
      clock: { speed: 0 },
      merchants: [
        { mchid: "1900000109", appid: "wx00000000000abcde", merchantName: "Seeded", certificates: false },
      ],
      faults: [{ endpoint: "certificates.list", fault: "unavailable" }],
    };
    const sandbox = await startTestSandbox(config);
    try {
      const merchant = await loadMerchant(sandbox.admin.getMerchant("1900000109"));
      expect(merchant.view).toMatchObject({ appid: "wx00000000000abcde", platformCertificates: [] });
      expect((await callApi(sandbox, merchant, { method: "GET", url: "/v3/certificates" })).status).toBe(503);
    } finally {
      await sandbox.close();
    }
  });

  it("refuses unknown and malformed settings, naming them", () => {
    expect(() => parseConfig({ probe_rate: 0.1 })).toThrow(/config.probe_rate is not a known setting/);
    expect(() => parseConfig({ probeRate: 2 })).toThrow(/probeRate must be a number from 0 to 1/);
    expect(() => parseConfig({ clock: { speed: -1 } })).toThrow(/clock.speed/);
    expect(parseConfig({})).toMatchObject({
      host: "127.0.0.1",
      port: 8780,
      maxClockSkewSeconds: 300,
      probeRate: 0,
    });
  });
});

describe("the admin API", () => {
  it("answers loopback clients only", async () => {
    const directory = await mkdtemp(join(tmpdir(), "kassa-sandbox-admin-"));
    try {
      const ctx = await createContext({
        config: parseConfig({ clock: { speed: 0 } }),
        dataDir: directory,
        log: () => {},
      });
      const app = buildServer(ctx, createAdminApi(ctx));
      const remote = await app.inject({ method: "GET", url: "/admin/clock", remoteAddress: "192.168.1.20" });
      expect(remote.statusCode).toBe(403);
      expect(remote.json()).toMatchObject({ code: "ADMIN_FORBIDDEN" });
      for (const local of ["127.0.0.1", "::1", "::ffff:127.0.0.1"]) {
        expect(
          (await app.inject({ method: "GET", url: "/admin/clock", remoteAddress: local })).statusCode,
        ).toBe(200);
      }
      await app.close();
    } finally {
      await rm(directory, { recursive: true, force: true });
    }
  });

  it("serves merchants, login codes, orders, the clock and the probe rate over HTTP", async () => {
    const sandbox = await startTestSandbox();
    try {
      const admin = (path: string, body?: unknown) =>
        fetch(
          `${sandbox.url}/admin${path}`,
          body === undefined ? {} : { method: "POST", body: JSON.stringify(body) },
        );
      const created = await admin("/merchants", { merchantName: "Over HTTP" });
      expect(created.status).toBe(201);
      const view = (await created.json()) as { mchid: string; appid: string };
      expect(await (await admin(`/merchants/${view.mchid}`)).json()).toMatchObject({
        merchantName: "Over HTTP",
      });
      expect(((await (await admin("/merchants")).json()) as { data: unknown[] }).data).toHaveLength(1);
      const code = await admin("/login-codes", { appid: view.appid });
      expect(code.status).toBe(201);
      expect(await code.json()).toMatchObject({
        appid: view.appid,
        code: expect.stringMatching(/^[0-9A-Za-z]{32}$/),
      });
      expect(await (await admin("/orders")).json()).toEqual({ data: [] });
      expect((await admin(`/orders/${view.mchid}/NO-SUCH`)).status).toBe(404);
      const before = ((await (await admin("/clock")).json()) as { now: number }).now;
      expect(await (await admin("/clock/advance", { ms: 5000 })).json()).toMatchObject({
        now: before + 5000,
        fired: [],
      });
      expect(await (await admin("/clock/speed", { speed: 0 })).json()).toMatchObject({
        speed: 0,
        seed: "test-seed",
      });
      expect(await (await admin("/probe-rate", { rate: 0.25 })).json()).toEqual({ probeRate: 0.25 });
      const refused = await admin("/clock/advance", { ms: -5 });
      expect(refused.status).toBe(400);
      expect(await refused.json()).toMatchObject({
        code: "ADMIN_REQUEST_INVALID",
        message: expect.stringContaining("ms must be"),
      });
      expect((await admin("/merchants", { mchid: view.mchid })).status).toBe(409);
      expect((await admin("/no-such-route")).status).toBe(404);
    } finally {
      await sandbox.close();
    }
  });
});
