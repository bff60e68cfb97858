import { crc32, inflateRawSync } from "node:zlib";
import { AlipayApiError, type AlipayClient } from "@kassa/alipay";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { clientFor, KEY_APP, loginBuyer, startAlipaySandbox } from "../../test/alipay-sandbox.ts";
import type { RunningSandbox } from "../start.ts";
import { encodeGbk } from "./bills/gbk.ts";

let sandbox: RunningSandbox;
let client: AlipayClient;

const HOUR = 3_600_000;

beforeAll(async () => {
  sandbox = await startAlipaySandbox([KEY_APP], { clock: { start: "2026-03-10T09:00:00+08:00", speed: 0 } });
  ({ client } = await clientFor(sandbox, KEY_APP.appId));
  const { user_id } = await loginBuyer(sandbox, client);
  // 2026-03-10: two payments, one with a comma in its subject; 2026-03-11: a partial refund.
  for (const [outTradeNo, total, subject] of [
    ["BILL_1", 1250, "咖啡, 大杯"],
    ["BILL_2", 300, "茶"],
  ] as const) {
    await client.trade.create({ out_trade_no: outTradeNo, total_amount: total, subject, buyer_id: user_id! });
    await sandbox.admin.payAlipayTrade(KEY_APP.appId, outTradeNo);
  }
  await sandbox.admin.advanceClock(24 * HOUR); // 2026-03-11 09:00
  await client.trade.refund({ out_trade_no: "BILL_1", refund_amount: 250, out_request_no: "RF_1" });
});

afterAll(async () => {
  await sandbox.close();
});

/** Reads a zip the way any unzip does (local headers in order), checking each CRC. */
function unzip(bytes: Buffer): Map<string, Buffer> {
  const files = new Map<string, Buffer>();
  let offset = 0;
  while (bytes.readUInt32LE(offset) === 0x04034b50) {
    const method = bytes.readUInt16LE(offset + 8);
    const checksum = bytes.readUInt32LE(offset + 14);
    const size = bytes.readUInt32LE(offset + 18);
    const nameLength = bytes.readUInt16LE(offset + 26);
    const extraLength = bytes.readUInt16LE(offset + 28);
    const name = bytes.subarray(offset + 30, offset + 30 + nameLength).toString("utf8");
    const start = offset + 30 + nameLength + extraLength;
    expect(method).toBe(8);
    const data = inflateRawSync(bytes.subarray(start, start + size));
    expect(crc32(data)).toBe(checksum);
    files.set(name, data);
    offset = start + size;
  }
  expect(bytes.readUInt32LE(bytes.length - 22)).toBe(0x06054b50);
  return files;
}

const gbk = new TextDecoder("gbk");

async function download(billDate: string) {
  const { bill_download_url } = await client.bill.downloadUrl({ bill_type: "trade", bill_date: billDate });
  const response = await fetch(bill_download_url);
  expect(response.status).toBe(200);
  const files = unzip(Buffer.from(await response.arrayBuffer()));
  const text = (suffix: string) => {
    const entry = [...files].find(([name]) => name.endsWith(suffix));
    if (!entry) throw new Error(`no file ending ${suffix} in ${[...files.keys()].join(", ")}`);
    return gbk.decode(entry[1]);
  };
  return {
    url: bill_download_url,
    names: [...files.keys()],
    detail: text("_业务明细.csv"),
    summary: text("_业务明细(汇总).csv"),
  };
}

async function refusal(billDate: string): Promise<AlipayApiError> {
  const error = await client.bill
    .downloadUrl({ bill_type: "trade", bill_date: billDate })
    .catch((thrown: unknown) => thrown);
  expect(error).toBeInstanceOf(AlipayApiError);
  return error as AlipayApiError;
}

describe("the trade bill (A.5, A.8 item 7)", () => {
  it("is T+1: not today's, not before 10:00 the next day, then a zip of GBK CSVs", async () => {
    expect((await refusal("2026-03-11")).subCode).toBe("ACQ.INVALID_PARAMETER"); // today
    expect((await refusal("2026-03")).subCode).toBe("ACQ.INVALID_PARAMETER"); // this month
    expect((await refusal("2026-03-10")).subCode).toBe("isp.bill_not_exist"); // 09:00, ready at 10:00
    await sandbox.admin.advanceClock(HOUR); // 2026-03-11 10:00
    const bill = await download("2026-03-10");
    expect(bill.names).toEqual([
      `${KEY_APP.sellerId}0156_20260310_业务明细.csv`,
      `${KEY_APP.sellerId}0156_20260310_业务明细(汇总).csv`,
    ]);
    const lines = bill.detail.split("\r\n");
    expect(lines[0]).toBe("#支付宝业务明细查询");
    const header = lines.findIndex((line) => line.startsWith("支付宝交易号,商户订单号,业务类型"));
    const rows = lines.slice(header + 1).filter((line) => line !== "" && !line.startsWith("#"));
    expect(rows).toHaveLength(2);
    expect(rows[0]).toContain(',BILL_1,交易,"咖啡, 大杯",2026-03-10 09:00:00,2026-03-10 09:00:00,');
    expect(rows[0]).toContain(",12.50,12.50,");
    expect(rows[0]).toMatch(/,-0\.08,0\.00,$/); // 0.60% of 12.50 = 0.075, half up
    expect(rows[1]).toContain(",BILL_2,交易,茶,");
    expect(bill.summary).toContain(",合计,2,0,15.50,15.50,0.00,0.00,0.00,-0.10,0.00,15.40");
  });

  it("puts a refund on the day it was made, negative, with its out_request_no", async () => {
    await sandbox.admin.advanceClock(24 * HOUR); // 2026-03-12 10:00
    const bill = await download("2026-03-11");
    const rows = bill.detail.split("\r\n").filter((line) => line.includes(",退款,"));
    expect(rows).toHaveLength(1);
    expect(rows[0]).toContain(",BILL_1,退款,");
    expect(rows[0]).toMatch(/,-2\.50,-2\.50,.*,RF_1,0\.02,0\.00,$/);
  });

  it("a link lasts 30 s of the sandbox's clock", async () => {
    const { bill_download_url } = await client.bill.downloadUrl({
      bill_type: "trade",
      bill_date: "2026-03-10",
    });
    await sandbox.admin.advanceClock(29_999);
    expect((await fetch(bill_download_url)).status).toBe(200);
    await sandbox.admin.advanceClock(1);
    expect((await fetch(bill_download_url)).status).toBe(404);
  });

  it("a month's bill is ready after the 3rd; the bill_type must be trade", async () => {
    const february = await download("2026-02");
    expect(february.detail).toContain(
      "#起始日期：[2026年02月01日 00:00:00]   终止日期：[2026年03月01日 00:00:00]",
    );
    expect((await refusal("2026-02-30")).subCode).toBe("ACQ.INVALID_PARAMETER");
    const signcustomer = await client.bill
      .downloadUrl({ bill_type: "signcustomer", bill_date: "2026-03-10" })
      .catch((error: AlipayApiError) => error);
    expect(signcustomer).toMatchObject({ subCode: "ACQ.INVALID_PARAMETER" });
  });

  it("encodes GBK byte for byte (支付宝 is D6A7 B8B6 B1A6)", () => {
    expect(encodeGbk("支付宝,a").toString("hex")).toBe("d6a7b8b6b1a62c61");
    expect(encodeGbk("😀")).toEqual(Buffer.from("?"));
  });
});
