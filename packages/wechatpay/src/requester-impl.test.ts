import { buffer } from "node:stream/consumers";
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { makeIdentity, type TestIdentity } from "../test/fixtures/identities.ts";
import { createWechatPayClient, type WechatPayClient } from "./client.ts";

import { VerificationError, WechatPayNetworkError } from "./errors.ts";
import {
  closedPortUrl,
  errorReply,
  LocalWechatPay,
  makeWorld,
  signedReply,
  type TestClientOverrides,
  type TestWorld,
  testClientOptions,
} from "./testing/local-wechatpay.ts";
import type { HttpTransport } from "./transport.ts";
import type { JsapiPrepayRequest } from "./types.ts";

let world: TestWorld;
let primary: LocalWechatPay;
let backup: LocalWechatPay;
/** A key pair that is neither the merchant's nor the platform's. */
let stranger: TestIdentity;

beforeAll(async () => {
  world = await makeWorld();
  [primary, backup, stranger] = await Promise.all([
    LocalWechatPay.start(world),
    LocalWechatPay.start(world),
    makeIdentity({ commonName: "stranger" }),
  ]);
});
afterAll(async () => {
  await Promise.all([primary.close(), backup.close()]);
});
beforeEach(() => {
  primary.requests.length = 0;
  backup.requests.length = 0;
});

const clientOn = (baseUrl: string, overrides: TestClientOverrides = {}): WechatPayClient =>
  createWechatPayClient(testClientOptions(world, baseUrl, overrides));

const order: JsapiPrepayRequest = {
  description: "Kassa",
  out_trade_no: "ord_req_0001",
  notify_url: "https://pay.example.com/notify",
  amount: { total: 100 },
  payer: { openid: "oUpF8uMuAJO_M2pxb1Q9zNjWeS6o" },
};
const transactionBody = JSON.stringify({
  appid: "wx8888888888888888",
  mchid: "1900000001",
  out_trade_no: "ord_req_0001",
  trade_state: "NOTPAY",
  trade_state_desc: "未支付",
});

describe("verification of 2xx answers (§3)", () => {
  it("refuses a bad signature on a read after one retry, with the verification error", async () => {
    primary.handler = () => ({
      ...signedReply(world, 200, transactionBody),
      body: transactionBody.replace("NOTPAY", "SUCCESS"),
    });
    const error = await clientOn(primary.baseUrl)
      .transactions.queryByOutTradeNo("ord_req_0001")
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(VerificationError);
    expect(error).toMatchObject({ code: "VERIFY_SIGNATURE_INVALID" });
    expect(primary.requests).toHaveLength(2);
  });

  it("retries a read once after a WECHATPAY/SIGNTEST/ probe and accepts the real signature (§3.5)", async () => {
    let calls = 0;
    primary.handler = () =>
      ++calls === 1
        ? signedReply(world, 200, transactionBody, { signature: "WECHATPAY/SIGNTEST/1234567890" })
        : signedReply(world, 200, transactionBody);
    const result = await clientOn(primary.baseUrl).transactions.queryByOutTradeNo("ord_req_0001");
    expect(result.trade_state).toBe("NOTPAY");
    expect(primary.requests).toHaveLength(2);
  });

  it("makes a probe on a write OUTCOME_UNKNOWN at once, with the probe as cause (§3.5)", async () => {
    primary.handler = () =>
      signedReply(world, 200, '{"prepay_id":"wx1"}', { signature: "WECHATPAY/SIGNTEST/abc" });
    await expect(clientOn(primary.baseUrl).jsapi.prepay(order)).rejects.toMatchObject({
      code: "OUTCOME_UNKNOWN",
      retryable: true,
      cause: { code: "VERIFY_SIGNATURE_PROBE" },
    });
    expect(primary.requests).toHaveLength(1);
  });

  it("refuses an answer signed under an unknown serial", async () => {
    primary.handler = () =>
      signedReply(world, 200, transactionBody, { serial: "PUB_KEY_ID_0000000000000000000000000000000099" });
    await expect(
      clientOn(primary.baseUrl).transactions.queryByOutTradeNo("ord_req_0001"),
    ).rejects.toMatchObject({
      code: "VERIFY_SERIAL_UNKNOWN",
    });
  });

  it("refuses an answer whose timestamp is 5 minutes old (§3.3)", async () => {
    const stale = String(Math.floor(world.now / 1000) - 300);
    primary.handler = () => signedReply(world, 200, transactionBody, { timestamp: stale });
    await expect(
      clientOn(primary.baseUrl).transactions.queryByOutTradeNo("ord_req_0001"),
    ).rejects.toMatchObject({
      code: "VERIFY_TIMESTAMP_OUT_OF_WINDOW",
    });
  });

  it("refuses an answer signed with another key under the right serial (a forgery)", async () => {
    primary.handler = () => signedReply(world, 200, transactionBody, { privateKey: stranger.privateKey });
    await expect(
      clientOn(primary.baseUrl).transactions.queryByOutTradeNo("ord_req_0001"),
    ).rejects.toMatchObject({
      code: "VERIFY_SIGNATURE_INVALID",
    });
  });

  it("does not verify non-2xx answers, which WeChat Pay does not sign (§3.3)", async () => {
    primary.handler = () =>
      errorReply(400, "PARAM_ERROR", "参数错误", { field: "/amount/total", issue: "must be >= 1" });
    await expect(clientOn(primary.baseUrl).jsapi.prepay(order)).rejects.toMatchObject({
      code: "API_ERROR",
      status: 400,
      family: "invalid_request",
      detail: { field: "/amount/total" },
    });
  });
});

