import { AlipayApiError, AlipayError, type AlipayNotification, type TradeQueryResult } from "@kassa/alipay";
import { describe, expect, it } from "vitest";
import { toFen } from "../domain/money.ts";
import { alipaySubject } from "./alipay-channel.ts";
import { toChannelError } from "./alipay-errors.ts";
import { eventOf, stateOf } from "./alipay-mapping.ts";

/** What the contract suite cannot reach through the simulator: Alipay's edge cases, one by one. */
const account = { appId: "2021000000000001", sellerId: "2088000000000001" };
const NOW = Date.UTC(2026, 11, 3, 4, 0, 0);

function trade(fields: Partial<TradeQueryResult>): TradeQueryResult {
  return {
    trade_no: "2026120322001400000000000001",
    out_trade_no: "ord_1",
    trade_status: "TRADE_SUCCESS",
    total_amount: 1800,
    receipt_amount: undefined,
    buyer_pay_amount: undefined,
    point_amount: undefined,
    invoice_amount: undefined,
    send_pay_date: "2026-12-03 12:00:05",
    buyer_user_id: "2088000000000777",
    buyer_open_id: undefined,
    buyer_logon_id: undefined,
    raw: {} as TradeQueryResult["raw"],
    ...fields,
  };
}

function notification(fields: Partial<AlipayNotification>): AlipayNotification {
  return {
    notify_id: "n1",
    notify_type: "trade_status_sync",
    notify_time: "2026-12-03 12:00:06",
    app_id: account.appId,
    out_trade_no: "ord_1",
    trade_no: "2026120322001400000000000001",
    trade_status: "TRADE_SUCCESS",
    total_amount: 1800,
    receipt_amount: undefined,
    buyer_pay_amount: undefined,
    seller_id: account.sellerId,
    buyer_id: "2088000000000777",
    buyer_open_id: undefined,
    gmt_create: undefined,
    gmt_payment: "2026-12-03 12:00:05",
    gmt_close: undefined,
    refund_fee: undefined,
    gmt_refund: undefined,
    out_biz_no: undefined,
    fields: {},
    ...fields,
  };
}

describe("Alipay's trades in the port's words (A.4, A.5)", () => {
  it("a trade closed after it was paid (refunded in full) is still paid; one closed unpaid is closed", () => {
    expect(stateOf(trade({ trade_status: "TRADE_CLOSED" }), account, NOW)).toMatchObject({
      state: "paid",
      payment: { amountFen: 1800, paidAt: Date.UTC(2026, 11, 3, 4, 0, 5), merchantId: account.sellerId },
    });
    expect(stateOf(trade({ trade_status: "TRADE_CLOSED", send_pay_date: undefined }), account, NOW)).toEqual({
      state: "closed",
    });
    expect(stateOf(trade({ trade_status: "TRADE_FINISHED" }), account, NOW).state).toBe("paid");
    expect(stateOf(trade({ trade_status: "WAIT_BUYER_PAY" }), account, NOW)).toEqual({ state: "unpaid" });
  });

  it("a trade_status Alipay does not document is no answer to act on", () => {
    expect(() => stateOf(trade({ trade_status: "TRADE_PENDING" }), account, NOW)).toThrow(
      /A\.4 does not list/,
    );
  });

  it("the payer is the open_id when the trade names one, else the legacy user id", () => {
    const paid = stateOf(
      trade({ buyer_open_id: "074a1CcTG1LelxKe4xQC0zgNdId0nxi95b5lsNpazWYoCo5" }),
      account,
      NOW,
    );
    expect(paid.state === "paid" && paid.payment.payerId).toBe(
      "074a1CcTG1LelxKe4xQC0zgNdId0nxi95b5lsNpazWYoCo5",
    );
  });
});

