import { AlipayApiError, type AlipayClient, createAlipayClient, requestSigningString } from "@kassa/alipay";
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
import { type NotifyReceiver, startReceiver } from "../../test/notify-receiver.ts";
import type { RunningSandbox } from "../start.ts";

let sandbox: RunningSandbox;
let inbox: NotifyReceiver;

beforeAll(async () => {
  sandbox = await startAlipaySandbox();
  inbox = await startReceiver(() => ({ status: 200, body: "success" }));
});

afterAll(async () => {
  await sandbox.close();
  await inbox.close();
});

/** The rejection of `promise`, which must be an AlipayApiError. */
async function apiError(promise: Promise<unknown>): Promise<AlipayApiError> {
  const error = await promise.then(
    () => undefined,
    (thrown: unknown) => thrown,
  );
  expect(error).toBeInstanceOf(AlipayApiError);
  return error as AlipayApiError;
}

for (const seed of [KEY_APP, CERT_APP]) {
  describe(`${seed.keyMode} mode (A.3)`, () => {
    let client: AlipayClient;
    let buyerId: string;
    let buyerOpenId: string;

    beforeAll(async () => {
      ({ client } = await clientFor(sandbox, seed.appId));
      const login = await loginBuyer(sandbox, client);
      buyerId = login.user_id!;
      buyerOpenId = login.open_id!;
    });

    it("create → WAIT_BUYER_PAY; the buyer pays; a signed TRADE_SUCCESS notification arrives; query shows TRADE_SUCCESS", async () => {
      const outTradeNo = newOutTradeNo();
      const created = await client.trade.create({
        out_trade_no: outTradeNo,
        total_amount: 1230,
        subject: "Kassa 测试订单",
        buyer_open_id: buyerOpenId,
        timeout_express: "30m",
        notify_url: inbox.url,
      });
      expect(created.trade_no).toMatch(/^[0-9]{28}$/);
      expect((await client.trade.query({ out_trade_no: outTradeNo })).trade_status).toBe("WAIT_BUYER_PAY");
      const before = inbox.received.length;
      await sandbox.admin.payAlipayTrade(seed.appId, outTradeNo);
      const delivered = (await inbox.waitFor(before + 1)).at(-1)!;
      expect(delivered.headers["content-type"]).toMatch(/^application\/x-www-form-urlencoded/);
      const notification = client.notifications.verify(delivered.body);
      expect(notification).toMatchObject({
        notify_type: "trade_status_sync",
        trade_status: "TRADE_SUCCESS",
        app_id: seed.appId,
        seller_id: seed.sellerId,
        out_trade_no: outTradeNo,
        trade_no: created.trade_no,
        total_amount: 1230,
        buyer_open_id: buyerOpenId,
      });
      expect(notification.fields.fund_bill_list).toBe('[{"amount":"12.30","fundChannel":"ALIPAYACCOUNT"}]');
      // A.4: never an empty-valued field.
      expect(Object.values(notification.fields).every((value) => value !== "")).toBe(true);
      const query = await client.trade.query({ trade_no: created.trade_no });
      expect(query).toMatchObject({
        trade_status: "TRADE_SUCCESS",
        total_amount: 1230,
        buyer_pay_amount: 1230,
      });
      await sandbox.context.scheduler.idle();
      expect(sandbox.admin.listAlipayNotifications({ outTradeNo })[0]).toMatchObject({ status: "DELIVERED" });
    });

    it("oauth.token answers the user_id and this app's open_id, and a code works once (isv.code-invalid after)", async () => {
      const { code, userId, openId } = await sandbox.admin.mintAlipayAuthCode({
        appId: seed.appId,
        userId: buyerId,
      });
      expect(userId).toBe(buyerId);
      const token = await client.oauth.token({ grant_type: "authorization_code", code });
      expect(token).toMatchObject({ user_id: buyerId, open_id: buyerOpenId });
      expect(openId).toBe(buyerOpenId);
      const reused = await apiError(client.oauth.token({ grant_type: "authorization_code", code }));
      expect(reused).toMatchObject({ gatewayCode: "40002", subCode: "isv.code-invalid" });
      const unknown = await apiError(client.oauth.token({ grant_type: "authorization_code", code: "nope" }));
      expect(unknown.subCode).toBe("isv.code-invalid");
    });
  });
}

