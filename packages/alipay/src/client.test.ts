import { AlipaySdk } from "alipay-sdk";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { certificateSn, rootCertificateSn } from "./cert-sn.ts";
import { type AlipayClient, createAlipayClient } from "./client.ts";
import { AlipayApiError, AlipayError } from "./errors.ts";
import { signedGatewayResponse } from "./gateway.ts";
import { signedNotificationBody } from "./notify.ts";
import { responseKeyOf } from "./response.ts";
import {
  type GatewayAnswer,
  type GatewayRequest,
  type LocalGateway,
  startLocalGateway,
} from "./testing/local-gateway.ts";
import { makeKeyPair, makePki, type TestPki } from "./testing/test-pki.ts";

const APP_ID = "2021000000000001";
const NOW = Date.UTC(2026, 11, 3, 7, 30, 0); // 15:30:00 in Beijing

let pki: TestPki;
let gateway: LocalGateway;
let client: AlipayClient;
let certClient: AlipayClient;
/** What the next request is answered with; by default a success shaped per method. */
let nextAnswer: ((request: GatewayRequest) => GatewayAnswer | string) | undefined;
let alipayCertSnSent: string | undefined;

function signed(method: string, body: Record<string, unknown> | string) {
  const json = typeof body === "string" ? body : JSON.stringify({ code: "10000", msg: "Success", ...body });
  return signedGatewayResponse(method, json, pki.alipay.privateKey, {
    ...(alipayCertSnSent === undefined ? {} : { alipayCertSn: alipayCertSnSent }),
  });
}

/** Success answers shaped as reference A.1, A.5 and A.6 describe them. */
function defaultAnswer(request: GatewayRequest): string {
  const biz = request.biz ?? {};
  switch (request.method) {
    case "alipay.trade.create":
      return signed(request.method, { trade_no: "2026120322001400001", out_trade_no: biz.out_trade_no });
    case "alipay.trade.query":
      return signed(request.method, {
        trade_no: "2026120322001400001",
        out_trade_no: biz.out_trade_no,
        trade_status: "TRADE_SUCCESS",
        total_amount: "12.30",
        receipt_amount: "12.3",
        buyer_pay_amount: "12.30",
        buyer_open_id: "074a1CcTG1LelxKe4xQC0zgNdId0nxi95b5lsNpazWYoCo5",
        send_pay_date: "2026-12-03 15:30:00",
      });
    case "alipay.trade.close":
      return signed(request.method, { trade_no: "2026120322001400001", out_trade_no: biz.out_trade_no });
    case "alipay.trade.refund":
      return signed(request.method, {
        trade_no: "2026120322001400001",
        out_trade_no: biz.out_trade_no,
        fund_change: "Y",
        refund_fee: "5.00",
        gmt_refund_pay: "2026-12-03 15:40:00",
      });
    case "alipay.trade.fastpay.refund.query":
      return signed(request.method, {
        trade_no: "2026120322001400001",
        out_trade_no: biz.out_trade_no,
        out_request_no: biz.out_request_no,
        refund_status: "REFUND_SUCCESS",
        refund_amount: "5.00",
        total_amount: "12.30",
      });
    case "alipay.data.dataservice.bill.downloadurl.query":
      return signed(request.method, {
        bill_download_url: "http://dwbillcenter.alipay.com/downloadBillFile.resource?x=1",
      });
    case "alipay.system.oauth.token":
      return signed(request.method, {
        user_id: "2088102150477652",
        open_id: "074a1CcTG1LelxKe4xQC0zgNdId0nxi95b5lsNpazWYoCo5",
        access_token: "composeBe6d6d0b...",
        expires_in: 1296000,
        refresh_token: "composeB7b6...",
        re_expires_in: 2592000,
        auth_start: "2026-12-03 15:29:00",
      });
    default:
      return signed(
        request.method,
        '{"code":"40004","msg":"Business Failed","sub_code":"isv.method-unknown"}',
      );
  }
}

