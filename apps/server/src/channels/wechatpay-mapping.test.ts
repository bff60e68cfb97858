import type { TradeBillRow, Transaction, TransactionNotification } from "@kassa/wechatpay";
import { describe, expect, it } from "vitest";
import { eventOf, statementRowOf } from "./wechatpay-mapping.ts";

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

function billRow(row: Partial<TradeBillRow>): TradeBillRow {
  return {
    tradeTime: "2026-03-02 00:30:00",
    appid: "wx1",
    mchid: "1900000109",
    transactionId: "4200000000000000000000000001",
    outTradeNo: "ord_1",
    tradeState: "SUCCESS",
    settlementTotalFen: 300,
    totalFen: 300,
    feeMilliFen: 1800,
    extra: {},
    ...row,
  } as TradeBillRow;
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

  it("bill times are Beijing time (§5.7): 00:30 on 2 March is 16:30 UTC on 1 March", () => {
    expect(statementRowOf(billRow({}))).toMatchObject({ kind: "payment", at: Date.UTC(2026, 2, 1, 16, 30) });
  });

  it("a refund row keeps the v2 refund status words apart (§5.7: FAIL is closed, CHANGE is abnormal)", () => {
    const refund = {
      tradeState: "REFUND",
      refundId: "50300",
      outRefundNo: "rfd_1",
      appliedRefundFen: 100,
    } as const;
    expect(statementRowOf(billRow({ ...refund, refundStatus: "FAIL" }))).toMatchObject({
      kind: "refund",
      amountFen: 100,
      status: "closed",
    });
    expect(statementRowOf(billRow({ ...refund, refundStatus: "CHANGE" }))).toMatchObject({
      status: "abnormal",
    });
  });

  it("a REVOKED row (micropay only, §5.2) is left out of the statement", () => {
    expect(statementRowOf(billRow({ tradeState: "REVOKED" }))).toBeUndefined();
  });
});