describe("alipay.trade.create rules (A.1, A.8 item 3)", () => {
  let client: AlipayClient;
  let buyerId: string;
  let buyerOpenId: string;
  beforeAll(async () => {
    ({ client } = await clientFor(sandbox, KEY_APP.appId));
    const login = await loginBuyer(sandbox, client);
    buyerId = login.user_id!;
    buyerOpenId = login.open_id!;
  });

  it("the same out_trade_no and parameters give the same trade_no; other parameters give ACQ.CONTEXT_INCONSISTENT", async () => {
    const request = { out_trade_no: newOutTradeNo(), total_amount: 500, subject: "idem", buyer_id: buyerId };
    const first = await client.trade.create(request);
    const again = await client.trade.create(request);
    expect(again.trade_no).toBe(first.trade_no);
    const changed = await apiError(client.trade.create({ ...request, total_amount: 501 }));
    expect(changed).toMatchObject({ gatewayCode: "40004", subCode: "ACQ.CONTEXT_INCONSISTENT" });
    expect(
      sandbox.admin
        .listAlipayTrades({ appId: KEY_APP.appId })
        .filter((t) => t.outTradeNo === request.out_trade_no),
    ).toHaveLength(1);
  });

  it("refuses a buyer this app never logged in, another app's open_id, and a bad subject (ACQ.INVALID_PARAMETER)", async () => {
    const base = { out_trade_no: newOutTradeNo(), total_amount: 100, subject: "ok" };
    const stranger = await apiError(client.trade.create({ ...base, buyer_id: "2088999999999999" }));
    expect(stranger).toMatchObject({ gatewayCode: "40004", subCode: "ACQ.INVALID_PARAMETER" });
    const { client: other } = await clientFor(sandbox, CERT_APP.appId);
    const otherLogin = await loginBuyer(sandbox, other, buyerId);
    expect(otherLogin.open_id).not.toBe(buyerOpenId); // A.6: one open_id per app
    const foreign = await apiError(client.trade.create({ ...base, buyer_open_id: otherLogin.open_id! }));
    expect(foreign.subCode).toBe("ACQ.INVALID_PARAMETER");
    // The typed client refuses these itself: sent by hand, the gateway's own checks answer.
    const responseKey = "alipay_trade_create_response";
    const raw = { out_trade_no: newOutTradeNo(), total_amount: "1.00", subject: "ok", buyer_id: buyerId };
    for (const [biz, mentions] of [
      [{ ...raw, subject: "a/b" }, "subject"],
      [{ ...raw, subject: "x=1&y=2" }, "subject"],
      [{ ...raw, total_amount: "1.001" }, "total_amount"],
      [{ ...raw, total_amount: 1 }, "total_amount"],
      [{ ...raw, total_amount: "0.00" }, "total_amount"],
      [{ ...raw, total_amount: "100000000.01" }, "total_amount"],
      [{ ...raw, out_trade_no: "has-dash" }, "out_trade_no"],
      [{ ...raw, out_trade_no: "x".repeat(65) }, "out_trade_no"],
      [{ ...raw, buyer_id: undefined }, "buyer_id or buyer_open_id"],
    ] as const) {
      const { json } = await rawGatewayCall(sandbox, KEY_APP.appId, "alipay.trade.create", biz);
      expect(json[responseKey]).toMatchObject({ code: "40004", sub_code: "ACQ.INVALID_PARAMETER" });
      expect(json[responseKey]!.sub_msg).toContain(mentions);
    }
  });

  it("closes an unpaid trade when its timeout_express runs out on the virtual clock", async () => {
    const outTradeNo = newOutTradeNo();
    await client.trade.create({
      out_trade_no: outTradeNo,
      total_amount: 100,
      subject: "expiring",
      buyer_id: buyerId,
      timeout_express: "2m",
    });
    await sandbox.admin.advanceClock(119_999);
    expect(sandbox.admin.getAlipayTrade(KEY_APP.appId, outTradeNo).status).toBe("WAIT_BUYER_PAY");
    await sandbox.admin.advanceClock(1);
    expect((await client.trade.query({ out_trade_no: outTradeNo })).trade_status).toBe("TRADE_CLOSED");
    const recreated = await apiError(
      client.trade.create({
        out_trade_no: outTradeNo,
        total_amount: 100,
        subject: "expiring",
        buyer_id: buyerId,
        timeout_express: "2m",
      }),
    );
    expect(recreated.subCode).toBe("ACQ.TRADE_HAS_CLOSE");
  });

  it("query of an unknown trade: ACQ.TRADE_NOT_EXIST", async () => {
    const missing = await apiError(client.trade.query({ out_trade_no: "never_created" }));
    expect(missing).toMatchObject({ gatewayCode: "40004", subCode: "ACQ.TRADE_NOT_EXIST" });
  });

  it("close: WAIT_BUYER_PAY closes; a paid trade answers ACQ.TRADE_STATUS_ERROR", async () => {
    const open = newOutTradeNo();
    await client.trade.create({
      out_trade_no: open,
      total_amount: 100,
      subject: "close me",
      buyer_id: buyerId,
    });
    await client.trade.close({ out_trade_no: open });
    expect((await client.trade.query({ out_trade_no: open })).trade_status).toBe("TRADE_CLOSED");
    const paid = newOutTradeNo();
    await client.trade.create({ out_trade_no: paid, total_amount: 100, subject: "paid", buyer_id: buyerId });
    await sandbox.admin.payAlipayTrade(KEY_APP.appId, paid);
    const refused = await apiError(client.trade.close({ out_trade_no: paid }));
    expect(refused.subCode).toBe("ACQ.TRADE_STATUS_ERROR");
  });
});