describe("the merchant signature (§2), checked by the server by hand", () => {
  it("is refused by the server when the client signs with a key that does not match the serial", async () => {
    const client = clientOn(primary.baseUrl, { merchantPrivateKey: stranger.privateKeyPem });
    const error = await client.transactions.queryByOutTradeNo("ord_req_0001").catch((e: unknown) => e);
    expect(error).toMatchObject({
      status: 401,
      wechatCode: "SIGN_ERROR",
      family: "authentication",
      retryable: false,
    });
    expect(primary.requests[0]?.authorization).toMatchObject({
      valid: false,
      problem: "signature does not verify",
    });
  });
});

describe("signing inline (the `signing` option)", () => {
  it("sends a request the server verifies by hand, as the thread-pool default does", async () => {
    primary.handler = () => signedReply(world, 200, transactionBody);
    const client = clientOn(primary.baseUrl, { signing: "inline" });
    await expect(client.transactions.queryByOutTradeNo("ord_req_0001")).resolves.toMatchObject({
      trade_state: "NOTPAY",
    });
    expect(primary.requests[0]?.authorization.valid).toBe(true);
  });
});

describe("the per-attempt timeout", () => {
  const answered: HttpTransport = async () => {
    const reply = signedReply(world, 200, transactionBody);
    return { status: 200, headers: new Headers(reply.headers), body: Buffer.from(transactionBody) };
  };

  it("is cleared once the answer has been read: the signal never aborts after the call", async () => {
    const signals: AbortSignal[] = [];
    const transport: HttpTransport = (request) => {
      signals.push(request.signal);
      return answered(request);
    };
    const client = clientOn("https://api.mch.weixin.qq.com", { transport, timeoutMs: 20 });
    await client.transactions.queryByOutTradeNo("ord_req_0001");
    await new Promise((resolve) => setTimeout(resolve, 60));
    expect(signals).toHaveLength(1);
    expect(signals[0]?.aborted).toBe(false);
  });

  it("aborts a transport that has not answered after timeoutMs, as a TimeoutError", async () => {
    const transport: HttpTransport = (request) =>
      new Promise((_, reject) => {
        request.signal.addEventListener("abort", () => reject(request.signal.reason));
      });
    const error = await clientOn("https://api.mch.weixin.qq.com", { transport, timeoutMs: 20, maxRetries: 0 })
      .transactions.queryByOutTradeNo("ord_req_0001")
      .catch((e: unknown) => e);
    expect(error).toMatchObject({
      code: "TIMEOUT",
      diagnostics: { failure: "timeout", abort: "TimeoutError" },
    });
  });
});

