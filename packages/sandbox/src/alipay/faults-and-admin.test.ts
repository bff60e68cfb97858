import { mkdtemp, readFile, rm, stat } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import {
  AlipayApiError,
  AlipayError,
  certificateSn,
  createAlipayClient,
  rootCertificateSn,
} from "@kassa/alipay";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import {
  CERT_APP,
  clientFor,
  KEY_APP,
  loginBuyer,
  newOutTradeNo,
  rawGatewayCall,
  startAlipaySandbox,
} from "../../test/alipay-sandbox.ts";
import { parseConfig } from "../config.ts";
import { type RunningSandbox, startSandbox } from "../start.ts";

let sandbox: RunningSandbox;

beforeAll(async () => {
  sandbox = await startAlipaySandbox();
});

afterAll(async () => {
  await sandbox.close();
});

describe("faults on Alipay methods (issue 3's registry)", () => {
  it("unavailable answers 20000 before anything is applied; apply_then_reset creates the trade and drops the connection", async () => {
    const { client } = await clientFor(sandbox, KEY_APP.appId);
    const { user_id } = await loginBuyer(sandbox, client);
    sandbox.admin.addFault({ endpoint: "alipay.trade.query", fault: "unavailable", times: 1 });
    const refused = await client.trade.query({ out_trade_no: "anything" }).catch((error: unknown) => error);
    expect(refused).toBeInstanceOf(AlipayApiError);
    expect(refused).toMatchObject({ gatewayCode: "20000", subCode: "isp.unknow-error" });
    // The rule was used up: the next call reaches the gateway (an unknown trade).
    expect(
      await client.trade.query({ out_trade_no: "anything" }).catch((error: AlipayApiError) => error.subCode),
    ).toBe("ACQ.TRADE_NOT_EXIST");
    sandbox.admin.addFault({
      endpoint: "alipay.trade.create",
      fault: "apply_then_reset",
      times: 1,
      mchid: KEY_APP.appId,
    });
    const outTradeNo = newOutTradeNo();
    const request = {
      out_trade_no: outTradeNo,
      total_amount: 100,
      subject: "lost answer",
      buyer_id: user_id!,
    };
    const lost = await client.trade.create(request).catch((error: unknown) => error);
    expect(lost).toBeInstanceOf(AlipayError);
    expect(lost).toMatchObject({ code: "OUTCOME_UNKNOWN" });
    const trade = sandbox.admin.getAlipayTrade(KEY_APP.appId, outTradeNo);
    expect(trade.status).toBe("WAIT_BUYER_PAY");
    // Retrying with the same parameters is safe: the same trade comes back (A.1).
    expect((await client.trade.create(request)).trade_no).toBe(trade.tradeNo);
  });

  it("a rule for one app leaves another app's calls alone", async () => {
    sandbox.admin.addFault({ endpoint: "alipay.trade.query", fault: "unavailable", mchid: CERT_APP.appId });
    try {
      const { client } = await clientFor(sandbox, KEY_APP.appId);
      await expect(client.trade.query({ out_trade_no: "x" })).rejects.toMatchObject({
        subCode: "ACQ.TRADE_NOT_EXIST",
      });
    } finally {
      sandbox.admin.clearFaults();
    }
  });

  it("buyer_pays_first: the buyer pays just before the close, which fails; the trade is paid and notified", async () => {
    const { client } = await clientFor(sandbox, KEY_APP.appId);
    const { user_id } = await loginBuyer(sandbox, client);
    const outTradeNo = newOutTradeNo();
    await client.trade.create({
      out_trade_no: outTradeNo,
      total_amount: 100,
      subject: "race",
      buyer_id: user_id!,
    });
    sandbox.admin.addFault({
      endpoint: "alipay.trade.close.race",
      fault: "buyer_pays_first",
      outTradeNo,
      times: 1,
    });
    await expect(client.trade.close({ out_trade_no: outTradeNo })).rejects.toMatchObject({
      subCode: "ACQ.TRADE_STATUS_ERROR",
    });
    expect((await client.trade.query({ out_trade_no: outTradeNo })).trade_status).toBe("TRADE_SUCCESS");
    expect(sandbox.admin.listAlipayNotifications({ outTradeNo })).toHaveLength(1);
  });

  it("a rule naming a method the gateway does not have is refused", () => {
    expect(() => sandbox.admin.addFault({ endpoint: "alipay.trade.pay", fault: "unavailable" })).toThrow(
      /endpoint/,
    );
  });
});

