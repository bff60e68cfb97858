import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { type FundFlowBillRow, parseFundFlowBill, streamFundFlowBill } from "./fund-flow-bill.ts";

const TEXT = readFileSync(new URL("./fixtures/fundflow-basic.csv", import.meta.url)).toString("utf8");
const BILL = parseFundFlowBill(TEXT);

const total = (rows: FundFlowBillRow[]) => rows.reduce((sum, row) => sum + row.amountFen, 0);

describe("parseFundFlowBill on a §5.7 fund-flow bill", () => {
  it("maps a row to typed English fields with amounts in fen", () => {
    expect(BILL.rows[1]).toEqual({
      bookedAt: "2026-03-14 09:12:05",
      businessOrderId: "4200002391202603148563120745",
      fundFlowId: "190001234520260314856312074502",
      businessName: "拿铁咖啡 大杯",
      businessType: "扣除交易手续费",
      direction: "支出",
      amountFen: 8,
      balanceFen: 1051242,
      submittedBy: "system",
      remark: undefined,
      voucherNo: "KS2026031409120501",
      extra: {},
    } satisfies FundFlowBillRow);
  });

  it("reads the summary's counts and totals, which match the rows by direction", () => {
    expect(BILL.summary).toEqual({
      flowCount: 4,
      incomeCount: 2,
      incomeFen: 3750,
      expenseCount: 2,
      expenseFen: 258,
      extra: {},
    });
    const income = BILL.rows.filter((row) => row.direction === "收入");
    const expense = BILL.rows.filter((row) => row.direction === "支出");
    expect([income.length, total(income)]).toEqual([BILL.summary.incomeCount, BILL.summary.incomeFen]);
    expect([expense.length, total(expense)]).toEqual([BILL.summary.expenseCount, BILL.summary.expenseFen]);
  });

  it("refuses a direction other than 收入 or 支出", () => {
    expect(() => parseFundFlowBill(TEXT.replace("`收入", "`转入"))).toThrow(
      /column 收支类型 \("转入"\) is not one of 收入, 支出/,
    );
  });

  it("streams the same rows and summary line by line", async () => {
    const events = [];
    for await (const event of streamFundFlowBill(TEXT.split("\n"))) events.push(event);
    expect(events.at(-1)).toEqual({ kind: "summary", summary: BILL.summary });
    expect(events.slice(0, -1)).toEqual(
      BILL.rows.map((row, index) => ({ kind: "row", row, line: index + 2 })),
    );
  });
});