describe("retries (§5.8)", () => {
  it("retries 429 on prepay with the same body, waiting a jittered backoff between attempts", async () => {
    const waits: number[] = [];
    let calls = 0;
    primary.handler = () =>
      ++calls < 3
        ? errorReply(429, "FREQUENCY_LIMITED", "频率超限")
        : signedReply(world, 200, '{"prepay_id":"wx9"}');
    const client = clientOn(primary.baseUrl, { sleep: async (ms) => void waits.push(ms), random: () => 0.5 });
    await expect(client.jsapi.prepay(order)).resolves.toEqual({ prepay_id: "wx9" });
    expect(waits).toEqual([375, 750]);
    expect(new Set(primary.requests.map((r) => r.body)).size).toBe(1);
  });

  it("gives up after maxRetries with the last API error, still marked retryable", async () => {
    primary.handler = () => errorReply(503, "SERVICE_UNAVAILABLE", "服务不可用");
    await expect(clientOn(primary.baseUrl, { maxRetries: 1 }).jsapi.prepay(order)).rejects.toMatchObject({
      status: 503,
      retryable: true,
    });
    expect(primary.requests).toHaveLength(2);
  });

  it("makes a timed-out prepay OUTCOME_UNKNOWN, never a plain failure", async () => {
    primary.handler = () => ({ status: 200, hang: true });
    const error = await clientOn(primary.baseUrl, { timeoutMs: 100, maxRetries: 1 })
      .jsapi.prepay(order)
      .catch((e: unknown) => e);
    expect(error).toMatchObject({
      code: "OUTCOME_UNKNOWN",
      retryable: true,
      diagnostics: { operation: "jsapi.prepay", attempts: 2 },
      cause: { code: "TIMEOUT" },
    });
    expect(primary.requests).toHaveLength(2);
    expect(new Set(primary.requests.map((r) => r.body)).size).toBe(1);
  });

  it("makes a timed-out refund OUTCOME_UNKNOWN", async () => {
    primary.handler = () => ({ status: 200, hang: true });
    const refund = {
      out_trade_no: "ord_req_0001",
      out_refund_no: "rfd_req_0001",
      amount: { refund: 1, total: 100, currency: "CNY" as const },
    };
    await expect(
      clientOn(primary.baseUrl, { timeoutMs: 100, maxRetries: 0 }).refunds.create(refund),
    ).rejects.toMatchObject({ code: "OUTCOME_UNKNOWN", cause: { code: "TIMEOUT" } });
  });

  it("makes a dropped connection after sending a prepay OUTCOME_UNKNOWN", async () => {
    primary.handler = () => ({ status: 200, destroy: true });
    await expect(clientOn(primary.baseUrl, { maxRetries: 0 }).jsapi.prepay(order)).rejects.toMatchObject({
      code: "OUTCOME_UNKNOWN",
      cause: { code: "NETWORK_ERROR", diagnostics: { failure: "lost-answer" } },
    });
  });

  it("reports a timed-out read as TIMEOUT with the operation, not OUTCOME_UNKNOWN", async () => {
    primary.handler = () => ({ status: 200, hang: true });
    const error = await clientOn(primary.baseUrl, { timeoutMs: 100, maxRetries: 0 })
      .transactions.queryByOutTradeNo("ord_req_0001")
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(WechatPayNetworkError);
    expect(error).toMatchObject({
      code: "TIMEOUT",
      diagnostics: { operation: "transactions.queryByOutTradeNo", attempts: 1 },
    });
  });
});