describe("certificate mode (A.3)", () => {
  it("writes the three certificates; their SNs are what the client computes; wrong SNs are refused", async () => {
    const credentials = sandbox.admin.alipayCredentials(CERT_APP.appId);
    const files = credentials.files;
    expect(files.appCert).toMatch(new RegExp(`appCertPublicKey_${CERT_APP.appId}\\.crt$`));
    expect(files.alipayPublicCert).toMatch(/alipayCertPublicKey_RSA2\.crt$/);
    expect(files.alipayRootCert).toMatch(/alipayRootCert\.crt$/);
    expect(certificateSn(await readFile(files.appCert!, "utf8"))).toBe(credentials.appCertSn);
    expect(certificateSn(await readFile(files.alipayPublicCert!, "utf8"))).toBe(credentials.alipayCertSn);
    expect(rootCertificateSn(await readFile(files.alipayRootCert!, "utf8"))).toBe(
      credentials.alipayRootCertSn,
    );
    expect((await stat(files.appPrivateKey)).mode & 0o777).toBe(0o600);
    const { json } = await rawGatewayCall(sandbox, CERT_APP.appId, "alipay.trade.query", {
      out_trade_no: "x",
    });
    expect(json.alipay_cert_sn).toBe(credentials.alipayCertSn);
    // The right private key, but the app certificate sent is another one (Alipay's): its SN is not the app's.
    const stranger = createAlipayClient({
      appId: CERT_APP.appId,
      appPrivateKey: credentials.appPrivateKeyPem,
      keys: {
        mode: "certificate",
        appCert: credentials.alipayPublicCertPem!, // a certificate of the right CA, but not the app's
        alipayPublicCert: credentials.alipayPublicCertPem!,
        alipayRootCert: credentials.alipayRootCertPem!,
      },
      gatewayUrl: sandbox.alipayGatewayUrl,
      clock: () => sandbox.clock.now(),
    });
    await expect(stranger.trade.query({ out_trade_no: "x" })).rejects.toMatchObject({
      gatewayCode: "40002",
      subCode: "isv.invalid-app-cert-sn",
    });
  });

  it("key mode writes the app private key and the Alipay public key only", async () => {
    const { files } = sandbox.admin.alipayCredentials(KEY_APP.appId);
    expect(files.appCert).toBeUndefined();
    const appJson = JSON.parse(await readFile(files.appJson, "utf8"));
    expect(appJson).toMatchObject({
      appId: KEY_APP.appId,
      keyMode: "key",
      gatewayPath: "/alipay/gateway.do",
    });
    expect(appJson.files).toEqual({
      appPrivateKey: "app_private_key.pem",
      alipayPublicKey: "alipay_public_key.pem",
    });
  });
});

describe("admin over HTTP", () => {
  it("mints an auth code, lists and pays a trade, lists notifications, answers credentials; 404 for an unknown app", async () => {
    const admin = `${sandbox.url}/admin/alipay`;
    const post = (path: string, body: unknown = {}) =>
      fetch(`${admin}${path}`, {
        method: "POST",
        headers: { "content-type": "application/json" },
        body: JSON.stringify(body),
      });
    const minted = await post("/auth-codes", { appId: KEY_APP.appId });
    expect(minted.status).toBe(201);
    const { code } = (await minted.json()) as { code: string };
    const { client } = await clientFor(sandbox, KEY_APP.appId);
    const { open_id } = await client.oauth.token({ grant_type: "authorization_code", code });
    const outTradeNo = newOutTradeNo();
    await client.trade.create({
      out_trade_no: outTradeNo,
      total_amount: 250,
      subject: "http admin",
      buyer_open_id: open_id!,
    });
    const listed = (await (
      await fetch(`${admin}/trades?app_id=${KEY_APP.appId}&status=WAIT_BUYER_PAY`)
    ).json()) as {
      data: { outTradeNo: string }[];
    };
    expect(listed.data.map((trade) => trade.outTradeNo)).toContain(outTradeNo);
    const paid = await post(`/trades/${KEY_APP.appId}/${outTradeNo}/pay`);
    expect(await paid.json()).toMatchObject({ status: "TRADE_SUCCESS", totalAmount: "2.50", totalFen: 250 });
    expect((await post(`/trades/${KEY_APP.appId}/${outTradeNo}/pay`)).status).toBe(409);
    const notifications = (await (
      await fetch(`${admin}/notifications?out_trade_no=${outTradeNo}`)
    ).json()) as {
      data: { fields: Record<string, string> }[];
    };
    expect(notifications.data[0]!.fields).toMatchObject({
      trade_status: "TRADE_SUCCESS",
      total_amount: "2.50",
    });
    const credentials = await (await fetch(`${admin}/apps/${CERT_APP.appId}/credentials`)).json();
    expect(credentials).toMatchObject({
      keyMode: "cert",
      appCertSn: expect.stringMatching(/^[0-9a-f]{32}$/),
    });
    const missing = await fetch(`${admin}/apps/2021999999999999/credentials`);
    expect(missing.status).toBe(404);
    expect(await missing.json()).toMatchObject({ code: "ALIPAY_APP_NOT_FOUND" });
    const badApp = await post("/apps", {
      appId: "123",
      sellerId: "2088100000000001",
      notifyUrl: "https://x.invalid/",
      keyMode: "key",
    });
    expect(badApp.status).toBe(400);
    expect(await badApp.json()).toMatchObject({
      code: "ADMIN_REQUEST_INVALID",
      message: expect.stringContaining("app.appId must be Alipay's 16-digit app id"),
    });
    const created = await post("/apps", {
      appId: "2021000000000099",
      sellerId: "2088100000000099",
      notifyUrl: "https://x.invalid/",
      keyMode: "cert",
    });
    expect(created.status).toBe(201);
    expect(await created.json()).toMatchObject({ appId: "2021000000000099", keyMode: "cert" });
    expect(
      (
        await post("/apps", {
          appId: "2021000000000099",
          sellerId: "2088100000000099",
          notifyUrl: "https://x.invalid/",
          keyMode: "key",
        })
      ).status,
    ).toBe(409);
  });
});

