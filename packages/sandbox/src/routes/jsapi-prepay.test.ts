import { afterAll, beforeAll, describe, expect, it } from "vitest";
import {
  callApi,
  createTestMerchant,
  loginOpenid,
  prepayBody,
  startTestSandbox,
  type TestMerchant,
} from "../../test/test-sandbox.ts";
import type { RunningSandbox } from "../start.ts";

let sandbox: RunningSandbox;
let merchant: TestMerchant;
let openid: string;

beforeAll(async () => {
  sandbox = await startTestSandbox();
  merchant = await createTestMerchant(sandbox);
  openid = await loginOpenid(sandbox, merchant);
});
afterAll(() => sandbox.close());

const prepay = (body: unknown) =>
  callApi(sandbox, merchant, { method: "POST", url: "/v3/pay/transactions/jsapi", body });

async function expectParamError(body: unknown, field: string) {
  const answer = await prepay(body);
  expect(answer.status).toBe(400);
  expect(answer.json).toMatchObject({ code: "PARAM_ERROR", detail: { field, location: "body" } });
}

describe("POST /v3/pay/transactions/jsapi (§5.1)", () => {
  it("answers 200 with a prepay_id shaped like WeChat's, and records a NOTPAY order", async () => {
    const body = prepayBody(merchant, openid);
    const answer = await prepay(body);
    expect(answer.status).toBe(200);
    const prepayId = (answer.json as { prepay_id: string }).prepay_id;
    expect(prepayId).toMatch(/^wx\d{14}[0-9a-f]{20}$/);
    const order = sandbox.admin.getOrder(merchant.mchid, body.out_trade_no);
    expect(order).toMatchObject({ state: "NOTPAY", amountTotal: 1, payerOpenid: openid });
    expect(order.prepays).toEqual([expect.objectContaining({ prepayId, status: "ACTIVE" })]);
  });

  it("gives a fresh prepay_id for the same parameters, and both stay valid", async () => {
    const body = prepayBody(merchant, openid);
    const first = (await prepay(body)).json as { prepay_id: string };
    await sandbox.admin.advanceClock(1000);
    const second = (await prepay(body)).json as { prepay_id: string };
    expect(second.prepay_id).not.toBe(first.prepay_id);
    expect(sandbox.admin.getOrder(merchant.mchid, body.out_trade_no).prepays.map((p) => p.status)).toEqual([
      "ACTIVE",
      "ACTIVE",
    ]);
  });

  it("treats the same JSON with keys in another order as the same parameters", async () => {
    const body = prepayBody(merchant, openid);
    expect((await prepay(body)).status).toBe(200);
    const reordered = Object.fromEntries(Object.entries(body).reverse());
    expect((await prepay(reordered)).status).toBe(200);
  });

  it("refuses changed parameters under the same out_trade_no with 403 OUT_TRADE_NO_USED", async () => {
    const body = prepayBody(merchant, openid);
    await prepay(body);
    const answer = await prepay({ ...body, amount: { total: 2, currency: "CNY" } });
    expect(answer.status).toBe(403);
    expect(answer.json).toMatchObject({ code: "OUT_TRADE_NO_USED" });
  });

  it("ignores a different time_expire on a repeat: it can only be set on the first call", async () => {
    const body = prepayBody(merchant, openid);
    await prepay(body);
    const later = new Date(sandbox.clock.now() + 3600_000).toISOString().replace("Z", "+00:00");
    expect((await prepay({ ...body, time_expire: later })).status).toBe(200);
  });

  it("refuses an openid that jscode2session did not issue for this appid with 500 OPENID_MISMATCH", async () => {
    const answer = await prepay(prepayBody(merchant, "oNEVERISSUEDxxxxxxxxxxxxxxxx"));
    expect(answer.status).toBe(500);
    expect(answer.json).toMatchObject({ code: "OPENID_MISMATCH" });
    const otherMerchant = await createTestMerchant(sandbox);
    const foreignOpenid = await loginOpenid(sandbox, otherMerchant);
    expect((await prepay(prepayBody(merchant, foreignOpenid))).json).toMatchObject({
      code: "OPENID_MISMATCH",
    });
  });

  it("refuses an appid not bound to the mchid with 400 APPID_MCHID_NOT_MATCH", async () => {
    const answer = await prepay(prepayBody(merchant, openid, { appid: "wx0000000000000000" }));
    expect(answer.status).toBe(400);
    expect(answer.json).toMatchObject({ code: "APPID_MCHID_NOT_MATCH" });
  });

  it("refuses a body mchid other than the signer's", async () => {
    await expectParamError(prepayBody(merchant, openid, { mchid: "1900000001" }), "/mchid");
  });

  it("refuses a body that is not JSON with PARAM_ERROR", async () => {
    const answer = await prepay("{not json");
    expect(answer.status).toBe(400);
    expect(answer.json).toMatchObject({ code: "PARAM_ERROR" });
  });

  it("requires each mandatory field", async () => {
    for (const field of ["appid", "mchid", "description", "out_trade_no", "notify_url", "amount", "payer"]) {
      const body: Record<string, unknown> = prepayBody(merchant, openid);
      delete body[field];
      await expectParamError(body, `/${field}`);
    }
    await expectParamError(prepayBody(merchant, openid, { payer: {} }), "/payer/openid");
    await expectParamError(prepayBody(merchant, openid, { amount: { currency: "CNY" } }), "/amount/total");
  });

  it("allows 127 characters of description and refuses 128", async () => {
    expect((await prepay(prepayBody(merchant, openid, { description: "商".repeat(127) }))).status).toBe(200);
    await expectParamError(prepayBody(merchant, openid, { description: "商".repeat(128) }), "/description");
  });

  it("refuses characters that take 4 bytes in UTF-8 (emoji), wherever they are", async () => {
    await expectParamError(prepayBody(merchant, openid, { description: "coffee ☕ ok 😀" }), "/description");
    await expectParamError(prepayBody(merchant, openid, { attach: "𠀀" }), "/attach");
    expect((await prepay(prepayBody(merchant, openid, { description: "咖啡 ☕" }))).status).toBe(200); // 3 bytes: fine
  });

  it("checks out_trade_no: 6 to 32 characters of [0-9A-Za-z_-|*]", async () => {
    for (const ok of ["ABC123", "a_b-c|d*e", "X".repeat(32)]) {
      expect((await prepay(prepayBody(merchant, openid, { out_trade_no: ok }))).status).toBe(200);
    }
    for (const bad of ["ABC12", "X".repeat(33), "ORDER#0001", "订单号123456"]) {
      await expectParamError(prepayBody(merchant, openid, { out_trade_no: bad }), "/out_trade_no");
    }
  });

  it("requires an HTTPS notify_url without a query string; http only on a loopback host by default", async () => {
    for (const bad of [
      "http://merchant.example/notify",
      "https://merchant.example/notify?x=1",
      "https://merchant.example/notify#x",
      "not a url",
    ]) {
      await expectParamError(prepayBody(merchant, openid, { notify_url: bad }), "/notify_url");
    }
    await expectParamError(
      prepayBody(merchant, openid, { notify_url: `https://m.example/${"n".repeat(250)}` }),
      "/notify_url",
    );
    for (const local of [
      "http://127.0.0.1:3000/notify",
      "http://localhost/notify",
      "http://[::1]:8080/notify",
    ]) {
      expect((await prepay(prepayBody(merchant, openid, { notify_url: local }))).status).toBe(200);
    }
  });

  it("requires amount.total to be an integer number of fen, at least 1, in CNY", async () => {
    for (const total of [0, -1, 1.5, "1"]) {
      await expectParamError(prepayBody(merchant, openid, { amount: { total } }), "/amount/total");
    }
    await expectParamError(
      prepayBody(merchant, openid, { amount: { total: 1, currency: "USD" } }),
      "/amount/currency",
    );
  });

  it("checks time_expire: RFC 3339 with an offset, in the future, at most 90 days ahead", async () => {
    const at = (ms: number) => new Date(sandbox.clock.now() + ms).toISOString().replace(/\.\d+Z$/, "+00:00");
    for (const bad of [
      "2030-01-01 10:00:00",
      "2030-01-01T10:00:00",
      "2030-02-30T10:00:00+08:00",
      at(-1000),
      at(91 * 86400_000),
    ]) {
      await expectParamError(prepayBody(merchant, openid, { time_expire: bad }), "/time_expire");
    }
    expect((await prepay(prepayBody(merchant, openid, { time_expire: at(3600_000) }))).status).toBe(200);
  });

  it("refuses null values: absent fields are omitted (§1)", async () => {
    await expectParamError(prepayBody(merchant, openid, { attach: null }), "/attach");
  });

  it("refuses every http notify_url when configured with WeChat's own rule, and allows any when told to", async () => {
    for (const [setting, status] of [
      ["never", 400],
      ["any", 200],
    ] as const) {
      const other = await startTestSandbox({ httpNotifyUrls: setting });
      try {
        const m = await createTestMerchant(other);
        const id = await loginOpenid(other, m);
        const answer = await callApi(other, m, {
          method: "POST",
          url: "/v3/pay/transactions/jsapi",
          body: prepayBody(m, id, {
            notify_url: `http://${setting === "any" ? "merchant.example" : "127.0.0.1:3000"}/notify`,
          }),
        });
        expect(answer.status).toBe(status);
      } finally {
        await other.close();
      }
    }
  });
});
