import type { Transaction, TransactionNotification } from "@kassa/wechatpay";
import { describe, expect, it } from "vitest";
import { eventOf } from "./wechatpay-mapping.ts";

const NOW = Date.parse("2026-03-02T10:00:00+08:00");

function transactionNotification(resource: Partial<Transaction>): TransactionNotification {
  return {
    id: "3119dfba-e649-5eec-ab1e-3412bc4d2e17",
    createTime: "2026-03-02T10:00:00+08:00",
    summary: "",
    signed: {} as TransactionNotification["signed"],
    kind: "transaction",
    eventType: "TRANSACTION.SUCCESS",
    resource: {
      appid: "wx1",
      mchid: "1900000109",
      out_trade_no: "ord_1",
      trade_state: "SUCCESS",
      trade_state_desc: "",
      ...resource,
    },
  };
}

describe("WeChat Pay's words in the port's", () => {
  it("a transaction notification closed at WeChat Pay is payment_closed (§4.1: products other than JSAPI send it)", () => {
    expect(eventOf(transactionNotification({ trade_state: "CLOSED" }), NOW)).toMatchObject({
      kind: "payment_closed",
      outTradeNo: "ord_1",
    });
  });

  it("a transaction notification that is neither paid nor closed is ignored, not applied", () => {
    expect(eventOf(transactionNotification({ trade_state: "NOTPAY" }), NOW)).toMatchObject({
      kind: "ignored",
    });
  });

  it("a paid transaction without transaction_id is refused as an unknown outcome, not applied", () => {
    expect(() => eventOf(transactionNotification({ amount: { total: 300 } }), NOW)).toThrow(
      /lacks transaction_id/,
    );
  });
});
