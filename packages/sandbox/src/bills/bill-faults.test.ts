import { createWechatPayClient, type WechatPayClient } from "@kassa/wechatpay";
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import {
  createTestMerchant,
  loginOpenid,
  prepayOrder,
  startTestSandbox,
  type TestMerchant,
} from "../../test/test-sandbox.ts";
import type { RunningSandbox } from "../start.ts";

/**
 * Bill faults (bills/bill-faults.ts) and untracked payments (admin/untracked-payments.ts),
 * read back with the project's client as a merchant's reconciliation reads them: the bill
 * shows what the fault says, the simulator's record (queries) does not change, and the file
 * still checks against its SHA-1 and adds up.
 */

let sandbox: RunningSandbox;
let merchant: TestMerchant;
let client: WechatPayClient;
const DAY = "2026-03-14";
const paid: string[] = [];

beforeAll(async () => {
  sandbox = await startTestSandbox({ clock: { start: "2026-03-14T09:00:00+08:00", speed: 0 } });
  merchant = await createTestMerchant(sandbox, { certificates: false });
  client = createWechatPayClient({
    mchid: merchant.mchid,
    appid: merchant.appid,
    merchantSerialNo: merchant.serialNo,
    merchantPrivateKey: merchant.privateKeyPem,
    apiV3Key: merchant.apiV3Key,
    wechatPayPublicKey: { id: merchant.wechatpayPublicKeyId, key: merchant.wechatpayPublicKeyPem },
    baseUrl: sandbox.url,
    backupBaseUrl: null,
    clock: () => sandbox.clock.now(),
    maxRetries: 0,
  });
  const openid = await loginOpenid(sandbox, merchant);
  for (const total of [1250, 300]) {
    const { outTradeNo } = await prepayOrder(sandbox, merchant, openid, { amount: { total } });
    await sandbox.admin.payOrder(merchant.mchid, outTradeNo);
    paid.push(outTradeNo);
  }
  await sandbox.admin.advanceClock(Date.parse("2026-03-15T10:00:00+08:00") - sandbox.clock.now());
});
afterAll(() => sandbox.close());
beforeEach(() => {
  sandbox.admin.clearFaults();
});

const tradeBill = () =>
  client.bills.downloadTradeBill({ bill_date: DAY, bill_type: "ALL", tar_type: "GZIP" });
const rowOf = async (outTradeNo: string) =>
  (await tradeBill()).rows.find((row) => row.outTradeNo === outTradeNo);

describe("bill faults (issue 11: seeding reconciliation's differences)", () => {
  it("bill_amount_changed shows one payment's amount plus deltaFen, in its row and the summary, every time the bill is fetched", async () => {
    sandbox.admin.addFault({ fault: "bill_amount_changed", outTradeNo: paid[0], deltaFen: 100 });
    for (const _ of [1, 2]) {
      const bill = await tradeBill();
      expect(bill.rows.find((row) => row.outTradeNo === paid[0])).toMatchObject({
        totalFen: 1350,
        settlementTotalFen: 1350,
      });
      expect(bill.rows.find((row) => row.outTradeNo === paid[1])).toMatchObject({ totalFen: 300 });
      expect(bill.summary.totalFen).toBe(1650);
    }
    const truth = await client.transactions.queryByOutTradeNo(paid[0]!);
    expect(truth.amount?.total).toBe(1250);
  });

  it("bill_state_changed shows the state it names, a word the parser knows or not", async () => {
    sandbox.admin.addFault({ fault: "bill_state_changed", outTradeNo: paid[1], state: "REVOKED" });
    expect(await rowOf(paid[1]!)).toMatchObject({ tradeState: "REVOKED" });
    sandbox.admin.clearFaults();
    sandbox.admin.addFault({ fault: "bill_state_changed", outTradeNo: paid[1], state: "PAYERROR" });
    await expect(tradeBill()).rejects.toMatchObject({ code: "BILL_FORMAT_INVALID" });
  });

  it("bill_row_dropped leaves one payment's row out, and the summary counts what is left", async () => {
    sandbox.admin.addFault({ fault: "bill_row_dropped", outTradeNo: paid[0] });
    const bill = await tradeBill();
    expect(bill.rows.map((row) => row.outTradeNo)).toEqual([paid[1]]);
    expect(bill.summary.tradeCount).toBe(1);
  });

  it("bill_fee_changed books another fee in the fund flow, and the balances shown follow it", async () => {
    sandbox.admin.addFault({ fault: "bill_fee_changed", outTradeNo: paid[0], deltaFen: 5 });
    const flow = await client.bills.downloadFundFlowBill({ bill_date: DAY, account_type: "BASIC" });
    const fee = flow.rows.find((row) => row.voucherNo === paid[0] && row.businessType === "扣除交易手续费");
    expect(fee?.amountFen).toBe(8 + 5); // 0.60% of 12.50 is 0.075, booked as 0.08
    const last = flow.rows.at(-1);
    const income = flow.rows
      .filter((row) => row.direction === "收入")
      .reduce((sum, row) => sum + row.amountFen, 0);
    const expense = flow.rows
      .filter((row) => row.direction === "支出")
      .reduce((sum, row) => sum + row.amountFen, 0);
    expect(last?.balanceFen).toBe(income - expense);
  });

  it("refuses a bill fault without what it changes", () => {
    expect(() => sandbox.admin.addFault({ fault: "bill_amount_changed", outTradeNo: "x123456" })).toThrow(
      /deltaFen/,
    );
    expect(() => sandbox.admin.addFault({ fault: "bill_state_changed", state: "paid" })).toThrow(
      /state must/,
    );
    expect(() => sandbox.admin.addFault({ fault: "notify_drop", deltaFen: 1 })).toThrow(/deltaFen belongs/);
  });
});

describe("untracked payments (a payment the merchant never saw)", () => {
  it("is paid at the simulator, in queries and in the next bill, and notifies no one", async () => {
    const before = sandbox.admin.listNotifications({ mchid: merchant.mchid }).length;
    const order = await sandbox.admin.addUntrackedPayment(merchant.mchid, {
      amountFen: 777,
      outTradeNo: "elsewhere0001",
    });
    expect(order).toMatchObject({ outTradeNo: "elsewhere0001", state: "SUCCESS" });
    const truth = await client.transactions.queryByOutTradeNo("elsewhere0001");
    expect(truth).toMatchObject({ trade_state: "SUCCESS", amount: { total: 777 } });
    expect(sandbox.admin.listNotifications({ mchid: merchant.mchid })).toHaveLength(before);
    const today = new Date(sandbox.clock.now() + 8 * 3600_000).toISOString().slice(0, 10);
    await sandbox.admin.setBillReadyDelay(-86_400_000);
    const bill = await client.bills.downloadTradeBill({ bill_date: today, bill_type: "ALL" });
    expect(bill.rows.map((row) => row.outTradeNo)).toContain("elsewhere0001");
  });

  it("refuses an amount that is not whole fen, and a taken out_trade_no", async () => {
    await expect(sandbox.admin.addUntrackedPayment(merchant.mchid, { amountFen: 1.5 })).rejects.toThrow(
      /amountFen/,
    );
    await expect(
      sandbox.admin.addUntrackedPayment(merchant.mchid, { amountFen: 1, outTradeNo: paid[0] }),
    ).rejects.toThrow(/taken/);
  });
});
