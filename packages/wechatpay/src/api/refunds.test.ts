import { describe, expect, it } from "vitest";
import { errorReply, signedReply, useLocalWechatPay } from "../testing/local-wechatpay.ts";
import type { RefundRequest } from "../types.ts";

const local = useLocalWechatPay();

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
    local.server.handler = () => signedReply(local.world, 200, refund());
    const result = await local.client.refunds.create(request);

    expect(result).toMatchObject({ status: "PROCESSING", amount: { refund: 50 } });
    expect(local.server.requests[0]).toMatchObject({
      method: "POST",
      url: "/v3/refund/domestic/refunds",
      authorization: { valid: true },
    });
    expect(JSON.parse(local.server.requests[0]?.body ?? "")).toEqual(request);
  });

  it("refuses a refund over the order total before anything is sent", async () => {
    await expect(
      local.client.refunds.create({ ...request, amount: { refund: 101, total: 100, currency: "CNY" } }),
    ).rejects.toMatchObject({ code: "REQUEST_INVALID", field: "amount.refund" });
    expect(local.server.requests).toHaveLength(0);
  });

  it("does not blindly retry 429: the refund may be in progress, so the outcome is unknown (§5.8)", async () => {
    local.server.handler = () => errorReply(429, "FREQUENCY_LIMITED", "频率限制");
    const error = await local.client.refunds.create(request).catch((caught: unknown) => caught);
    expect(error).toMatchObject({
      code: "OUTCOME_UNKNOWN",
      retryable: true,
      cause: { status: 429, wechatCode: "FREQUENCY_LIMITED", family: "rate_limited" },
    });
    expect((error as Error).message).toContain("query it");
    expect(local.server.requests).toHaveLength(1);
  });

  it("retries 500 SYSTEMERROR with the same body and the same out_refund_no", async () => {
    let calls = 0;
    local.server.handler = () =>
      ++calls < 3
        ? errorReply(500, "SYSTEMERROR", "系统繁忙")
        : signedReply(local.world, 200, refund({ status: "SUCCESS" }));
    const result = await local.client.refunds.create(request);

    expect(result.status).toBe("SUCCESS");
    expect(local.server.requests).toHaveLength(3);
    expect(new Set(local.server.requests.map((r) => r.body)).size).toBe(1);
    // Re-signed each time with a fresh nonce, all valid (§2).
    expect(local.server.requests.every((r) => r.authorization.valid)).toBe(true);
    expect(new Set(local.server.requests.map((r) => r.authorization.nonce)).size).toBe(3);
  });

  it("reports 403 NOTENOUGH (merchant balance short) as NOT_ENOUGH, permission, not retried", async () => {
    local.server.handler = () => errorReply(403, "NOTENOUGH", "余额不足");
    await expect(local.client.refunds.create(request)).rejects.toMatchObject({
      wechatCode: "NOT_ENOUGH",
      family: "permission",
      retryable: false,
    });
    expect(local.server.requests).toHaveLength(1);
  });
});

describe("refunds.queryByOutRefundNo (§5.5)", () => {
  it("GETs /refunds/{out_refund_no} percent-encoded, without a mchid parameter", async () => {
    local.server.handler = () => signedReply(local.world, 200, refund({ status: "SUCCESS" }));
    const result = await local.client.refunds.queryByOutRefundNo("rfd@0001|a*");
    expect(result.status).toBe("SUCCESS");
    expect(local.server.requests[0]).toMatchObject({
      method: "GET",
      url: "/v3/refund/domestic/refunds/rfd%400001%7Ca%2A",
      authorization: { valid: true },
    });
  });

  it("reports RESOURCE_NOT_EXISTS as not_found", async () => {
    local.server.handler = () => errorReply(404, "RESOURCE_NOT_EXISTS", "退款单不存在");
    await expect(local.client.refunds.queryByOutRefundNo("rfd_missing")).rejects.toMatchObject({
      family: "not_found",
      wechatCode: "RESOURCE_NOT_EXISTS",
    });
  });

  it("refuses a verified answer about another refund", async () => {
    local.server.handler = () => signedReply(local.world, 200, refund({ out_refund_no: "rfd_other" }));
    await expect(local.client.refunds.queryByOutRefundNo("rfd@0001|a*")).rejects.toMatchObject({
      code: "API_RESPONSE_INVALID",
    });
  });
});
