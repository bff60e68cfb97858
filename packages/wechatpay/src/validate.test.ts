import { describe, expect, it } from "vitest";
import { RequestValidationError } from "./errors.ts";
import type { JsapiPrepayRequest, RefundRequest } from "./types.ts";
import { checkPrepayId, checkTransactionId, validatePrepay, validateRefund } from "./validate.ts";

const prepay: JsapiPrepayRequest = {
  description: "Kassa 测试商品",
  out_trade_no: "ord_20250520_0001",
  notify_url: "https://pay.example.com/wechatpay/notify",
  amount: { total: 1, currency: "CNY" },
  payer: { openid: "oUpF8uMuAJO_M2pxb1Q9zNjWeS6o" },
};
const refund: RefundRequest = {
  out_trade_no: "ord_20250520_0001",
  out_refund_no: "rfd_20250520_0001",
  amount: { refund: 1, total: 1, currency: "CNY" },
};

/** Runs `check` and returns the field it refused, failing the test if it accepted. */
function refusedField(check: () => void): string {
  try {
    check();
  } catch (error) {
    expect(error).toBeInstanceOf(RequestValidationError);
    expect((error as RequestValidationError).code).toBe("REQUEST_INVALID");
    return (error as RequestValidationError).field;
  }
  throw new Error("the request was accepted");
}

const withPrepay = (patch: Partial<JsapiPrepayRequest>) => () => validatePrepay({ ...prepay, ...patch });
const withRefund = (patch: Partial<RefundRequest>) => () => validateRefund({ ...refund, ...patch });

describe("validatePrepay (§5.1)", () => {
  it("accepts a documented request, including | and * in out_trade_no", () => {
    expect(() => validatePrepay(prepay)).not.toThrow();
    expect(() =>
      validatePrepay({ ...prepay, out_trade_no: "ab|cd*", time_expire: "2025-05-20T13:29:35+08:00" }),
    ).not.toThrow();
  });

  it.each([
    ["shorter than 6", "abc12"],
    ["longer than 32", "a".repeat(33)],
    ["with a character outside [0-9A-Za-z_-|*]", "order#0001"],
    ["with a space", "order 0001"],
  ])("refuses out_trade_no %s", (_, outTradeNo) => {
    expect(refusedField(withPrepay({ out_trade_no: outTradeNo }))).toBe("out_trade_no");
  });

  it("refuses an empty description and one over 127 characters, counting characters not bytes", () => {
    expect(refusedField(withPrepay({ description: "" }))).toBe("description");
    expect(refusedField(withPrepay({ description: "商".repeat(128) }))).toBe("description");
    expect(() => validatePrepay({ ...prepay, description: "商".repeat(127) })).not.toThrow();
  });

  it("refuses 4-byte UTF-8 characters (emoji) in description and attach (§1 Charset)", () => {
    expect(refusedField(withPrepay({ description: "咖啡 ☕️ 🍰" }))).toBe("description");
    expect(refusedField(withPrepay({ attach: "vip 😀" }))).toBe("attach");
    expect(() => validatePrepay({ ...prepay, description: "咖啡 ☕" })).not.toThrow(); // U+2615 is 3 bytes
  });

  it("refuses attach over 128 characters", () => {
    expect(refusedField(withPrepay({ attach: "a".repeat(129) }))).toBe("attach");
    expect(() => validatePrepay({ ...prepay, attach: "a".repeat(128) })).not.toThrow();
  });

  it.each([
    ["zero", 0],
    ["negative", -1],
    ["a fraction (yuan by mistake)", 0.01],
    ["beyond safe integers", 2 ** 53],
    ["NaN", Number.NaN],
  ])("refuses amount.total that is %s: integer fen >= 1 only", (_, total) => {
    expect(refusedField(withPrepay({ amount: { total } }))).toBe("amount.total");
  });

  it("refuses a currency other than CNY", () => {
    expect(refusedField(withPrepay({ amount: { total: 1, currency: "USD" as "CNY" } }))).toBe(
      "amount.currency",
    );
  });

  it.each([
    ["http", "http://pay.example.com/notify"],
    ["with a query string", "https://pay.example.com/notify?order=1"],
    ["with an empty query", "https://pay.example.com/notify?"],
    ["relative", "/notify"],
    ["over 255 characters", `https://pay.example.com/${"n".repeat(232)}`],
  ])("refuses a notify_url that is %s", (_, notifyUrl) => {
    expect(refusedField(withPrepay({ notify_url: notifyUrl }))).toBe("notify_url");
  });

  it("accepts http on loopback only for a client that talks to a local simulator", () => {
    const local = { ...prepay, notify_url: "http://127.0.0.1:8700/notify/wechatpay" };
    expect(refusedField(() => validatePrepay(local))).toBe("notify_url");
    expect(() => validatePrepay(local, { allowLoopbackNotifyUrl: true })).not.toThrow();
    const remote = { ...prepay, notify_url: "http://pay.example.com/notify" };
    expect(refusedField(() => validatePrepay(remote, { allowLoopbackNotifyUrl: true }))).toBe("notify_url");
  });

  it("accepts a notify_url of exactly 255 characters", () => {
    const url = `https://pay.example.com/${"n".repeat(231)}`;
    expect(url.length).toBe(255);
    expect(() => validatePrepay({ ...prepay, notify_url: url })).not.toThrow();
  });

  it.each([
    ["without an offset", "2025-05-20T13:29:35"],
    ["in another format", "20250520132935"],
    ["with an impossible date", "2025-13-45T13:29:35+08:00"],
  ])("refuses time_expire %s (RFC 3339 with offset)", (_, timeExpire) => {
    expect(refusedField(withPrepay({ time_expire: timeExpire }))).toBe("time_expire");
  });

  it("refuses an empty openid and one over 128 characters", () => {
    expect(refusedField(withPrepay({ payer: { openid: "" } }))).toBe("payer.openid");
    expect(refusedField(withPrepay({ payer: { openid: "o".repeat(129) } }))).toBe("payer.openid");
  });

  it("says what to change in the message", () => {
    expect(withPrepay({ out_trade_no: "abc" })).toThrow(/out_trade_no: must be 6-32 characters/);
    expect(withPrepay({ amount: { total: 0.5 } })).toThrow(/whole number of fen/);
  });
});