beforeAll(async () => {
  pki = await makePki(makeKeyPair(), makeKeyPair());
  gateway = await startLocalGateway({
    appPublicKey: pki.app.publicKey,
    alipayPrivateKey: pki.alipay.privateKey,
    answer: (request) => {
      const answer = nextAnswer ?? defaultAnswer;
      nextAnswer = undefined;
      return answer(request);
    },
  });
  const common = { appId: APP_ID, gatewayUrl: gateway.url, clock: () => NOW, timeoutMs: 300 };
  client = createAlipayClient({
    ...common,
    appPrivateKey: pki.app.privateKeyBase64,
    keys: { mode: "key", alipayPublicKey: pki.alipay.publicKeyBase64 },
  });
  certClient = createAlipayClient({
    ...common,
    appPrivateKey: pki.app.privateKeyPem,
    keys: {
      mode: "certificate",
      appCert: pki.appCertPem,
      alipayPublicCert: pki.alipayCertPem,
      alipayRootCert: pki.rootBundlePem,
    },
  });
});

afterAll(() => gateway?.close());

function lastRequest(): GatewayRequest {
  const request = gateway.requests.at(-1);
  if (!request) throw new Error("the gateway saw no request");
  return request;
}

async function rejection(promise: Promise<unknown>): Promise<AlipayError> {
  const error = await promise.then(
    () => undefined,
    (reason: unknown) => reason,
  );
  expect(error).toBeInstanceOf(AlipayError);
  return error as AlipayError;
}

