import { readFileSync } from "node:fs";
import { createInterface } from "node:readline";
import { Readable } from "node:stream";
import { describe, expect, it } from "vitest";
import { WechatPayError } from "../errors.ts";
import { parseTradeBill, streamTradeBill, type TradeBillRow } from "./trade-bill.ts";

/** Read as Node decodes it, BOM kept, so that the parser's own BOM handling is what is tested. */
function fixture(name: string): string {
  return readFileSync(new URL(`./fixtures/${name}`, import.meta.url)).toString("utf8");
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

const sum = (rows: TradeBillRow[], pick: (row: TradeBillRow) => number | undefined) =>
  rows.reduce((total, row) => total + (pick(row) ?? 0), 0);

const ALL = parseTradeBill(fixture("trade-all.csv"));

describe("parseTradeBill on a §5.7 ALL bill (27 columns, BOM, backticks, summary)", () => {
  it("reads every data row, the header and summary rows excluded", () => {
    expect(ALL.rows).toHaveLength(5);
    expect(ALL.summary.tradeCount).toBe(5);
  });

  it("maps a payment row to typed English fields, amounts in fen and the fee in thousandths of a fen", () => {
    expect(ALL.rows[0]).toEqual({
      tradeTime: "2026-03-14 09:12:05",
      appid: "wx5d9f8e7c6b4a3f21",
      mchid: "1900012345",
      subMchid: undefined,
      deviceInfo: undefined,
      transactionId: "4200002391202603148563120745",
      outTradeNo: "KS2026031409120501",
      openid: "o7Kd3x_Bq9LmT2vYw4RzA1cHeN6s",
      tradeType: "JSAPI",
      tradeState: "SUCCESS",
      bankType: "OTHERS",
      currency: "CNY",
      settlementTotalFen: 1250,
      couponFen: 0,
      refundId: undefined,
      outRefundNo: undefined,
      refundFen: 0,
      rechargeCouponRefundFen: 0,
      refundType: undefined,
      refundStatus: undefined,
      goodsName: "拿铁咖啡 大杯",
      attach: undefined,
      feeMilliFen: 7500,
      feeRatePpm: 6000,
      totalFen: 1250,
      appliedRefundFen: 0,
      feeRateRemark: undefined,
      extra: {},
    } satisfies TradeBillRow);
  });

  it("keeps a refund row's v2 states, refund ids and negative fee", () => {
    expect(ALL.rows[4]).toMatchObject({
      tradeState: "REFUND",
      refundId: "50302109652026031417432860147",
      outRefundNo: "KSR2026031415402201",
      refundFen: 250,
      appliedRefundFen: 250,
      refundType: "ORIGINAL",
      refundStatus: "SUCCESS",
      settlementTotalFen: 0,
      feeMilliFen: -1500,
    });
  });

  it("keeps a 5-decimal fee exactly (0.00006 yuan on a 0.01 order)", () => {
    expect(ALL.rows[2]?.feeMilliFen).toBe(6);
  });

  it("reads the summary row into totals in fen that equal the sums of the rows", () => {
    expect(ALL.summary).toEqual({
      tradeCount: 5,
      settlementTotalFen: 127201,
      refundFen: 250,
      rechargeCouponRefundFen: 0,
      feeMilliFen: 761706,
      totalFen: 127701,
      appliedRefundFen: 250,
      extra: {},
    });
    expect(sum(ALL.rows, (row) => row.settlementTotalFen)).toBe(ALL.summary.settlementTotalFen);
    expect(sum(ALL.rows, (row) => row.refundFen)).toBe(ALL.summary.refundFen);
    expect(sum(ALL.rows, (row) => row.feeMilliFen)).toBe(ALL.summary.feeMilliFen);
    expect(sum(ALL.rows, (row) => row.totalFen)).toBe(ALL.summary.totalFen);
  });
});

describe("parseTradeBill maps columns by header name, never by position", () => {
  it("reads a SUCCESS bill without refund columns, leaving them undefined", () => {
    const bill = parseTradeBill(fixture("trade-success.csv"));
    expect(bill.rows).toHaveLength(4);
    expect(bill.rows[1]).toMatchObject({ outTradeNo: "KS2026031410473107", couponFen: 500, totalFen: 3000 });
    expect(bill.rows[1]?.refundFen).toBeUndefined();
    expect(bill.rows[1]?.refundStatus).toBeUndefined();
    expect(bill.summary).toMatchObject({ tradeCount: 4, feeMilliFen: 763206, refundFen: undefined });
  });

  it("keeps an unknown column in extra without disturbing the known ones", () => {
    const bill = parseTradeBill(fixture("trade-extra-column.csv"));
    expect(bill.rows.map((row) => row.extra)).toEqual(ALL.rows.map(() => ({ 支付场景: "小程序" })));
    expect(bill.rows.map(({ extra: _, ...known }) => known)).toEqual(
      ALL.rows.map(({ extra: _, ...known }) => known),
    );
  });

  it("reads columns in a different order to the same rows and summary", () => {
    expect(parseTradeBill(fixture("trade-reordered.csv"))).toEqual(ALL);
  });

  it("refuses a bill without a required column, naming the column", () => {
    const error = caught(() => parseTradeBill(fixture("trade-missing-required.csv")));
    expect(error.code).toBe("BILL_FORMAT_INVALID");
    expect(error.message).toContain("商户订单号");
    expect(error.diagnostics).toMatchObject({ column: "商户订单号", line: 1 });
  });
});

describe("parseTradeBill accepts the file's encodings", () => {
  it("reads a bill without BOM and without a final newline the same", () => {
    expect(parseTradeBill(fixture("trade-no-bom.csv"))).toEqual(ALL);
  });

  it("reads CRLF line endings the same", () => {
    expect(parseTradeBill(fixture("trade-crlf.csv"))).toEqual(ALL);
  });

  it("reads an empty day (header and summary only) as no rows and zero totals", () => {
    const bill = parseTradeBill(fixture("trade-empty.csv"));
    expect(bill.rows).toEqual([]);
    expect(bill.summary).toMatchObject({ tradeCount: 0, settlementTotalFen: 0, feeMilliFen: 0 });
  });
});

describe("streamTradeBill", () => {
  it("yields the same rows, then the summary, from a readline stream of a CRLF file", async () => {
    const input = Readable.from([readFileSync(new URL("./fixtures/trade-crlf.csv", import.meta.url))]);
    const events = [];
    for await (const event of streamTradeBill(
      createInterface({ input, crlfDelay: Number.POSITIVE_INFINITY }),
    )) {
      events.push(event);
    }
    expect(events).toEqual([
      ...ALL.rows.map((row, index) => ({ kind: "row", row, line: index + 2 })),
      { kind: "summary", summary: ALL.summary },
    ]);
  });

  it("throws at the end of a file cut before its summary, after yielding the rows it had", async () => {
    const lines = fixture("trade-all.csv").split("\n").slice(0, 4);
    const rows: unknown[] = [];
    const run = async () => {
      for await (const event of streamTradeBill(lines)) rows.push(event);
    };
    await expect(run()).rejects.toMatchObject({ code: "BILL_FORMAT_INVALID" });
    expect(rows).toHaveLength(3);
  });
});