describe("validateRefund (§5.4)", () => {
  it("accepts a documented refund, including @ | * in out_refund_no", () => {
    expect(() => validateRefund(refund)).not.toThrow();
    expect(() => validateRefund({ ...refund, out_refund_no: "r@1|2*" })).not.toThrow();
  });

  it("refuses out_refund_no that is empty, over 64, or outside [0-9A-Za-z_-|*@]", () => {
    expect(refusedField(withRefund({ out_refund_no: "" }))).toBe("out_refund_no");
    expect(refusedField(withRefund({ out_refund_no: "r".repeat(65) }))).toBe("out_refund_no");
    expect(refusedField(withRefund({ out_refund_no: "r#1" }))).toBe("out_refund_no");
  });

  it("refuses a refund larger than the order total", () => {
    expect(refusedField(withRefund({ amount: { refund: 101, total: 100, currency: "CNY" } }))).toBe(
      "amount.refund",
    );
  });

  it("refuses non-integer or non-positive refund and total amounts", () => {
    expect(refusedField(withRefund({ amount: { refund: 0, total: 100, currency: "CNY" } }))).toBe(
      "amount.refund",
    );
    expect(refusedField(withRefund({ amount: { refund: 1.5, total: 100, currency: "CNY" } }))).toBe(
      "amount.refund",
    );
    expect(refusedField(withRefund({ amount: { refund: 1, total: 0, currency: "CNY" } }))).toBe(
      "amount.total",
    );
  });

  it("requires the original order's out_trade_no or transaction_id", () => {
    const { out_trade_no: _, ...withoutOrder } = refund;
    expect(refusedField(() => validateRefund(withoutOrder))).toBe("out_trade_no");
    expect(() =>
      validateRefund({ ...withoutOrder, transaction_id: "4200000000202505200000000001" }),
    ).not.toThrow();
  });

  it("refuses a reason over 80 characters and a notify_url over 256", () => {
    expect(refusedField(withRefund({ reason: "r".repeat(81) }))).toBe("reason");
    expect(() => validateRefund({ ...refund, reason: "r".repeat(80) })).not.toThrow();
    expect(refusedField(withRefund({ notify_url: `https://pay.example.com/${"n".repeat(233)}` }))).toBe(
      "notify_url",
    );
    expect(() =>
      validateRefund({ ...refund, notify_url: `https://pay.example.com/${"n".repeat(232)}` }),
    ).not.toThrow();
  });

  it("requires currency CNY", () => {
    expect(refusedField(withRefund({ amount: { refund: 1, total: 1, currency: "HKD" as "CNY" } }))).toBe(
      "amount.currency",
    );
  });
});

describe("ids", () => {
  it("refuses a transaction_id that is empty, too long or not alphanumeric", () => {
    expect(refusedField(() => checkTransactionId(""))).toBe("transaction_id");
    expect(refusedField(() => checkTransactionId("4".repeat(33)))).toBe("transaction_id");
    expect(refusedField(() => checkTransactionId("42/../x"))).toBe("transaction_id");
  });

  it("refuses an empty prepay_id", () => {
    expect(refusedField(() => checkPrepayId(""))).toBe("prepay_id");
  });
});
