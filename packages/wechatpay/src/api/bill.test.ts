import { createHash } from "node:crypto";
import { existsSync, readFileSync } from "node:fs";
import { readFile } from "node:fs/promises";
import { Readable } from "node:stream";
import { gzipSync } from "node:zlib";
import { describe, expect, it } from "vitest";
import { parseFundFlowBill } from "../bill/fund-flow-bill.ts";
import { parseTradeBill, streamTradeBill } from "../bill/trade-bill.ts";
import { RequestValidationError } from "../errors.ts";
import type { ApiCall, ApiRequester, ApiResult } from "../requester.ts";
import type { BillApplication } from "../types.ts";
import {
  applyFundFlowBill,
  applyTradeBill,
  downloadBillFile,
  downloadFundFlowBill,
  downloadTradeBill,
  downloadTradeBillFile,
  type TradeBillQuery,
} from "./bill.ts";

const TRADE_FILE = readFileSync(new URL("../bill/fixtures/trade-all.csv", import.meta.url));
const FUND_FLOW_FILE = readFileSync(new URL("../bill/fixtures/fundflow-basic.csv", import.meta.url));
const REQUEST_ID = "08F4E8E2B70610A80118D2C1E9F905208B1D28D0E701-0";
const DOWNLOAD_URL =
  "https://api.mch.weixin.qq.com/v3/billdownload/file?token=xMrd6DBLVW0WrfYKQ3c4ri0lOZfD5d1dQmtpu3FOOeNT8s0oyP0Eo_pA6-JBnCb0";

function applicationFor(file: Buffer): BillApplication {
  const hashValue = createHash("sha1").update(file).digest("hex").toUpperCase();
  return { hash_type: "SHA1", hash_value: hashValue, download_url: DOWNLOAD_URL };
}

/** Stands in for the client's transport: records what the endpoint asks for, answers as told. */
class RecordingRequester implements ApiRequester {
  readonly calls: ApiCall[] = [];
  readonly downloads: { url: string; operation: string }[] = [];

  constructor(
    private readonly answer: unknown,
    private readonly file: Buffer = Buffer.alloc(0),
  ) {}

  async call<T>(call: ApiCall): Promise<ApiResult<T>> {
    this.calls.push(call);
    return {
      status: 200,
      data: this.answer as T,
      requestId: REQUEST_ID,
    };
  }

  async download(url: string, operation: string): Promise<Readable> {
    this.downloads.push({ url, operation });
    // In small chunks, as a network delivers it: lines and UTF-8 sequences cross chunks.
    const chunks: Buffer[] = [];
    for (let at = 0; at < this.file.length; at += 7) chunks.push(this.file.subarray(at, at + 7));
    return Readable.from(chunks);
  }
}

