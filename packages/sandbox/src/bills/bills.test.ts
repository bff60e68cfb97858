import { createHash, randomBytes } from "node:crypto";
import { gunzipSync } from "node:zlib";
import { checkBillFile, decodeBillText, parseFundFlowBill, parseTradeBill } from "@kassa/wechatpay";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { authorizationByHand } from "../../test/hand-signing.ts";
import {
  callApi,
  createTestMerchant,
  loginOpenid,
  prepayOrder,
  startTestSandbox,
  type TestMerchant,
} from "../../test/test-sandbox.ts";
import type { RunningSandbox } from "../start.ts";

/**
 * Bills (§5.7) from the simulator's own records, on a fixed virtual day: three payments
 * and a partial refund on 2026-03-14 (Beijing time), fetched after 10:00 the next day.
 */

let sandbox: RunningSandbox;
let merchant: TestMerchant;
let other: TestMerchant;
const DAY = "2026-03-14";
const orders: Record<string, { outTradeNo: string; transactionId: string }> = {};
let refundNo = "";

beforeAll(async () => {
  sandbox = await startTestSandbox({ clock: { start: "2026-03-14T09:12:05+08:00", speed: 0 } });
  [merchant, other] = await Promise.all([
    createTestMerchant(sandbox),
    createTestMerchant(sandbox, { certificates: false }),
  ]);
  const openid = await loginOpenid(sandbox, merchant);
  for (const [name, total, extra] of [
    ["latte", 1250, { description: "拿铁咖啡 大杯", attach: "cup=`large`" }],
    ["sample", 1, { description: "测试商品" }],
    ["beans", 123_450, { description: "咖啡豆, 1kg", attach: "order=88213" }],
  ] as const) {
    const { outTradeNo } = await prepayOrder(sandbox, merchant, openid, { amount: { total }, ...extra });
    const paid = await sandbox.admin.payOrder(merchant.mchid, outTradeNo, {
      bankType: name === "beans" ? "ICBC_DEBIT" : "OTHERS",
    });
    orders[name] = { outTradeNo, transactionId: paid.transactionId! };
    await sandbox.admin.advanceClock(60_000);
  }
  refundNo = "KSR2026031415402201";
  const refund = await callApi(sandbox, merchant, {
    method: "POST",
    url: "/v3/refund/domestic/refunds",
    body: {
      out_trade_no: orders.latte!.outTradeNo,
      out_refund_no: refundNo,
      amount: { refund: 250, total: 1250, currency: "CNY" },
    },
  });
  expect(refund.status).toBe(200);
  await sandbox.admin.advanceClock(60_000); // the refund succeeds
  await advanceTo("2026-03-15T10:00:00+08:00");
});
afterAll(() => sandbox.close());

async function advanceTo(rfc3339: string) {
  const ms = Date.parse(rfc3339) - sandbox.clock.now();
  if (ms > 0) await sandbox.admin.advanceClock(ms);
}

const apply = (path: string, m = merchant) => callApi(sandbox, m, { method: "GET", url: path });

async function download(path: string, m = merchant) {
  const application = await apply(path, m);
  expect(application.status, application.text).toBe(200);
  const { download_url: url, hash_value: hash } = application.json as {
    download_url: string;
    hash_value: string;
  };
  const pathAndQuery = url.slice(sandbox.url.length);
  // §2: the download is a signed GET of the path and ?token= exactly as given (callApi signs by hand).
  const response = await fetch(`${sandbox.url}${pathAndQuery}`, {
    headers: { Authorization: signedAuthorization(pathAndQuery, m) },
  });
  return {
    application: application.json as { hash_type: "SHA1"; hash_value: string; download_url: string },
    hash,
    url,
    pathAndQuery,
    response,
    data: Buffer.from(await response.arrayBuffer()),
  };
}

function signedAuthorization(pathAndQuery: string, m: TestMerchant) {
  return authorizationByHand(m, {
    method: "GET",
    url: pathAndQuery,
    body: "",
    timestamp: Math.floor(sandbox.clock.now() / 1000),
    nonce: randomBytes(16).toString("hex"),
  });
}