describe("the backup host (§1, §5.8)", () => {
  it("is used after a connection failure on the primary, with a request signed for it", async () => {
    backup.handler = () => signedReply(world, 200, '{"prepay_id":"wx-from-backup"}');
    const client = clientOn(await closedPortUrl(), { backupBaseUrl: backup.baseUrl });
    await expect(client.jsapi.prepay(order)).resolves.toEqual({ prepay_id: "wx-from-backup" });
    expect(backup.requests).toHaveLength(1);
    expect(backup.requests[0]?.authorization.valid).toBe(true);
  });

  it("is not used after a timeout on the primary", async () => {
    primary.handler = () => ({ status: 200, hang: true });
    const client = clientOn(primary.baseUrl, {
      backupBaseUrl: backup.baseUrl,
      timeoutMs: 100,
      maxRetries: 1,
    });
    await expect(client.transactions.queryByOutTradeNo("ord_req_0001")).rejects.toMatchObject({
      code: "TIMEOUT",
    });
    expect(primary.requests).toHaveLength(2);
    expect(backup.requests).toHaveLength(0);
  });

  it("is not used after a 500 from the primary", async () => {
    let calls = 0;
    primary.handler = () =>
      ++calls === 1 ? errorReply(500, "SYSTEM_ERROR", "系统繁忙") : signedReply(world, 200, transactionBody);
    const client = clientOn(primary.baseUrl, { backupBaseUrl: backup.baseUrl });
    await client.transactions.queryByOutTradeNo("ord_req_0001");
    expect(primary.requests).toHaveLength(2);
    expect(backup.requests).toHaveLength(0);
  });

  it("is not tried when disabled: a write that never left is a NETWORK_ERROR, not OUTCOME_UNKNOWN", async () => {
    const client = clientOn(await closedPortUrl(), { backupBaseUrl: null, maxRetries: 1 });
    const error = await client.jsapi.prepay(order).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(WechatPayNetworkError);
    expect(error).toMatchObject({
      code: "NETWORK_ERROR",
      retryable: true,
      diagnostics: { failure: "connection", operation: "jsapi.prepay", attempts: 2 },
    });
  });
});

describe("bill file download (§5.7, §3.3)", () => {
  it("signs a GET of the download_url's path and token exactly, and returns the unsigned bytes", async () => {
    const file = Buffer.from("\ufeff交易时间,公众账号ID\n`2025-05-20 10:00:00,`wx8888888888888888\n");
    primary.handler = () => ({
      status: 200,
      body: file,
      headers: { "Content-Type": "application/octet-stream" },
    });
    const client = clientOn(primary.baseUrl);
    const stream = await client.requester.download(
      `${primary.baseUrl}/v3/billdownload/file?token=6XIv5TUPto7pByrTQKhd6kwvyKLG2uY2wMMR8cNXqaA_Cv_isgaUtBzp4QtiozLO`,
      "bills.download",
    );
    expect((await buffer(stream)).equals(file)).toBe(true);
    expect(primary.requests[0]).toMatchObject({
      method: "GET",
      url: "/v3/billdownload/file?token=6XIv5TUPto7pByrTQKhd6kwvyKLG2uY2wMMR8cNXqaA_Cv_isgaUtBzp4QtiozLO",
      authorization: { valid: true },
    });
  });

  it("hands the body on as it arrives, and fails it with a retryable TIMEOUT when it stalls", async () => {
    const file = Buffer.alloc(200_000, "`x,");
    primary.handler = () => ({ status: 200, body: file, stallAfterBytes: 1000 });
    const client = clientOn(primary.baseUrl, { timeoutMs: 200 });
    const stream = await client.requester.download(
      `${primary.baseUrl}/v3/billdownload/file?token=t`,
      "bills.download",
    );
    const failure = await buffer(stream).catch((error: unknown) => error);
    expect(failure).toBeInstanceOf(WechatPayNetworkError);
    expect(failure).toMatchObject({ code: "TIMEOUT", retryable: true, diagnostics: { failure: "timeout" } });
  });

  it("maps an error answer to a download like any other (§5.8): a 400 is not retried", async () => {
    primary.handler = () => errorReply(400, "INVALID_REQUEST", "参数错误，请重新获取账单地址");
    const client = clientOn(primary.baseUrl);
    await expect(
      client.requester.download(`${primary.baseUrl}/v3/billdownload/file?token=old`, "bills.download"),
    ).rejects.toMatchObject({ code: "API_ERROR", wechatCode: "INVALID_REQUEST", status: 400 });
    expect(primary.requests).toHaveLength(1);
  });

  it("refuses to send a signed request to a download_url on another host", async () => {
    const client = clientOn(primary.baseUrl);
    await expect(
      client.requester.download(`${backup.baseUrl}/v3/billdownload/file?token=x`, "bills.download"),
    ).rejects.toMatchObject({
      code: "API_RESPONSE_INVALID",
    });
    expect(backup.requests).toHaveLength(0);
  });
});
