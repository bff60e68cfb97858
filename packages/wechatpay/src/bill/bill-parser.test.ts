import { describe, expect, it } from "vitest";
import { WechatPayError } from "../errors.ts";
import { linesOf } from "./bill-parser.ts";
import { parseTradeBill, streamTradeBill } from "./trade-bill.ts";

/** The required trade-bill columns only: every other column is optional (trade-bill.ts). */
const HEADER = "交易时间,公众账号ID,商户号,微信订单号,商户订单号,用户标识,交易状态,应结订单金额,手续费";
const ROW =
  "`2026-03-14 09:12:05,`wx5d9f8e7c6b4a3f21,`1900012345,`4200002391202603148563120745,`KS01,`oSecretOpenid,`SUCCESS,`12.50,`0.07500";
const SUMMARY = "总交易单数,应结订单总金额,手续费总金额\n`1,`12.50,`0.07500";

function bill(...lines: string[]): string {
  return `\uFEFF${lines.join("\n")}\n`;
}

function caught(run: () => unknown): WechatPayError {
  try {
    run();
  } catch (error) {
    if (error instanceof WechatPayError) return error;
    throw error;
  }
  throw new Error("expected a WechatPayError");
}

describe("the shared bill layout (§5.7)", () => {
  it("reads a bill that has only the required columns, the others undefined", () => {
    const parsed = parseTradeBill(bill(HEADER, ROW, SUMMARY));
    expect(parsed.rows[0]).toMatchObject({ outTradeNo: "KS01", settlementTotalFen: 1250, feeMilliFen: 7500 });
    expect(parsed.rows[0]?.totalFen).toBeUndefined();
    expect(parsed.rows[0]?.feeRatePpm).toBeUndefined();
  });

  it("reads a count written with a zero fraction (axios-plugin's sample writes 45.0)", () => {
    const parsed = parseTradeBill(
      bill(HEADER, ROW, "总交易单数,应结订单总金额,手续费总金额\n`1.0,`12.50,`0.07500"),
    );
    expect(parsed.summary.tradeCount).toBe(1);
  });

  it("ignores blank lines", () => {
    expect(parseTradeBill(bill(HEADER, "", ROW, "", SUMMARY, "", "")).rows).toHaveLength(1);
  });

  it("keeps a comma inside a cell, since cells split on ,` only", () => {
    const row = ROW.replace("`KS01", "`KS01,part2");
    expect(parseTradeBill(bill(HEADER, row, SUMMARY)).rows[0]?.outTradeNo).toBe("KS01,part2");
  });

  it("refuses a row whose cell count differs from the header's, naming the line", () => {
    const error = caught(() => parseTradeBill(bill(HEADER, `${ROW},\`extra`, SUMMARY)));
    expect(error.code).toBe("BILL_FORMAT_INVALID");
    expect(error.message).toContain("line 2 has 10 cells but the header has 9");
  });

  it("refuses an amount that is not yuan with 2 decimals, naming line and column and quoting the cell", () => {
    const error = caught(() => parseTradeBill(bill(HEADER, ROW, ROW.replace("`12.50", "`12.505"), SUMMARY)));
    expect(error.message).toContain('line 3, column 应结订单金额 ("12.505") is not an amount in yuan');
    expect(error.diagnostics).toEqual({ line: 3, column: "应结订单金额", value: "12.505" });
  });

  it("refuses a trade state outside the v2 vocabulary (SUCCESS, REFUND, REVOKED)", () => {
    const error = caught(() => parseTradeBill(bill(HEADER, ROW.replace("`SUCCESS", "`NOTPAY"), SUMMARY)));
    expect(error.message).toContain('column 交易状态 ("NOTPAY") is not one of SUCCESS, REFUND, REVOKED');
  });

  it("refuses an empty required cell without copying the row, which holds the payer's openid", () => {
    const error = caught(() => parseTradeBill(bill(HEADER, ROW.replace("`KS01", "`"), SUMMARY)));
    expect(error.message).toContain("line 2, column 商户订单号 is empty");
    expect(JSON.stringify({ message: error.message, diagnostics: error.diagnostics })).not.toContain(
      "oSecret",
    );
  });

  it("refuses a header that names a column twice", () => {
    expect(caught(() => parseTradeBill(bill(`${HEADER},商户号`, `${ROW},\`1`, SUMMARY))).message).toContain(
      "the header 商户号 appears twice",
    );
  });

  it("refuses a file that starts with a data row instead of the header", () => {
    expect(caught(() => parseTradeBill(bill(ROW, SUMMARY))).message).toContain(
      "line 1: expected the header row",
    );
  });

  it("refuses an empty file and a file cut before its summary", () => {
    expect(caught(() => parseTradeBill("")).message).toContain("without the header row");
    expect(caught(() => parseTradeBill(bill(HEADER, ROW))).message).toContain("without the summary rows");
    expect(
      caught(() => parseTradeBill(bill(HEADER, ROW, "总交易单数,应结订单总金额,手续费总金额"))).message,
    ).toContain("without the summary rows");
  });

  it("refuses a summary value row without backticks and anything after the summary", () => {
    const plainSummary = "总交易单数,应结订单总金额,手续费总金额\n1,12.50,0.07500";
    expect(caught(() => parseTradeBill(bill(HEADER, ROW, plainSummary))).message).toContain(
      "the summary values must start with a backtick",
    );
    expect(caught(() => parseTradeBill(bill(HEADER, ROW, SUMMARY, ROW))).message).toContain(
      "line 5: nothing may follow the summary row",
    );
  });

  it("refuses a summary without its required totals, naming the column", () => {
    const error = caught(() => parseTradeBill(bill(HEADER, ROW, "总交易单数,应结订单总金额\n`1,`12.50")));
    expect(error.diagnostics).toMatchObject({ column: "手续费总金额", line: 3 });
  });
});

