import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { createWechatPayClient, type WechatPayClient } from "../client.ts";
import {
  errorReply,
  LocalWechatPay,
  makeWorld,
  signedReply,
  type TestWorld,
  testClientOptions,
} from "../testing/local-wechatpay.ts";
import type { RefundRequest } from "../types.ts";

let world: TestWorld;
let server: LocalWechatPay;
let client: WechatPayClient;

beforeAll(async () => {
  world = await makeWorld();
  server = await LocalWechatPay.start(world);
  client = createWechatPayClient(testClientOptions(world, server.baseUrl));
});
afterAll(() => server.close());
beforeEach(() => {
  server.requests.length = 0;
});

const request: RefundRequest = {
  out_trade_no: "ord_rf_0001",
  out_refund_no: "rfd@0001|a*",
  reason: "用户取消",
  amount: { refund: 50, total: 100, currency: "CNY" },
};

const refund = (overrides: Record<string, unknown> = {}) =>
  JSON.stringify({
    refund_id: "50300000000000000000000000001",
    out_refund_no: "rfd@0001|a*",
    transaction_id: "4200000000202505200000000001",
    out_trade_no: "ord_rf_0001",
    channel: "ORIGINAL",
    user_received_account: "支付用户零钱",
    create_time: "2025-05-20T13:29:35+08:00",
    status: "PROCESSING",
    amount: { total: 100, refund: 50, payer_total: 100, payer_refund: 50, currency: "CNY" },
    ...overrides,
  });

describe("refunds.create (§5.4)", () => {
  it("POSTs the refund as given, signed, and returns the Refund", async () => {
    server.handler = () => signedReply(world, 200, refund());
    const result = await client.refunds.create(request);

    expect(result).toMatchObject({ status: "PROCESSING", amount: { refund: 50 } });
    expect(server.requests[0]).toMatchObject({
      method: "POST",
      url: "/v3/refund/domestic/refunds",
      authorization: { valid: true },
    });
    expect(JSON.parse(server.requests[0]?.body ?? "")).toEqual(request);
  });

  it("refuses a refund over the order total before anything is sent", async () => {
    await expect(
      client.refunds.create({ ...request, amount: { refund: 101, total: 100, currency: "CNY" } }),
    ).rejects.toMatchObject({ code: "REQUEST_INVALID", field: "amount.refund" });
    expect(server.requests).toHaveLength(0);
  });

  it("does not blindly retry 429: the refund may be in progress, so the outcome is unknown (§5.8)", async () => {
    server.handler = () => errorReply(429, "FREQUENCY_LIMITED", "频率限制");
    const error = await client.refunds.create(request).catch((caught: unknown) => caught);
    expect(error).toMatchObject({
      code: "OUTCOME_UNKNOWN",
      retryable: true,
      cause: { status: 429, wechatCode: "FREQUENCY_LIMITED", family: "rate_limited" },
    });
    expect((error as Error).message).toContain("query it");
    expect(server.requests).toHaveLength(1);
  });

  it("retries 500 SYSTEMERROR with the same body and the same out_refund_no", async () => {
    let calls = 0;
    server.handler = () =>
      ++calls < 3
        ? errorReply(500, "SYSTEMERROR", "系统繁忙")
        : signedReply(world, 200, refund({ status: "SUCCESS" }));
    const result = await client.refunds.create(request);

    expect(result.status).toBe("SUCCESS");
    expect(server.requests).toHaveLength(3);
    expect(new Set(server.requests.map((r) => r.body)).size).toBe(1);
    // Re-signed each time with a fresh nonce, all valid (§2).
    expect(server.requests.every((r) => r.authorization.valid)).toBe(true);
    expect(new Set(server.requests.map((r) => r.authorization.nonce)).size).toBe(3);
  });

  it("reports 403 NOTENOUGH (merchant balance short) as NOT_ENOUGH, permission, not retried", async () => {
    server.handler = () => errorReply(403, "NOTENOUGH", "余额不足");
    await expect(client.refunds.create(request)).rejects.toMatchObject({
      wechatCode: "NOT_ENOUGH",
      family: "permission",
      retryable: false,
    });
    expect(server.requests).toHaveLength(1);
  });
});

describe("refunds.queryByOutRefundNo (§5.5)", () => {
  it("GETs /refunds/{out_refund_no} percent-encoded, without a mchid parameter", async () => {
    server.handler = () => signedReply(world, 200, refund({ status: "SUCCESS" }));
    const result = await client.refunds.queryByOutRefundNo("rfd@0001|a*");
    expect(result.status).toBe("SUCCESS");
    expect(server.requests[0]).toMatchObject({
      method: "GET",
      url: "/v3/refund/domestic/refunds/rfd%400001%7Ca%2A",
      authorization: { valid: true },
    });
  });

  it("reports RESOURCE_NOT_EXISTS as not_found", async () => {
    server.handler = () => errorReply(404, "RESOURCE_NOT_EXISTS", "退款单不存在");
    await expect(client.refunds.queryByOutRefundNo("rfd_missing")).rejects.toMatchObject({
      family: "not_found",
      wechatCode: "RESOURCE_NOT_EXISTS",
    });
  });

  it("refuses a verified answer about another refund", async () => {
    server.handler = () => signedReply(world, 200, refund({ out_refund_no: "rfd_other" }));
    await expect(client.refunds.queryByOutRefundNo("rfd@0001|a*")).rejects.toMatchObject({
      code: "API_RESPONSE_INVALID",
    });
  });
});
