import { describe, expect, it } from "vitest";
import { errorReply, signedReply, useLocalWechatPay } from "../testing/local-wechatpay.ts";

const local = useLocalWechatPay();

const transaction = (overrides: Record<string, unknown> = {}) =>
  JSON.stringify({
    appid: "wx8888888888888888",
    mchid: "1900000001",
    out_trade_no: "ord_tx_0001",
    transaction_id: "4200000000202505200000000001",
    trade_type: "JSAPI",
    trade_state: "SUCCESS",
    trade_state_desc: "支付成功",
    payer: { openid: "oUpF8uMuAJO_M2pxb1Q9zNjWeS6o" },
    amount: { total: 1, payer_total: 1, currency: "CNY", payer_currency: "CNY" },
    ...overrides,
  });

describe("transactions.queryByOutTradeNo (§5.2)", () => {
  it("GETs /out-trade-no/{out_trade_no}?mchid= signed with the empty body's newline", async () => {
    local.server.handler = () => signedReply(local.world, 200, transaction());
    const result = await local.client.transactions.queryByOutTradeNo("ord_tx_0001");

    expect(result).toMatchObject({ trade_state: "SUCCESS", amount: { total: 1 } });
    expect(local.server.requests[0]).toMatchObject({
      method: "GET",
      url: "/v3/pay/transactions/out-trade-no/ord_tx_0001?mchid=1900000001",
      body: "",
      authorization: { valid: true },
    });
    expect(local.server.requests[0]?.headers["content-type"]).toBeUndefined();
  });

  it("signs the percent-encoded URL that goes on the wire when out_trade_no has | and * (§2)", async () => {
    local.server.handler = () => signedReply(local.world, 200, transaction({ out_trade_no: "ord|tx*01" }));
    await local.client.transactions.queryByOutTradeNo("ord|tx*01");
    expect(local.server.requests[0]).toMatchObject({
      url: "/v3/pay/transactions/out-trade-no/ord%7Ctx%2A01?mchid=1900000001",
      authorization: { valid: true },
    });
  });

  it("refuses a verified answer about another order", async () => {
    local.server.handler = () => signedReply(local.world, 200, transaction({ out_trade_no: "ord_other_01" }));
    await expect(local.client.transactions.queryByOutTradeNo("ord_tx_0001")).rejects.toMatchObject({
      code: "API_RESPONSE_INVALID",
    });
  });

  it("refuses a verified answer for another mchid", async () => {
    local.server.handler = () => signedReply(local.world, 200, transaction({ mchid: "1900000002" }));
    await expect(local.client.transactions.queryByOutTradeNo("ord_tx_0001")).rejects.toMatchObject({
      code: "API_RESPONSE_INVALID",
    });
  });

  it("reports 404 ORDER_NOT_EXIST (old spelling ORDERNOTEXIST) as not_found, not retried", async () => {
    local.server.handler = () => errorReply(404, "ORDERNOTEXIST", "订单不存在");
    await expect(local.client.transactions.queryByOutTradeNo("ord_tx_0001")).rejects.toMatchObject({
      status: 404,
      wechatCode: "ORDER_NOT_EXIST",
      family: "not_found",
      retryable: false,
    });
    expect(local.server.requests).toHaveLength(1);
  });
});

describe("transactions.queryById (§5.2)", () => {
  it("GETs /id/{transaction_id}?mchid=", async () => {
    local.server.handler = () => signedReply(local.world, 200, transaction());
    const result = await local.client.transactions.queryById("4200000000202505200000000001");
    expect(result.out_trade_no).toBe("ord_tx_0001");
    expect(local.server.requests[0]).toMatchObject({
      method: "GET",
      url: "/v3/pay/transactions/id/4200000000202505200000000001?mchid=1900000001",
      authorization: { valid: true },
    });
  });

  it("does not retry INVALID_TRANSACTIONID, a 500 that is final (§5.8)", async () => {
    local.server.handler = () => errorReply(500, "INVALID_TRANSACTIONID", "transaction_id无效");
    await expect(local.client.transactions.queryById("4200000000202505200000000001")).rejects.toMatchObject({
      wechatCode: "INVALID_TRANSACTIONID",
      retryable: false,
    });
    expect(local.server.requests).toHaveLength(1);
  });
});

describe("transactions.close (§5.3)", () => {
  it("POSTs {mchid} and accepts the verified 204 with its empty body", async () => {
    local.server.handler = () => signedReply(local.world, 204, "");
    await expect(local.client.transactions.close("ord_tx_0001")).resolves.toBeUndefined();
    expect(local.server.requests[0]).toMatchObject({
      method: "POST",
      url: "/v3/pay/transactions/out-trade-no/ord_tx_0001/close",
      body: '{"mchid":"1900000001"}',
      authorization: { valid: true },
    });
  });

  it("refuses a 204 whose signature does not cover the empty body (§3.2)", async () => {
    local.server.handler = () => ({ ...signedReply(local.world, 204, "{}"), body: "" });
    await expect(local.client.transactions.close("ord_tx_0001")).rejects.toMatchObject({
      code: "OUTCOME_UNKNOWN",
      cause: { code: "VERIFY_SIGNATURE_INVALID" },
    });
  });

  it("refuses an unsigned 204", async () => {
    local.server.handler = () => ({ status: 204 });
    await expect(local.client.transactions.close("ord_tx_0001")).rejects.toMatchObject({
      code: "OUTCOME_UNKNOWN",
      cause: { code: "VERIFY_HEADERS_MISSING" },
    });
  });
});
