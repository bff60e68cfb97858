import { AlipaySdk } from "alipay-sdk";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { CERT_APP, KEY_APP, newOutTradeNo, startAlipaySandbox } from "../../test/alipay-sandbox.ts";
import { type NotifyReceiver, startReceiver } from "../../test/notify-receiver.ts";
import type { RunningSandbox } from "../start.ts";

/**
 * The official Node SDK (`alipay-sdk` 4.x, reference A.9) as an independent oracle: it signs
 * requests its own way, and verifies our answers (`validateSign`) and our notifications
 * (`checkNotifySignV2`) with its own code. If it is content, the simulator speaks Alipay.
 */

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

function sdkFor(appId: string): AlipaySdk {
  const credentials = sandbox.admin.alipayCredentials(appId);
  const common = {
    appId,
    privateKey: credentials.appPrivateKeyPem,
    keyType: "PKCS8" as const,
    gateway: sandbox.alipayGatewayUrl,
  };
  return credentials.keyMode === "cert"
    ? new AlipaySdk({
        ...common,
        appCertContent: credentials.appCertPem!,
        alipayPublicCertContent: credentials.alipayPublicCertPem!,
        alipayRootCertContent: credentials.alipayRootCertPem!,
      })
    : new AlipaySdk({ ...common, alipayPublicKey: credentials.alipayPublicKeyPem });
}

for (const seed of [KEY_APP, CERT_APP]) {
  describe(`alipay-sdk against the simulator, ${seed.keyMode} mode`, () => {
    it("logs in, creates, queries and refunds with validateSign, and checkNotifySignV2 accepts our notification", async () => {
      const sdk = sdkFor(seed.appId);
      const { code } = await sandbox.admin.mintAlipayAuthCode({ appId: seed.appId });
      const token = await sdk.exec(
        "alipay.system.oauth.token",
        { grantType: "authorization_code", code },
        { validateSign: true },
      );
      expect(token.userId).toMatch(/^2088[0-9]{12}$/);
      const outTradeNo = newOutTradeNo("SDK");
      const created = await sdk.exec(
        "alipay.trade.create",
        {
          notifyUrl: inbox.url,
          bizContent: {
            out_trade_no: outTradeNo,
            total_amount: "0.01",
            subject: "SDK 订单",
            product_code: "JSAPI_PAY",
            buyer_open_id: token.openId,
            op_app_id: seed.appId,
          },
        },
        { validateSign: true },
      );
      expect(created).toMatchObject({ code: "10000", outTradeNo });
      const before = inbox.received.length;
      await sandbox.admin.payAlipayTrade(seed.appId, outTradeNo);
      const delivered = (await inbox.waitFor(before + 1)).at(-1)!;
      const fields = Object.fromEntries(new URLSearchParams(delivered.body));
      expect(sdk.checkNotifySignV2(fields)).toBe(true);
      expect(sdk.checkNotifySignV2({ ...fields, total_amount: "100.00" })).toBe(false);
      const query = await sdk.exec(
        "alipay.trade.query",
        { bizContent: { out_trade_no: outTradeNo } },
        { validateSign: true },
      );
      expect(query).toMatchObject({ code: "10000", tradeStatus: "TRADE_SUCCESS", totalAmount: "0.01" });
      const refund = await sdk.exec(
        "alipay.trade.refund",
        { bizContent: { out_trade_no: outTradeNo, refund_amount: "0.01", out_request_no: "SDK_R1" } },
        { validateSign: true },
      );
      expect(refund).toMatchObject({ code: "10000", fundChange: "Y", refundFee: "0.01" });
      // A business error is signed too, under the method's key.
      const missing = await sdk.exec(
        "alipay.trade.query",
        { bizContent: { out_trade_no: "never_created" } },
        { validateSign: true },
      );
      expect(missing).toMatchObject({ code: "40004", subCode: "ACQ.TRADE_NOT_EXIST" });
    });
  });
}

it("the SDK's verifier refuses an answer signed by another app's Alipay key (the oracle can fail)", async () => {
  const credentials = sandbox.admin.alipayCredentials(KEY_APP.appId);
  const wrong = new AlipaySdk({
    appId: KEY_APP.appId,
    privateKey: credentials.appPrivateKeyPem,
    keyType: "PKCS8",
    gateway: sandbox.alipayGatewayUrl,
    alipayPublicKey: sandbox.admin.alipayCredentials(CERT_APP.appId).alipayPublicKeyPem,
  });
  await expect(
    wrong.exec("alipay.trade.query", { bizContent: { out_trade_no: "x" } }, { validateSign: true }),
  ).rejects.toThrow(/验签失败/);
});