describe("trade bills (§5.7)", () => {
  it("answers {hash_type: SHA1, hash_value, download_url} and serves an unsigned file whose SHA-1 matches", async () => {
    const { application, response, data, url } = await download(
      `/v3/bill/tradebill?bill_date=${DAY}&bill_type=ALL`,
    );
    expect(application.hash_type).toBe("SHA1");
    expect(application.hash_value).toMatch(/^[0-9a-f]{40}$/);
    expect(url).toMatch(new RegExp(`^${sandbox.url}/v3/billdownload/file\\?token=[A-Za-z0-9_-]+$`));
    expect(response.status).toBe(200);
    expect(response.headers.get("wechatpay-signature")).toBeNull(); // §3.3: downloads are not signed
    expect(createHash("sha1").update(data).digest("hex")).toBe(application.hash_value);
    expect(checkBillFile(data, application, false)).toEqual(data);
  });

  it("writes the §5.7 layout: BOM, Chinese headers, backticked cells, CRLF, yuan from fen, 5-decimal fees, 0.60% rate", async () => {
    const { data } = await download(`/v3/bill/tradebill?bill_date=${DAY}&bill_type=ALL`);
    expect([...data.subarray(0, 3)]).toEqual([0xef, 0xbb, 0xbf]);
    const lines = data.toString("utf8").slice(1).split("\r\n");
    expect(lines.at(-1)).toBe(""); // the file ends with CRLF
    expect(lines[0]).toBe(
      "交易时间,公众账号ID,商户号,特约商户号,设备号,微信订单号,商户订单号,用户标识,交易类型,交易状态,付款银行,货币种类,应结订单金额,代金券金额,微信退款单号,商户退款单号,退款金额,充值券退款金额,退款类型,退款状态,商品名称,商户数据包,手续费,费率,订单金额,申请退款金额,费率备注",
    );
    const latte = lines.find(
      (line) => line.includes(orders.latte!.outTradeNo) && line.includes("`SUCCESS,`OTHERS"),
    )!;
    expect(latte.startsWith("`2026-03-14 09:12:05,`")).toBe(true);
    expect(latte).toContain(`,\`${merchant.mchid},\`0,\`,\`${orders.latte!.transactionId},`);
    expect(latte).toContain(
      ",`12.50,`0.00,`0,`0,`0.00,`0.00,`,`,`拿铁咖啡 大杯,`cup='large',`0.07500,`0.60%,`12.50,`0.00,`",
    );
    const beans = lines.find((line) => line.includes(orders.beans!.outTradeNo))!;
    expect(beans).toContain(",`咖啡豆, 1kg,`order=88213,`7.40700,`0.60%,`1234.50,`");
    const sample = lines.find((line) => line.includes(orders.sample!.outTradeNo))!;
    expect(sample).toContain(",`0.01,`0.00,");
    expect(sample).toContain(",`0.00006,`0.60%,`0.01,");
    const refundRow = lines.find((line) => line.includes(refundNo))!;
    expect(refundRow).toContain("`REFUND,`OTHERS,`CNY,`0.00,`0.00,`50300");
    expect(refundRow).toContain(`\`${refundNo},\`2.50,\`0.00,\`ORIGINAL,\`SUCCESS,`);
    expect(refundRow).toContain(",`-0.01500,`0.60%,`0.00,`2.50,`");
    expect(lines.at(-3)).toBe(
      "总交易单数,应结订单总金额,退款总金额,充值券退款总金额,手续费总金额,订单总金额,申请退款总金额",
    );
    expect(lines.at(-2)).toBe("`4,`1247.01,`2.50,`0.00,`7.46706,`1247.01,`2.50");
  });

  it("parses with the client's parser, and its rows add up to its summary", async () => {
    const { data } = await download(`/v3/bill/tradebill?bill_date=${DAY}&bill_type=ALL`);
    const bill = parseTradeBill(decodeBillText(data));
    expect(bill.rows).toHaveLength(4);
    const sum = (pick: (row: (typeof bill.rows)[number]) => number | undefined) =>
      bill.rows.reduce((total, row) => total + (pick(row) ?? 0), 0);
    expect(bill.summary).toMatchObject({
      tradeCount: 4,
      settlementTotalFen: sum((row) => row.settlementTotalFen),
      refundFen: sum((row) => row.refundFen),
      feeMilliFen: sum((row) => row.feeMilliFen),
      totalFen: sum((row) => row.totalFen),
    });
    expect(bill.summary.settlementTotalFen).toBe(1250 + 1 + 123_450);
    const refundRow = bill.rows.find((row) => row.tradeState === "REFUND")!;
    expect(refundRow).toMatchObject({
      outRefundNo: refundNo,
      refundFen: 250,
      refundStatus: "SUCCESS",
      feeMilliFen: -1500,
      feeRatePpm: 6000,
    });
  });

  it("keeps payments in SUCCESS bills (without refund columns) and refunds in REFUND bills", async () => {
    const success = parseTradeBill(
      decodeBillText((await download(`/v3/bill/tradebill?bill_date=${DAY}&bill_type=SUCCESS`)).data),
    );
    expect(success.rows.map((row) => row.tradeState)).toEqual(["SUCCESS", "SUCCESS", "SUCCESS"]);
    expect(success.rows[0]!.refundId).toBeUndefined();
    expect(success.summary).toMatchObject({ tradeCount: 3, refundFen: undefined });
    const refunds = parseTradeBill(
      decodeBillText((await download(`/v3/bill/tradebill?bill_date=${DAY}&bill_type=REFUND`)).data),
    );
    expect(refunds.rows.map((row) => row.outRefundNo)).toEqual([refundNo]);
  });

  it("gzips on tar_type=GZIP, the hash still over the uncompressed file", async () => {
    const plain = await download(`/v3/bill/tradebill?bill_date=${DAY}&bill_type=ALL`);
    const gzipped = await download(`/v3/bill/tradebill?bill_date=${DAY}&bill_type=ALL&tar_type=GZIP`);
    expect([...gzipped.data.subarray(0, 2)]).toEqual([0x1f, 0x8b]);
    expect(gunzipSync(gzipped.data)).toEqual(plain.data);
    expect(gzipped.application.hash_value).toBe(plain.application.hash_value);
    expect(checkBillFile(gzipped.data, gzipped.application, true)).toEqual(plain.data);
  });
});