describe("config and restarts", () => {
  it("refuses malformed alipayApps with the place and the rule", () => {
    const app = {
      appId: "2021000000000001",
      sellerId: "2088100000000001",
      notifyUrl: "https://a.invalid/n",
      keyMode: "key",
    };
    expect(parseConfig({ alipayApps: [app] }).alipayApps).toEqual([app]);
    expect(() => parseConfig({ alipayApps: [{ ...app, sellerId: "1234" }] })).toThrow(
      /alipayApps\[0\]\.sellerId must be 16 digits starting 2088/,
    );
    expect(() => parseConfig({ alipayApps: [{ ...app, keyMode: "certificate" }] })).toThrow(
      /alipayApps\[0\]\.keyMode must be "key" or "cert"/,
    );
    expect(() => parseConfig({ alipayApps: [{ ...app, appId: "wx123" }] })).toThrow(
      /appId must be Alipay's 16-digit app id/,
    );
    expect(() => parseConfig({ alipayApps: [{ ...app, notifyUrl: "ftp://x" }] })).toThrow(
      /notifyUrl must be an http/,
    );
    expect(() => parseConfig({ alipayApps: [{ ...app, extra: 1 }] })).toThrow(
      /alipayApps\[0\]\.extra is not a known setting/,
    );
    expect(() => parseConfig({ alipayApps: [app, app] })).toThrow(/listed twice/);
    expect(() => parseConfig({ alipayApps: {} })).toThrow(/must be a list/);
  });

  it("keeps apps, keys and trades across a restart on the same data directory", async () => {
    const dataDir = await mkdtemp(join(tmpdir(), "kassa-alipay-"));
    const options = {
      port: 0,
      dataDir,
      config: { clock: { speed: 0 }, alipayApps: [KEY_APP] },
      log: () => {},
    };
    try {
      const first = await startSandbox(options);
      const { client } = await clientFor(first, KEY_APP.appId);
      const { user_id } = await loginBuyer(first, client);
      const outTradeNo = newOutTradeNo();
      await client.trade.create({
        out_trade_no: outTradeNo,
        total_amount: 100,
        subject: "persisted",
        buyer_id: user_id!,
      });
      const keyBefore = first.admin.alipayCredentials(KEY_APP.appId).alipayPublicKeyPem;
      await first.close();
      const second = await startSandbox(options);
      try {
        expect(second.admin.alipayCredentials(KEY_APP.appId).alipayPublicKeyPem).toBe(keyBefore);
        const { client: again } = await clientFor(second, KEY_APP.appId);
        expect((await again.trade.query({ out_trade_no: outTradeNo })).trade_status).toBe("WAIT_BUYER_PAY");
      } finally {
        await second.close();
      }
    } finally {
      await rm(dataDir, { recursive: true, force: true });
    }
  });
});