describe("applyTradeBill (§5.7 GET /v3/bill/tradebill)", () => {
  it("sends a signed read with bill_date then bill_type, and returns the application", async () => {
    const application = applicationFor(TRADE_FILE);
    const requester = new RecordingRequester(application);
    await expect(
      applyTradeBill({ requester }, { bill_date: "2026-03-14", bill_type: "ALL" }),
    ).resolves.toEqual(application);
    expect(requester.calls).toEqual([
      {
        method: "GET",
        path: "/v3/bill/tradebill",
        query: { bill_date: "2026-03-14", bill_type: "ALL" },
        kind: "read",
        operation: "bill.tradebill",
      },
    ]);
    expect(Object.keys(requester.calls[0]?.query ?? {})).toEqual(["bill_date", "bill_type"]);
  });

  it("appends tar_type=GZIP last when a gzip stream is asked for", async () => {
    const requester = new RecordingRequester(applicationFor(TRADE_FILE));
    await applyTradeBill({ requester }, { bill_date: "2026-03-14", bill_type: "REFUND", tar_type: "GZIP" });
    expect(Object.entries(requester.calls[0]?.query ?? {})).toEqual([
      ["bill_date", "2026-03-14"],
      ["bill_type", "REFUND"],
      ["tar_type", "GZIP"],
    ]);
  });

  it.each([
    "2026-3-14",
    "20260314",
    "2026-02-30",
    "2026-13-01",
    "2026-00-10",
    "",
    "2026-03-14 ",
    "2026/03/14",
  ])("refuses bill_date %j with REQUEST_INVALID before sending anything", async (billDate) => {
    const requester = new RecordingRequester(applicationFor(TRADE_FILE));
    const attempt = applyTradeBill({ requester }, { bill_date: billDate, bill_type: "ALL" });
    await expect(attempt).rejects.toBeInstanceOf(RequestValidationError);
    await expect(attempt).rejects.toMatchObject({ code: "REQUEST_INVALID", field: "bill_date" });
    expect(requester.calls).toEqual([]);
  });

  it("accepts a leap day", async () => {
    const requester = new RecordingRequester(applicationFor(TRADE_FILE));
    await applyTradeBill({ requester }, { bill_date: "2024-02-29", bill_type: "ALL" });
    expect(requester.calls).toHaveLength(1);
  });

  it("refuses a bill_type or tar_type WeChat Pay does not define, before sending anything", async () => {
    const requester = new RecordingRequester(applicationFor(TRADE_FILE));
    const badType = { bill_date: "2026-03-14", bill_type: "PAID" } as unknown as TradeBillQuery;
    await expect(applyTradeBill({ requester }, badType)).rejects.toMatchObject({ field: "bill_type" });
    const badTar = {
      bill_date: "2026-03-14",
      bill_type: "ALL",
      tar_type: "ZIP",
    } as unknown as TradeBillQuery;
    await expect(applyTradeBill({ requester }, badTar)).rejects.toMatchObject({ field: "tar_type" });
    expect(requester.calls).toEqual([]);
  });

  it("refuses an application it could not check a download against, as retryable API_RESPONSE_INVALID", async () => {
    const requester = new RecordingRequester({ ...applicationFor(TRADE_FILE), hash_type: "SHA256" });
    await expect(
      downloadTradeBill({ requester }, { bill_date: "2026-03-14", bill_type: "ALL" }),
    ).rejects.toMatchObject({
      code: "API_RESPONSE_INVALID",
      retryable: true,
      diagnostics: { operation: "bill.tradebill", status: 200, requestId: REQUEST_ID },
    });
    expect(requester.downloads).toEqual([]);
  });
});

describe("applyFundFlowBill (§5.7 GET /v3/bill/fundflowbill)", () => {
  it("sends bill_date, account_type and tar_type in that order", async () => {
    const requester = new RecordingRequester(applicationFor(FUND_FLOW_FILE));
    await applyFundFlowBill(
      { requester },
      {
        bill_date: "2026-03-14",
        account_type: "OPERATION",
        tar_type: "GZIP",
      },
    );
    expect(requester.calls[0]).toMatchObject({ method: "GET", path: "/v3/bill/fundflowbill", kind: "read" });
    expect(Object.entries(requester.calls[0]?.query ?? {})).toEqual([
      ["bill_date", "2026-03-14"],
      ["account_type", "OPERATION"],
      ["tar_type", "GZIP"],
    ]);
  });

  it("refuses an account_type outside BASIC, OPERATION, FEES", async () => {
    const requester = new RecordingRequester(applicationFor(FUND_FLOW_FILE));
    const query = { bill_date: "2026-03-14", account_type: "ECNY_BASIC" } as never;
    await expect(applyFundFlowBill({ requester }, query)).rejects.toMatchObject({ field: "account_type" });
    expect(requester.calls).toEqual([]);
  });
});

