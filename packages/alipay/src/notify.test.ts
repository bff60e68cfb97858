import { AlipaySdk } from "alipay-sdk";
import fc from "fast-check";
import { beforeAll, describe, expect, it } from "vitest";
import { AlipayError } from "./errors.ts";
import {
  notificationSigningString,
  parseNotificationForm,
  signedNotificationBody,
  signNotification,
  verifyNotification,
} from "./notify.ts";
import { makeKeyPair, type TestKeyPair } from "./testing/test-pki.ts";

let alipay: TestKeyPair;
let stranger: TestKeyPair;
let sdk: AlipaySdk;

beforeAll(() => {
  alipay = makeKeyPair();
  stranger = makeKeyPair();
  sdk = new AlipaySdk({
    appId: "2021000000000001",
    privateKey: stranger.privateKeyBase64,
    keyType: "PKCS8",
    alipayPublicKey: alipay.publicKeyBase64,
  });
});

/** A payment notification shaped as reference A.4 lists its fields. */
const PAID = {
  notify_time: "2026-12-03 15:30:01",
  notify_type: "trade_status_sync",
  notify_id: "2026120300222153001000000000000001",
  app_id: "2021000000000001",
  charset: "utf-8",
  version: "1.0",
  trade_no: "2026120322001400001",
  out_trade_no: "ord_20261203_0001",
  buyer_open_id: "074a1CcTG1LelxKe4xQC0zgNdId0nxi95b5lsNpazWYoCo5",
  seller_id: "2088000000000001",
  trade_status: "TRADE_SUCCESS",
  total_amount: "12.30",
  receipt_amount: "12.30",
  buyer_pay_amount: "12.30",
  gmt_create: "2026-12-03 15:29:50",
  gmt_payment: "2026-12-03 15:30:00",
  subject: "茶 & 点心 = 好 100%",
  fund_bill_list: '[{"amount":"12.30","fundChannel":"ALIPAYACCOUNT"}]',
};

function errorOf(run: () => unknown): AlipayError {
  try {
    run();
  } catch (error) {
    expect(error).toBeInstanceOf(AlipayError);
    return error as AlipayError;
  }
  throw new Error("expected an AlipayError");
}

describe("asynchronous notifications (reference A.4)", () => {
  it("verifies the raw form body and types it, amounts in fen", () => {
    const body = signedNotificationBody(PAID, alipay.privateKey);
    const event = verifyNotification(body, alipay.publicKey);
    expect(event).toMatchObject({
      out_trade_no: "ord_20261203_0001",
      trade_no: "2026120322001400001",
      trade_status: "TRADE_SUCCESS",
      total_amount: 1230,
      receipt_amount: 1230,
      app_id: "2021000000000001",
      seller_id: "2088000000000001",
      notify_id: PAID.notify_id,
      gmt_payment: "2026-12-03 15:30:00",
      refund_fee: undefined,
    });
    expect(event.fields.subject).toBe(PAID.subject);
    // The same fields a framework already decoded: verified without a second decoding.
    expect(verifyNotification(parseNotificationForm(body), alipay.publicKey).total_amount).toBe(1230);
  });

  it("types the refund fields when present", () => {
    const refund = {
      ...PAID,
      refund_fee: "5.00",
      gmt_refund: "2026-12-04 10:00:00.123",
      out_biz_no: "rfd_0001",
    };
    const event = verifyNotification(signedNotificationBody(refund, alipay.privateKey), alipay.publicKey);
    expect(event).toMatchObject({
      refund_fee: 500,
      gmt_refund: "2026-12-04 10:00:00.123",
      out_biz_no: "rfd_0001",
    });
  });

  it("signs over the sorted fields without sign and sign_type", () => {
    expect(notificationSigningString({ b: "2", sign: "x", a: "1", sign_type: "RSA2", c: "" })).toBe(
      "a=1&b=2&c=",
    );
  });

  it("refuses a tampered amount, app_id or seller, a missing or foreign sign, and sign_type RSA", () => {
    const fields = parseNotificationForm(signedNotificationBody(PAID, alipay.privateKey));
    for (const change of [
      { total_amount: "1230" },
      { app_id: "2021000000000002" },
      { seller_id: "2088000000000002" },
    ]) {
      expect(errorOf(() => verifyNotification({ ...fields, ...change }, alipay.publicKey)).code).toBe(
        "NOTIFY_SIGNATURE_INVALID",
      );
    }
    const { sign: _, ...unsigned } = fields;
    expect(errorOf(() => verifyNotification(unsigned, alipay.publicKey)).code).toBe(
      "NOTIFY_SIGNATURE_INVALID",
    );
    expect(errorOf(() => verifyNotification(fields, stranger.publicKey)).code).toBe(
      "NOTIFY_SIGNATURE_INVALID",
    );
    expect(errorOf(() => verifyNotification({ ...fields, sign_type: "RSA" }, alipay.publicKey)).code).toBe(
      "NOTIFY_SIGNATURE_INVALID",
    );
    // An extra field is part of the signed string too.
    expect(errorOf(() => verifyNotification({ ...fields, refund_fee: "1.00" }, alipay.publicKey)).code).toBe(
      "NOTIFY_SIGNATURE_INVALID",
    );
  });

  it("refuses a field posted twice and a signed notification whose amount is not a yuan amount", () => {
    const body = signedNotificationBody(PAID, alipay.privateKey);
    expect(errorOf(() => verifyNotification(`${body}&total_amount=1.00`, alipay.publicKey)).code).toBe(
      "NOTIFY_SHAPE_INVALID",
    );
    const odd = signedNotificationBody({ ...PAID, total_amount: "1e3" }, alipay.privateKey);
    expect(errorOf(() => verifyNotification(odd, alipay.publicKey)).code).toBe("NOTIFY_SHAPE_INVALID");
  });

  it("agrees with alipay-sdk's checkNotifySignV2 on random fields, tampered or not", () => {
    // Extra keys start with x_ so that none replaces a typed field with random text.
    const text = fc.string({
      unit: fc.constantFrom("a", "Z", "0", " ", "&", "=", "%", "+", "茶", "\u00e9", "/"),
      maxLength: 12,
    });
    fc.assert(
      fc.property(
        fc.dictionary(fc.stringMatching(/^x_[a-z_]{1,10}$/), text, { maxKeys: 6 }),
        text,
        (extra, subject) => {
          const fields = { ...PAID, ...extra, subject };
          delete (fields as Record<string, string>).sign;
          delete (fields as Record<string, string>).sign_type;
          const posted = parseNotificationForm(signedNotificationBody(fields, alipay.privateKey));
          expect(verifyNotification(posted, alipay.publicKey).out_trade_no).toBe(fields.out_trade_no);
          expect(sdk.checkNotifySignV2({ ...posted })).toBe(true);
          const tampered = { ...posted, out_trade_no: `${posted.out_trade_no}x` };
          expect(sdk.checkNotifySignV2({ ...tampered })).toBe(false);
          expect(() => verifyNotification(tampered, alipay.publicKey)).toThrow(AlipayError);
        },
      ),
      { numRuns: 40 },
    );
  });

  it("accepts a signature alipay-sdk checks as valid, made by signNotification without sign_type", () => {
    const signature = signNotification(PAID, alipay.privateKey);
    expect(sdk.checkNotifySignV2({ ...PAID, sign: signature })).toBe(true);
    expect(sdk.checkNotifySignV2({ ...PAID, sign: signature, total_amount: "12.31" })).toBe(false);
  });
});