describe("refunds (A.5)", () => {
  let client: AlipayClient;
  let buyerId: string;
  beforeAll(async () => {
    ({ client } = await clientFor(sandbox, KEY_APP.appId));
    buyerId = (await loginBuyer(sandbox, client)).user_id!;
  });

  it("partial refunds add up; a repeated out_request_no moves no money (fund_change N); more than the rest is refused; the whole closes the trade", async () => {
    const outTradeNo = newOutTradeNo();
    await client.trade.create({
      out_trade_no: outTradeNo,
      total_amount: 1000,
      subject: "refund me",
      buyer_id: buyerId,
    });
    await sandbox.admin.payAlipayTrade(KEY_APP.appId, outTradeNo);
    const first = await client.trade.refund({
      out_trade_no: outTradeNo,
      refund_amount: 300,
      out_request_no: "R1",
    });
    expect(first).toMatchObject({ fund_change: "Y", refund_fee: 300, send_back_fee: 300 });
    const repeat = await client.trade.refund({
      out_trade_no: outTradeNo,
      refund_amount: 300,
      out_request_no: "R1",
    });
    expect(repeat).toMatchObject({ fund_change: "N", refund_fee: 300 });
    const over = await apiError(
      client.trade.refund({ out_trade_no: outTradeNo, refund_amount: 701, out_request_no: "R2" }),
    );
    expect(over).toMatchObject({ gatewayCode: "40004", subCode: "ACQ.REASON_TRADE_REFUND_FEE_ERR" });
    expect((await client.trade.query({ out_trade_no: outTradeNo })).trade_status).toBe("TRADE_SUCCESS");
    const rest = await client.trade.refund({
      out_trade_no: outTradeNo,
      refund_amount: 700,
      out_request_no: "R2",
    });
    expect(rest).toMatchObject({ fund_change: "Y", refund_fee: 1000 });
    expect((await client.trade.query({ out_trade_no: outTradeNo })).trade_status).toBe("TRADE_CLOSED");
    expect(await client.trade.refundQuery({ out_trade_no: outTradeNo, out_request_no: "R1" })).toMatchObject({
      refund_status: "REFUND_SUCCESS",
      refund_amount: 300,
      total_amount: 1000,
    });
    const none = await client.trade.refundQuery({ out_trade_no: outTradeNo, out_request_no: "R9" });
    expect(none.refund_status).toBeUndefined();
  });

  it("90 days after payment the trade is TRADE_FINISHED and no longer refunds", async () => {
    const outTradeNo = newOutTradeNo();
    await client.trade.create({
      out_trade_no: outTradeNo,
      total_amount: 100,
      subject: "old",
      buyer_id: buyerId,
    });
    await sandbox.admin.payAlipayTrade(KEY_APP.appId, outTradeNo);
    await sandbox.admin.advanceClock(90 * 86_400_000 - 1);
    expect((await client.trade.query({ out_trade_no: outTradeNo })).trade_status).toBe("TRADE_SUCCESS");
    await sandbox.admin.advanceClock(1);
    expect((await client.trade.query({ out_trade_no: outTradeNo })).trade_status).toBe("TRADE_FINISHED");
    const late = await apiError(
      client.trade.refund({ out_trade_no: outTradeNo, refund_amount: 100, out_request_no: "LATE" }),
    );
    expect(late.subCode).toBe("ACQ.TRADE_HAS_FINISHED");
  });

  it("an unpaid trade does not refund (ACQ.TRADE_STATUS_ERROR)", async () => {
    const outTradeNo = newOutTradeNo();
    await client.trade.create({
      out_trade_no: outTradeNo,
      total_amount: 100,
      subject: "unpaid",
      buyer_id: buyerId,
    });
    const refused = await apiError(
      client.trade.refund({ out_trade_no: outTradeNo, refund_amount: 100, out_request_no: "R1" }),
    );
    expect(refused.subCode).toBe("ACQ.TRADE_STATUS_ERROR");
  });
});

