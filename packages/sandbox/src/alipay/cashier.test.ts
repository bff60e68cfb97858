import type { AlipayClient } from "@kassa/alipay";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import {
  clientFor,
  KEY_APP,
  loginBuyer,
  newOutTradeNo,
  startAlipaySandbox,
} from "../../test/alipay-sandbox.ts";
import type { RunningSandbox } from "../start.ts";

let sandbox: RunningSandbox;
let client: AlipayClient;
let buyer: { user_id: string | undefined; open_id: string | undefined };

beforeAll(async () => {
  sandbox = await startAlipaySandbox([KEY_APP]);
  ({ client } = await clientFor(sandbox, KEY_APP.appId));
  buyer = await loginBuyer(sandbox, client);
});

afterAll(async () => {
  await sandbox.close();
});

async function newTrade() {
  const outTradeNo = newOutTradeNo();
  const { trade_no } = await client.trade.create({
    out_trade_no: outTradeNo,
    total_amount: 199,
    subject: "cashier <b>",
    buyer_open_id: buyer.open_id!,
  });
  return { outTradeNo, tradeNo: trade_no };
}

const tradePay = async (body: Record<string, unknown>) => {
  const response = await fetch(`${sandbox.url}/alipay/cashier/api/trade-pay`, {
    method: "POST",
    headers: { "content-type": "application/json" },
    body: JSON.stringify(body),
  });
  return { status: response.status, json: (await response.json()) as Record<string, unknown> };
};

const statusOf = async (outTradeNo: string) =>
  (await client.trade.query({ out_trade_no: outTradeNo })).trade_status;

describe("the cashier behind my.tradePay (A.2, A.8 item 4)", () => {
  it("pay answers 9000 and pays; cancel answers 6001 and leaves WAIT_BUYER_PAY", async () => {
    const paid = await newTrade();
    expect((await tradePay({ tradeNO: paid.tradeNo, action: "pay" })).json).toMatchObject({
      resultCode: "9000",
      paid: true,
    });
    expect(await statusOf(paid.outTradeNo)).toBe("TRADE_SUCCESS");
    const cancelled = await newTrade();
    expect((await tradePay({ tradeNO: cancelled.tradeNo, action: "cancel" })).json).toMatchObject({
      resultCode: "6001",
      paid: false,
    });
    expect(await statusOf(cancelled.outTradeNo)).toBe("WAIT_BUYER_PAY");
  });

  it("the resultCode is independent of the outcome: 9000 for an unpaid trade, 6004 for a paid one", async () => {
    const lied = await newTrade();
    expect(
      (await tradePay({ tradeNO: lied.tradeNo, action: "cancel", resultCode: "9000" })).json,
    ).toMatchObject({
      resultCode: "9000",
      paid: false,
    });
    expect(await statusOf(lied.outTradeNo)).toBe("WAIT_BUYER_PAY");
    const unknown = await newTrade();
    expect(
      (await tradePay({ tradeNO: unknown.tradeNo, action: "pay", resultCode: "6004" })).json,
    ).toMatchObject({
      resultCode: "6004",
      paid: true,
    });
    expect(await statusOf(unknown.outTradeNo)).toBe("TRADE_SUCCESS");
  });

  it("4000 for an out_trade_no passed as tradeNO, for another account than the buyer, and for a paid trade", async () => {
    const trade = await newTrade();
    expect((await tradePay({ tradeNO: trade.outTradeNo, action: "pay" })).json).toMatchObject({
      resultCode: "4000",
      paid: false,
    });
    const stranger = await loginBuyer(sandbox, client);
    expect(
      (await tradePay({ tradeNO: trade.tradeNo, action: "pay", payer: stranger.user_id })).json,
    ).toMatchObject({
      resultCode: "4000",
      paid: false,
    });
    expect(await statusOf(trade.outTradeNo)).toBe("WAIT_BUYER_PAY");
    expect((await tradePay({ tradeNO: trade.tradeNo, action: "pay", payer: buyer.user_id })).json.paid).toBe(
      true,
    );
    expect((await tradePay({ tradeNO: trade.tradeNo, action: "pay" })).json).toMatchObject({
      resultCode: "4000",
      paid: false,
    });
  });

  it("refuses a malformed visit with 400 PAYMENT_REQUEST_INVALID", async () => {
    const { status, json } = await tradePay({ tradeNO: "x", action: "pay", resultCode: "1234" });
    expect(status).toBe(400);
    expect(json).toMatchObject({
      code: "PAYMENT_REQUEST_INVALID",
      message: expect.stringContaining("resultCode"),
    });
  });

  it("the page shows the trade (escaped) and its form pays", async () => {
    const trade = await newTrade();
    const page = await (await fetch(`${sandbox.url}/alipay/cashier?tradeNO=${trade.tradeNo}`)).text();
    expect(page).toContain('data-testid="alipay-cashier-amount">1.99<');
    expect(page).toContain("cashier &lt;b&gt;");
    const form = new URLSearchParams({ tradeNO: trade.tradeNo, action: "pay", resultCode: "" });
    const outcome = await (
      await fetch(`${sandbox.url}/alipay/cashier`, { method: "POST", body: form })
    ).text();
    expect(outcome).toContain('data-testid="alipay-cashier-result">9000<');
    expect(await statusOf(trade.outTradeNo)).toBe("TRADE_SUCCESS");
  });
});