describe("linesOf", () => {
  it("splits on LF without dropping a last line that has no newline", () => {
    expect([...linesOf("a\r\nb\n\nc")]).toEqual(["a\r", "b", "", "c"]);
    expect([...linesOf("a\n")]).toEqual(["a"]);
    expect([...linesOf("")]).toEqual([]);
  });
});

describe("unreadable rows reported, not thrown (unreadableRows: report)", () => {
  const UNKNOWN_STATE = ROW.replace("`SUCCESS", "`PAYERROR").replace("`KS01", "`KS02");
  const SHORT = "`2026-03-14 09:13:00,`wx5d9f8e7c6b4a3f21";
  const text = bill(HEADER, ROW, UNKNOWN_STATE, SHORT, ROW.replace("`KS01", "`KS03"), SUMMARY);

  it("yields an unreadable event with the row's ids (no openid) and goes on with the next rows", async () => {
    const events = [];
    for await (const event of streamTradeBill(linesOf(text), { unreadableRows: "report" }))
      events.push(event);
    expect(events.map((event) => event.kind)).toEqual(["row", "unreadable", "unreadable", "row", "summary"]);
    expect(events[1]).toEqual({
      kind: "unreadable",
      line: 3,
      problem: expect.stringContaining("交易状态"),
      key: { outTradeNo: "KS02", transactionId: "4200002391202603148563120745" },
    });
    expect(JSON.stringify(events[1])).not.toContain("oSecretOpenid");
    // A row with the wrong number of cells: its positions cannot be trusted, so no key.
    expect(events[2]).toMatchObject({ kind: "unreadable", line: 4, key: {} });
  });

  it("still throws by default, and for a bill without its summary in either mode", async () => {
    expect(caught(() => parseTradeBill(text)).code).toBe("BILL_FORMAT_INVALID");
    const truncated = bill(HEADER, ROW, UNKNOWN_STATE);
    const reading = async () => {
      for await (const _ of streamTradeBill(linesOf(truncated), { unreadableRows: "report" })) {
        // read to the end
      }
    };
    await expect(reading()).rejects.toMatchObject({ code: "BILL_FORMAT_INVALID" });
  });
});