describe("the client against a local gateway, key mode", () => {
  it("creates a mini-program trade: signed, common params in the URL, biz_content in the body (A.1, A.3)", async () => {
    const created = await client.trade.create({
      out_trade_no: "ord_20261203_0001",
      total_amount: 1230,
      subject: "茶 x2",
      buyer_open_id: "074a1CcTG1LelxKe4xQC0zgNdId0nxi95b5lsNpazWYoCo5",
      time_expire: "2026-12-03 16:00:00",
      notify_url: "https://pay.example.com/notify/alipay",
    });
    expect(created).toEqual({ trade_no: "2026120322001400001", out_trade_no: "ord_20261203_0001" });
    const request = lastRequest();
    expect(request.params).toMatchObject({
      app_id: APP_ID,
      method: "alipay.trade.create",
      charset: "utf-8",
      sign_type: "RSA2",
      version: "1.0",
      timestamp: "2026-12-03 15:30:00",
      notify_url: "https://pay.example.com/notify/alipay",
    });
    expect(request.queryKeys).toEqual(
      expect.arrayContaining(["app_id", "method", "sign", "timestamp", "notify_url"]),
    );
    expect(request.queryKeys).not.toContain("biz_content");
    expect(request.biz).toEqual({
      out_trade_no: "ord_20261203_0001",
      total_amount: "12.30",
      subject: "茶 x2",
      product_code: "JSAPI_PAY",
      buyer_open_id: "074a1CcTG1LelxKe4xQC0zgNdId0nxi95b5lsNpazWYoCo5",
      time_expire: "2026-12-03 16:00:00",
    });
    expect(request.params.app_cert_sn).toBeUndefined();
  });

  it("queries, closes, refunds and queries the refund, amounts in fen (A.5)", async () => {
    const trade = await client.trade.query({ out_trade_no: "ord_20261203_0001" });
    expect(trade).toMatchObject({ trade_status: "TRADE_SUCCESS", total_amount: 1230, receipt_amount: 1230 });
    const closed = await client.trade.close({ trade_no: "2026120322001400001" });
    expect(closed.trade_no).toBe("2026120322001400001");
    expect(lastRequest().biz).toEqual({ trade_no: "2026120322001400001" });
    const refund = await client.trade.refund({
      out_trade_no: "ord_20261203_0001",
      refund_amount: 500,
      out_request_no: "rfd_0001",
      refund_reason: "缺货",
    });
    expect(refund).toMatchObject({ fund_change: "Y", refund_fee: 500 });
    expect(lastRequest().biz).toMatchObject({ refund_amount: "5.00", out_request_no: "rfd_0001" });
    const state = await client.trade.refundQuery({
      out_trade_no: "ord_20261203_0001",
      out_request_no: "rfd_0001",
    });
    expect(state).toMatchObject({ refund_status: "REFUND_SUCCESS", refund_amount: 500, total_amount: 1230 });
  });

  it("asks for a bill URL, and exchanges an auth code with top-level parameters (A.5, A.6)", async () => {
    const bill = await client.bill.downloadUrl({ bill_type: "trade", bill_date: "2026-12-02" });
    expect(bill.bill_download_url).toContain("downloadBillFile");
    const token = await client.oauth.token({
      grant_type: "authorization_code",
      code: "4b203fe6c11548bcabd8da5bb087a83b",
    });
    expect(token).toMatchObject({ user_id: "2088102150477652", expires_in: 1296000 });
    expect(token.open_id).toMatch(/^074a/);
    const request = lastRequest();
    expect(request.params).toMatchObject({
      grant_type: "authorization_code",
      code: "4b203fe6c11548bcabd8da5bb087a83b",
    });
    expect(request.params.biz_content).toBeUndefined();
  });

  it("surfaces an error answer as AlipayApiError with sub_code and sub_msg", async () => {
    nextAnswer = (request) =>
      signed(
        request.method,
        '{"code":"40004","msg":"Business Failed","sub_code":"ACQ.TRADE_NOT_EXIST","sub_msg":"交易不存在"}',
      );
    const error = (await rejection(client.trade.query({ out_trade_no: "ord_missing" }))) as AlipayApiError;
    expect(error).toBeInstanceOf(AlipayApiError);
    expect(error).toMatchObject({
      gatewayCode: "40004",
      subCode: "ACQ.TRADE_NOT_EXIST",
      subMsg: "交易不存在",
    });
  });

  it("refuses a tampered answer", async () => {
    nextAnswer = (request) =>
      defaultAnswer(request).replace('"total_amount":"12.30"', '"total_amount":"0.01"');
    const error = await rejection(client.trade.query({ out_trade_no: "ord_20261203_0001" }));
    expect(error.code).toBe("RESPONSE_SIGNATURE_INVALID");
  });

  it("reports a request the gateway found wrongly signed as isv.invalid-signature", async () => {
    const stranger = createAlipayClient({
      appId: APP_ID,
      gatewayUrl: gateway.url,
      // Alipay's own key stands in for a wrong app key: the gateway checks under the app public key.
      appPrivateKey: pki.alipay.privateKey,
      keys: { mode: "key", alipayPublicKey: pki.alipay.publicKey },
    });
    const error = (await rejection(stranger.trade.query({ out_trade_no: "ord_1" }))) as AlipayApiError;
    expect(error).toMatchObject({ gatewayCode: "40002", subCode: "isv.invalid-signature" });
    expect(error.subMsg).toContain("method=alipay.trade.query");
  });

  it("times out: a read is retryable, a refund's outcome is unknown", async () => {
    nextAnswer = (request) => ({ body: defaultAnswer(request), delayMs: 600 });
    const read = await rejection(client.trade.query({ out_trade_no: "ord_20261203_0001" }));
    expect(read).toMatchObject({ code: "TIMEOUT", retryable: true });
    nextAnswer = (request) => ({ body: defaultAnswer(request), delayMs: 600 });
    const write = await rejection(
      client.trade.refund({ trade_no: "1", refund_amount: 1, out_request_no: "r1" }),
    );
    expect(write).toMatchObject({ code: "OUTCOME_UNKNOWN", retryable: false });
    nextAnswer = () => ({ body: "<html>Bad Gateway</html>", status: 502 });
    expect((await rejection(client.trade.query({ out_trade_no: "x" }))).code).toBe("NETWORK_ERROR");
  });

  it("refuses requests that break A.1/A.5 before sending anything", async () => {
    const seen = gateway.requests.length;
    const base = { out_trade_no: "ord_1", total_amount: 100, subject: "tea", buyer_id: "2088102150477652" };
    for (const request of [
      { ...base, total_amount: 0 },
      { ...base, total_amount: 1.5 },
      { ...base, subject: "a=b" },
      { ...base, out_trade_no: "ord-1" },
      { ...base, buyer_open_id: "074a" },
      { out_trade_no: "ord_1", total_amount: 100, subject: "tea" },
    ]) {
      expect((await rejection(client.trade.create(request))).code).toBe("REQUEST_INVALID");
    }
    expect((await rejection(client.trade.query({}))).code).toBe("REQUEST_INVALID");
    expect(gateway.requests.length).toBe(seen);
  });

  it("verifies notifications for this app only (A.4 check d)", () => {
    const fields = {
      notify_time: "2026-12-03 15:30:01",
      notify_type: "trade_status_sync",
      notify_id: "n1",
      app_id: APP_ID,
      trade_no: "2026120322001400001",
      out_trade_no: "ord_20261203_0001",
      trade_status: "TRADE_SUCCESS",
      total_amount: "12.30",
    };
    expect(
      client.notifications.verify(signedNotificationBody(fields, pki.alipay.privateKey)).total_amount,
    ).toBe(1230);
    const other = signedNotificationBody({ ...fields, app_id: "2021000000000002" }, pki.alipay.privateKey);
    expect(() => client.notifications.verify(other)).toThrow(/NOTIFY_APP_MISMATCH|another app_id/);
  });

  it("answers alipay-sdk's exec() in a way its validateSign accepts (the oracle the other way round)", async () => {
    const sdk = new AlipaySdk({
      appId: APP_ID,
      privateKey: pki.app.privateKeyBase64,
      keyType: "PKCS8",
      alipayPublicKey: pki.alipay.publicKeyBase64,
      gateway: gateway.url,
    });
    const result = await sdk.exec(
      "alipay.trade.query",
      { bizContent: { out_trade_no: "ord_20261203_0001" } },
      { validateSign: true },
    );
    expect(result).toMatchObject({ code: "10000", tradeStatus: "TRADE_SUCCESS", totalAmount: "12.30" });
    expect(lastRequest().params.sign).toBeTruthy(); // and the gateway's Kassa verifier accepted the SDK's signature
    expect(lastRequest().params.method).toBe("alipay.trade.query");
  });
});