describe("the gateway itself (A.3)", () => {
  it("a bad signature answers 40002 isv.invalid-signature with the gateway's string to sign in sub_msg", async () => {
    // A client of the key-mode app that signs with the cert-mode app's private key.
    const cert = sandbox.admin.alipayCredentials(CERT_APP.appId);
    const forger = createAlipayClient({
      appId: KEY_APP.appId,
      appPrivateKey: cert.appPrivateKeyPem,
      keys: {
        mode: "key",
        alipayPublicKey: sandbox.admin.alipayCredentials(KEY_APP.appId).alipayPublicKeyPem,
      },
      gatewayUrl: sandbox.alipayGatewayUrl,
      clock: () => sandbox.clock.now(),
    });
    const error = await apiError(forger.trade.query({ out_trade_no: "whatever" }));
    expect(error).toMatchObject({
      gatewayCode: "40002",
      subCode: "isv.invalid-signature",
      signatureVerified: true,
    });
    expect(error.subMsg).toContain("网关生成的验签字符串为：");
    const signed = error.subMsg!.split("：").slice(1).join("：");
    expect(signed).toContain(
      `app_id=${KEY_APP.appId}&biz_content={"out_trade_no":"whatever"}&charset=utf-8&format=JSON&method=alipay.trade.query&sign_type=RSA2&timestamp=`,
    );
    expect(signed).toBe(
      requestSigningString(
        Object.fromEntries(signed.split("&").map((pair) => pair.split(/=(.*)/s).slice(0, 2))),
      ),
    );
  });

  it("an unknown method answers isv.invalid-method under error_response", async () => {
    const { json } = await rawGatewayCall(sandbox, KEY_APP.appId, "alipay.trade.nonexistent", {});
    expect(json.error_response).toMatchObject({ code: "40002", sub_code: "isv.invalid-method" });
  });
});