describe("fund-flow bills (§5.7)", () => {
  it("lists the BASIC account's movements with the balance after each, and parses with the client's parser", async () => {
    const { data } = await download(`/v3/bill/fundflowbill?bill_date=${DAY}&account_type=BASIC`);
    const text = data.toString("utf8");
    expect(
      text.startsWith(
        "\uFEFF记账时间,微信支付业务单号,资金流水单号,业务名称,业务类型,收支类型,收支金额(元),账户结余(元),资金变更提交申请人,备注,业务凭证号\r\n",
      ),
    ).toBe(true);
    const bill = parseFundFlowBill(decodeBillText(data));
    expect(bill.rows.map((row) => [row.businessType, row.direction, row.amountFen, row.balanceFen])).toEqual([
      ["交易", "收入", 1250, 1250],
      ["扣除交易手续费", "支出", 8, 1242], // 0.07500 rounded half up to fen
      ["交易", "收入", 1, 1243], // a 1-fen payment's fee rounds to nothing: no fee row
      ["交易", "收入", 123_450, 124_693],
      ["扣除交易手续费", "支出", 741, 123_952],
      ["退款", "支出", 250, 123_702],
      ["退还交易手续费", "收入", 2, 123_704],
    ]);
    expect(bill.rows[0]).toMatchObject({
      businessOrderId: orders.latte!.transactionId,
      voucherNo: orders.latte!.outTradeNo,
    });
    expect(bill.rows[0]!.fundFlowId).toMatch(/^\d{30}$/);
    expect(bill.summary).toEqual({
      flowCount: 7,
      incomeCount: 4,
      incomeFen: 124_703,
      expenseCount: 3,
      expenseFen: 999,
      extra: {},
    });
  });

  it("has no OPERATION or FEES bill: those accounts never move here (NO_STATEMENT_EXIST)", async () => {
    for (const account of ["OPERATION", "FEES"]) {
      const answer = await apply(`/v3/bill/fundflowbill?bill_date=${DAY}&account_type=${account}`);
      expect(answer).toMatchObject({ status: 400, json: { code: "NO_STATEMENT_EXIST" } });
    }
  });
});

