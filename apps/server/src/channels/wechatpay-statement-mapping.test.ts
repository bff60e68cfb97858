import type { FundFlowBillRow, TradeBillRow } from "@kassa/wechatpay";
import { describe, expect, it } from "vitest";
import { feeEntryOf, statementEntryOf } from "./wechatpay-statement-mapping.ts";

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

describe("WeChat Pay's bill rows in the statement's words (§5.7)", () => {
  it("bill times are Beijing time (§5.7): 00:30 on 2 March is 16:30 UTC on 1 March", () => {
    expect(statementEntryOf(billRow({}))).toMatchObject({
      kind: "payment",
      at: Date.UTC(2026, 2, 1, 16, 30),
    });
  });

  it("a refund row keeps the v2 refund status words apart (§5.7: FAIL is closed, CHANGE is abnormal)", () => {
    const refund = {
      tradeState: "REFUND",
      refundId: "50300",
      outRefundNo: "rfd_1",
      appliedRefundFen: 100,
    } as const;
    expect(statementEntryOf(billRow({ ...refund, refundStatus: "FAIL" }))).toMatchObject({
      kind: "refund",
      amountFen: 100,
      status: "closed",
    });
    expect(statementEntryOf(billRow({ ...refund, refundStatus: "CHANGE" }))).toMatchObject({
      status: "abnormal",
    });
  });

  it("a REVOKED row (§5.2: taken back) is a payment the channel no longer holds", () => {
    expect(statementEntryOf(billRow({ tradeState: "REVOKED" }))).toMatchObject({
      kind: "payment",
      status: "revoked",
    });
  });

  it("a REFUND row without its refund ids, or a time that is not one, is refused for the caller to report", () => {
    expect(() => statementEntryOf(billRow({ tradeState: "REFUND" }))).toThrow(/without/);
    expect(() => statementEntryOf(billRow({ tradeTime: "2026-03-02T00:30:00Z" }))).toThrow(/unreadable/);
  });

  it("a fee taken is positive, a fee given back negative, other fund movements are not fees", () => {
    const movement = {
      bookedAt: "2026-03-02 00:30:00",
      businessOrderId: "4200000000000000000000000001",
      fundFlowId: "420000000000000000000000000102",
      direction: "支出",
      amountFen: 2,
      voucherNo: "ord_1",
      extra: {},
    } as const;
    expect(feeEntryOf({ ...movement, businessType: "扣除交易手续费" } as FundFlowBillRow)).toEqual({
      kind: "fee",
      reference: "ord_1",
      movementId: movement.fundFlowId,
      amountFen: 2,
      at: Date.UTC(2026, 2, 1, 16, 30),
    });
    const feeBack = { ...movement, businessType: "退还交易手续费", direction: "收入", voucherNo: "rfd_1" };
    expect(feeEntryOf(feeBack as FundFlowBillRow)).toMatchObject({ reference: "rfd_1", amountFen: -2 });
    const income = { ...movement, businessType: "交易", direction: "收入" };
    expect(feeEntryOf(income as FundFlowBillRow)).toBeUndefined();
  });
});