describe("downloadTradeBill: apply → download → check → parse", () => {
  it("downloads the application's download_url and returns the parsed bill", async () => {
    const requester = new RecordingRequester(applicationFor(TRADE_FILE), TRADE_FILE);
    const bill = await downloadTradeBill({ requester }, { bill_date: "2026-03-14", bill_type: "ALL" });
    expect(requester.downloads).toEqual([{ url: DOWNLOAD_URL, operation: "bill.download" }]);
    expect(bill).toEqual(parseTradeBill(TRADE_FILE.toString("utf8")));
    expect(bill.rows).toHaveLength(5);
  });

  it("gunzips the download when GZIP was asked for and checks the uncompressed file's hash", async () => {
    const requester = new RecordingRequester(applicationFor(TRADE_FILE), gzipSync(TRADE_FILE));
    const bill = await downloadTradeBill(
      { requester },
      {
        bill_date: "2026-03-14",
        bill_type: "ALL",
        tar_type: "GZIP",
      },
    );
    expect(bill.summary.settlementTotalFen).toBe(127201);
  });

  it("refuses a download that does not match hash_value with BILL_HASH_MISMATCH", async () => {
    const tampered = Buffer.from(TRADE_FILE);
    tampered.write("9", tampered.indexOf("12.50"), "utf8"); // 12.50 → 92.50: someone's payout changes
    const requester = new RecordingRequester(applicationFor(TRADE_FILE), tampered);
    await expect(
      downloadTradeBill({ requester }, { bill_date: "2026-03-14", bill_type: "ALL" }),
    ).rejects.toMatchObject({
      code: "BILL_HASH_MISMATCH",
      retryable: true,
    });
  });

  it("leaves no temporary file behind, whether the bill was good or not", async () => {
    const tampered = Buffer.from(TRADE_FILE);
    tampered.write("9", tampered.indexOf("12.50"), "utf8");
    const application = applicationFor(TRADE_FILE);
    const good = await downloadBillFile(
      { requester: new RecordingRequester(application, TRADE_FILE) },
      application,
      false,
    );
    await good.remove();
    expect(existsSync(good.path)).toBe(false);
    const refusal = await downloadBillFile(
      { requester: new RecordingRequester(application, tampered) },
      application,
      false,
    ).catch((error: unknown) => error);
    expect(refusal).toMatchObject({ code: "BILL_HASH_MISMATCH" });
  });
});

describe("downloadTradeBillFile: the checked file, to stream", () => {
  it("writes the gunzipped file to disk, checks its SHA-1, and streams its rows with unreadable ones reported", async () => {
    const application = applicationFor(TRADE_FILE);
    const requester = new RecordingRequester(application, gzipSync(TRADE_FILE));
    const file = await downloadBillFile({ requester }, application, true);
    try {
      expect(await readFile(file.path)).toEqual(TRADE_FILE);
      expect(file).toMatchObject({ bytes: TRADE_FILE.length, sha1: application.hash_value.toLowerCase() });
      const kinds: string[] = [];
      for await (const event of streamTradeBill(file.lines(), { unreadableRows: "report" }))
        kinds.push(event.kind);
      expect(kinds).toEqual(["row", "row", "row", "row", "row", "summary"]);
    } finally {
      await file.remove();
    }
    expect(existsSync(file.path)).toBe(false);
  });

  it("refuses a gzip download cut short as retryable BILL_FORMAT_INVALID, before any row is read", async () => {
    const gzipped = gzipSync(TRADE_FILE);
    const requester = new RecordingRequester(
      applicationFor(TRADE_FILE),
      gzipped.subarray(0, gzipped.length - 20),
    );
    await expect(
      downloadTradeBillFile({ requester }, { bill_date: "2026-03-14", bill_type: "ALL", tar_type: "GZIP" }),
    ).rejects.toMatchObject({ code: "BILL_FORMAT_INVALID", retryable: true });
  });

  it("refuses a file larger than maxBytes", async () => {
    const requester = new RecordingRequester(applicationFor(TRADE_FILE), TRADE_FILE);
    await expect(
      downloadTradeBillFile({ requester }, { bill_date: "2026-03-14", bill_type: "ALL" }, { maxBytes: 100 }),
    ).rejects.toMatchObject({ code: "BILL_FORMAT_INVALID" });
  });
});

describe("downloadFundFlowBill", () => {
  it("applies, downloads, checks and parses a fund-flow bill", async () => {
    const requester = new RecordingRequester(applicationFor(FUND_FLOW_FILE), FUND_FLOW_FILE);
    const bill = await downloadFundFlowBill(
      { requester },
      { bill_date: "2026-03-14", account_type: "BASIC" },
    );
    expect(requester.calls[0]?.query).toEqual({ bill_date: "2026-03-14", account_type: "BASIC" });
    expect(bill).toEqual(parseFundFlowBill(FUND_FLOW_FILE.toString("utf8")));
  });
});