describe("Alipay's notifications in the port's words (A.4)", () => {
  it("TRADE_SUCCESS and TRADE_FINISHED are payments, keyed by notify_id", () => {
    for (const status of ["TRADE_SUCCESS", "TRADE_FINISHED"]) {
      expect(eventOf(notification({ trade_status: status }), account, NOW)).toMatchObject({
        kind: "payment_succeeded",
        notificationId: "n1",
        payment: { outTradeNo: "ord_1", amountFen: 1800, appId: account.appId, payerId: "2088000000000777" },
      });
    }
  });

  it("a refund's notification is the refund Alipay holds under its out_biz_no, not its cumulative refund_fee", () => {
    const refunded = notification({
      out_biz_no: "rfd_1",
      refund_fee: 500,
      gmt_refund: "2026-12-03 13:00:00",
    });
    expect(eventOf(refunded, account, NOW)).toMatchObject({ kind: "ignored" });
    const held = {
      outRefundNo: "rfd_1",
      outTradeNo: "ord_1",
      refundId: "2026120322001400000000000001:rfd_1",
      amountFen: toFen(300),
      status: "succeeded" as const,
      succeededAt: NOW,
    };
    expect(eventOf(refunded, account, NOW, held)).toEqual({
      kind: "refund_succeeded",
      notificationId: "n1",
      eventType: "trade_status_sync:TRADE_SUCCESS",
      refund: held,
      merchantId: account.sellerId,
    });
  });

  it("TRADE_CLOSED closes an unpaid payment, and is not taken as a close of a paid one", () => {
    const unpaid = notification({ trade_status: "TRADE_CLOSED", gmt_payment: undefined });
    expect(eventOf(unpaid, account, NOW)).toMatchObject({ kind: "payment_closed", outTradeNo: "ord_1" });
    expect(eventOf(notification({ trade_status: "TRADE_CLOSED" }), account, NOW)).toMatchObject({
      kind: "ignored",
    });
  });
});

describe("Alipay's failures in the port's three kinds (A.3)", () => {
  const apiError = (gatewayCode: string, subCode?: string) =>
    new AlipayApiError({
      gatewayCode,
      msg: "Business Failed",
      subCode,
      subMsg: undefined,
      responseKey: "alipay_trade_create_response",
      signatureVerified: true,
    });

  it("a business refusal is rejected with its sub_code; a retry answer is unknown for a write, unavailable for a read", () => {
    expect(toChannelError(apiError("40004", "ACQ.TRADE_HAS_SUCCESS"), "write")).toMatchObject({
      kind: "rejected",
      channelCode: "ACQ.TRADE_HAS_SUCCESS",
    });
    expect(toChannelError(apiError("40004", "ACQ.SYSTEM_ERROR"), "write").kind).toBe("outcome_unknown");
    expect(toChannelError(apiError("20000"), "read")).toMatchObject({
      kind: "unavailable",
      channelCode: "20000",
    });
  });

  it("keeps sub_msg, which may quote the signed request with the buyer's id, out of the message", () => {
    const quoting = new AlipayApiError({
      gatewayCode: "40002",
      msg: "Invalid Arguments",
      subCode: "isv.invalid-signature",
      subMsg: '验签出错，网关生成的验签字符串为：biz_content={"buyer_open_id":"074a1C"}',
      responseKey: "alipay_trade_create_response",
      signatureVerified: true,
    });
    const error = toChannelError(quoting, "write");
    expect(error.message).toBe("Alipay answered 40002 Invalid Arguments isv.invalid-signature");
    expect(error.cause).toBe(quoting);
  });

  it("an answer that fails its signature may hide a write that happened", () => {
    const forged = new AlipayError("RESPONSE_SIGNATURE_INVALID");
    expect(toChannelError(forged, "write").kind).toBe("outcome_unknown");
    expect(toChannelError(forged, "read").kind).toBe("unavailable");
  });
});

describe("the trade's subject (A.1)", () => {
  it("keeps a product name, without the characters Alipay refuses, at most 256 characters", () => {
    expect(alipaySubject("乌龙茶 Oolong tea x1")).toBe("乌龙茶 Oolong tea x1");
    expect(alipaySubject("Tea & cake / 2=1")).toBe("Tea   cake   2 1");
    expect([...alipaySubject("茶".repeat(300))]).toHaveLength(256);
    expect(alipaySubject("&")).toBe("Kassa order");
  });
});
