import { verify } from "node:crypto";
import { describe, expect, it } from "vitest";
import { RequestValidationError } from "../errors.ts";
import { errorReply, signedReply, useLocalWechatPay } from "../testing/local-wechatpay.ts";
import type { JsapiPrepayRequest } from "../types.ts";

const local = useLocalWechatPay();

const order: JsapiPrepayRequest = {
  description: "Kassa 测试商品",
  out_trade_no: "ord_jsapi_0001",
  notify_url: "https://pay.example.com/wechatpay/notify",
  amount: { total: 1, currency: "CNY" },
  payer: { openid: "oUpF8uMuAJO_M2pxb1Q9zNjWeS6o" },
};

describe("jsapi.prepay (§5.1)", () => {
  it("POSTs the order with our appid and mchid, signed over the exact body, and returns the prepay_id", async () => {
    local.server.handler = () =>
      signedReply(local.world, 200, '{"prepay_id":"wx201410272009395522657a690389285100"}');
    const result = await local.client.jsapi.prepay(order);

    expect(result).toEqual({ prepay_id: "wx201410272009395522657a690389285100" });
    const [request] = local.server.requests;
    expect(request).toMatchObject({ method: "POST", url: "/v3/pay/transactions/jsapi" });
    expect(request?.authorization).toMatchObject({ valid: true });
    expect(JSON.parse(request?.body ?? "")).toEqual({
      ...order,
      appid: local.world.appid,
      mchid: local.world.mchid,
    });
  });

  it("sends the client's own appid and mchid even when the order names others (§7.1)", async () => {
    local.server.handler = () => signedReply(local.world, 200, '{"prepay_id":"wx1"}');
    const foreign = { ...order, appid: "wx0000000000000000", mchid: "1000000000" } as JsapiPrepayRequest;
    await local.client.jsapi.prepay(foreign);
    expect(JSON.parse(local.server.requests[0]?.body ?? "")).toMatchObject({
      appid: local.world.appid,
      mchid: local.world.mchid,
    });
  });

  it("sends Accept and Content-Type JSON, a meaningful User-Agent and Wechatpay-Serial (§1, §2)", async () => {
    local.server.handler = () => signedReply(local.world, 200, '{"prepay_id":"wx1"}');
    await local.client.jsapi.prepay(order);
    const headers = local.server.requests[0]?.headers;
    expect(headers).toMatchObject({
      accept: "application/json",
      "content-type": "application/json",
      "wechatpay-serial": local.world.publicKeyId,
    });
    expect(headers?.["user-agent"]).toMatch(/^Kassa-WechatPay\/\d+\.\d+\.\d+ \(\w+; \w+\) Node\/\d+\./);
  });

  it("refuses an invalid order before anything is sent", async () => {
    await expect(local.client.jsapi.prepay({ ...order, description: "🍰" })).rejects.toBeInstanceOf(
      RequestValidationError,
    );
    await expect(local.client.jsapi.prepay({ ...order, amount: { total: 0.01 } })).rejects.toMatchObject({
      field: "amount.total",
    });
    expect(local.server.requests).toHaveLength(0);
  });

  it("does not retry OPENID_MISMATCH, a 500 that is final (§5.8)", async () => {
    local.server.handler = () => errorReply(500, "OPENID_MISMATCH", "openid和appid不匹配");
    await expect(local.client.jsapi.prepay(order)).rejects.toMatchObject({
      code: "API_ERROR",
      status: 500,
      wechatCode: "OPENID_MISMATCH",
      family: "server",
      retryable: false,
      requestId: "req-1",
    });
    expect(local.server.requests).toHaveLength(1);
  });

  it("refuses a verified answer without a prepay_id", async () => {
    local.server.handler = () => signedReply(local.world, 200, "{}");
    await expect(local.client.jsapi.prepay(order)).rejects.toMatchObject({ code: "API_RESPONSE_INVALID" });
  });
});

describe("jsapi.prepayWithRequestPayment (§5.1 + §7.1)", () => {
  it("returns the prepay_id and wx.requestPayment params signed for the same appid", async () => {
    local.server.handler = () => signedReply(local.world, 200, '{"prepay_id":"wx2014102720093955"}');
    const { prepay_id, requestPayment } = await local.client.jsapi.prepayWithRequestPayment(order);

    expect(prepay_id).toBe("wx2014102720093955");
    expect(requestPayment).toMatchObject({
      appId: local.world.appid,
      timeStamp: String(Math.floor(local.world.now / 1000)),
      package: "prepay_id=wx2014102720093955",
      signType: "RSA",
    });
    // §7.1 checked by hand: four lines, each ending with \n, merchant key.
    const message = `${local.world.appid}\n${requestPayment.timeStamp}\n${requestPayment.nonceStr}\n${requestPayment.package}\n`;
    expect(
      verify(
        "sha256",
        Buffer.from(message),
        local.world.merchant.publicKey,
        Buffer.from(requestPayment.paySign, "base64"),
      ),
    ).toBe(true);
  });
});