describe("the client against a local gateway, certificate mode (A.3)", () => {
  it("sends app_cert_sn and alipay_root_cert_sn with every call, and accepts answers under alipay_cert_sn", async () => {
    alipayCertSnSent = certificateSn(pki.alipayCertPem);
    try {
      await certClient.oauth.token({ grant_type: "authorization_code", code: "c1" });
      expect(lastRequest().params).toMatchObject({
        app_cert_sn: certificateSn(pki.appCertPem),
        alipay_root_cert_sn: rootCertificateSn(pki.rootBundlePem),
      });
      expect(lastRequest().queryKeys).toEqual(expect.arrayContaining(["app_cert_sn", "alipay_root_cert_sn"]));
      expect((await certClient.trade.query({ out_trade_no: "ord_1" })).total_amount).toBe(1230);
    } finally {
      alipayCertSnSent = undefined;
    }
  });

  it("refuses an answer signed under another Alipay certificate", async () => {
    alipayCertSnSent = "0123456789abcdef0123456789abcdef";
    try {
      const error = await rejection(certClient.trade.query({ out_trade_no: "ord_1" }));
      expect(error.code).toBe("RESPONSE_CERT_SN_MISMATCH");
    } finally {
      alipayCertSnSent = undefined;
    }
    expect((await rejection(certClient.trade.query({ out_trade_no: "ord_1" }))).code).toBe(
      "RESPONSE_CERT_SN_MISMATCH",
    );
    expect(responseKeyOf("alipay.trade.query")).toBe("alipay_trade_query_response");
  });
});

describe("configuration", () => {
  it("refuses a bad app id, a bad key and an unknown mode with CONFIG_INVALID", () => {
    const good = {
      appId: APP_ID,
      appPrivateKey: pki.app.privateKeyBase64,
      keys: { mode: "key" as const, alipayPublicKey: pki.alipay.publicKeyBase64 },
    };
    expect(() => createAlipayClient({ ...good, appId: "abc" })).toThrow(/16-digit/);
    expect(() => createAlipayClient({ ...good, appPrivateKey: "not a key" })).toThrow(/app private key/);
    expect(() => createAlipayClient({ ...good, keys: { mode: "key", alipayPublicKey: "nope" } })).toThrow(
      /Alipay public key/,
    );
    expect(() => createAlipayClient({ ...good, keys: { mode: "other" } as never })).toThrow(/keys.mode/);
  });
});