describe("which bills exist, and for how long a download_url works (§5.7)", () => {
  it("answers by Beijing day: NO_STATEMENT_EXIST for a day without trades, INVALID_REQUEST beyond 3 months or in the future", async () => {
    expect((await apply("/v3/bill/tradebill?bill_date=2026-03-13")).json).toMatchObject({
      code: "NO_STATEMENT_EXIST",
    });
    expect((await apply("/v3/bill/tradebill?bill_date=2026-03-14", other)).json).toMatchObject({
      code: "NO_STATEMENT_EXIST",
    });
    expect((await apply("/v3/bill/tradebill?bill_date=2025-12-15")).json).toMatchObject({
      code: "NO_STATEMENT_EXIST",
    });
    expect(await apply("/v3/bill/tradebill?bill_date=2025-12-14")).toMatchObject({
      status: 400,
      json: { code: "INVALID_REQUEST" },
    });
    expect(await apply("/v3/bill/tradebill?bill_date=2026-03-16")).toMatchObject({
      status: 400,
      json: { code: "INVALID_REQUEST" },
    });
  });

  it("says STATEMENT_CREATING for today and before 10:00 the next day; the rule can be moved for tests", async () => {
    expect(await apply("/v3/bill/tradebill?bill_date=2026-03-15")).toMatchObject({
      status: 400,
      json: { code: "STATEMENT_CREATING" },
    });
    sandbox.admin.setBillReadyDelay(-86_400_000); // a day's bill from its own start
    try {
      expect((await apply("/v3/bill/tradebill?bill_date=2026-03-15")).json).toMatchObject({
        code: "NO_STATEMENT_EXIST",
      });
    } finally {
      sandbox.admin.setBillReadyDelay(10 * 3600_000);
    }
    sandbox.admin.setBillReadyDelay(10 * 3600_000 + 1_000); // it is 10:00:00: one second early
    try {
      const answer = await apply(`/v3/bill/tradebill?bill_date=${DAY}`);
      expect(answer.json).toMatchObject({
        code: "STATEMENT_CREATING",
        message: expect.stringContaining("2026-03-15 10:00:01"),
      });
    } finally {
      sandbox.admin.setBillReadyDelay(10 * 3600_000);
    }
  });

  it("refuses malformed queries with PARAM_ERROR naming the parameter", async () => {
    for (const [query, field] of [
      ["bill_type=ALL", "bill_date"],
      ["bill_date=2026-02-30", "bill_date"],
      ["bill_date=20260314", "bill_date"],
      [`bill_date=${DAY}&bill_type=EVERYTHING`, "bill_type"],
      [`bill_date=${DAY}&bill_type=ALL_SPECIAL`, "bill_type"],
      [`bill_date=${DAY}&tar_type=ZIP`, "tar_type"],
    ]) {
      const answer = await apply(`/v3/bill/tradebill?${query}`);
      expect(answer.json, query).toMatchObject({ code: "PARAM_ERROR", detail: { field, location: "query" } });
    }
  });

  it("serves a download_url for 5 virtual minutes, to the merchant that applied, on a signed request only", async () => {
    const { pathAndQuery } = await download(`/v3/bill/tradebill?bill_date=${DAY}`);
    const unsigned = await fetch(`${sandbox.url}${pathAndQuery}`);
    expect(unsigned.status).toBe(401);
    const foreign = await fetch(`${sandbox.url}${pathAndQuery}`, {
      headers: { Authorization: signedAuthorization(pathAndQuery, other) },
    });
    expect(foreign.status).toBe(403);
    expect(await foreign.json()).toMatchObject({ code: "NO_AUTH" });
    await sandbox.admin.advanceClock(5 * 60_000 - 1);
    expect(
      (
        await fetch(`${sandbox.url}${pathAndQuery}`, {
          headers: { Authorization: signedAuthorization(pathAndQuery, merchant) },
        })
      ).status,
    ).toBe(200);
    await sandbox.admin.advanceClock(1);
    const expired = await fetch(`${sandbox.url}${pathAndQuery}`, {
      headers: { Authorization: signedAuthorization(pathAndQuery, merchant) },
    });
    expect(expired.status).toBe(400);
    expect(await expired.json()).toMatchObject({ code: "INVALID_REQUEST" });
  });
});
