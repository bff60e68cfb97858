import { once } from "node:events";
import { createWriteStream } from "node:fs";
import { fenToYuan, milliFenToYuan } from "@kassa/wechatpay";
import { sql } from "kysely";
import type { Executor } from "../../apps/server/src/db/executor.ts";

/**
 * The day bench/reconcile.ts reconciles: a trade bill of ROWS payments and a fund-flow bill
 * of their fees, written line by line in the §5.7 layout (the simulator's writer builds a
 * file in memory, which a million rows would not fit), and Kassa's side: the same payments
 * in the database, with a few differences of each kind planted so the match has work to
 * find and the bench can check it found exactly that.
 */

export const APPID = "wxbench00000000001";
export const MCHID = "1900000109";
export const DAY = "2026-03-14";
const DAY_START = Date.parse(`${DAY}T00:00:00+08:00`);

/** Every PLANT-th payment carries a planted difference, round-robin over three kinds. */
const PLANT = 10_000;
export type Planted = "amount_differs" | "unreadable_row" | "missing_in_bill";
export function plantedAt(index: number): Planted | undefined {
  if (index % PLANT !== PLANT - 1) return undefined;
  return (["amount_differs", "unreadable_row", "missing_in_bill"] as const)[Math.floor(index / PLANT) % 3];
}

export const outTradeNoOf = (index: number) => `ord_bench${String(index).padStart(10, "0")}`;
export const amountOf = (index: number) => 100 + (index % 9_900);
const feeMilliOf = (fen: number) => Math.floor((fen * 6000 + 500) / 1000);
const atOf = (index: number, rows: number) => DAY_START + Math.floor((index * 86_000_000) / rows);

const TRADE_HEADER =
  "交易时间,公众账号ID,商户号,特约商户号,设备号,微信订单号,商户订单号,用户标识,交易类型,交易状态,付款银行,货币种类,应结订单金额,代金券金额,微信退款单号,商户退款单号,退款金额,充值券退款金额,退款类型,退款状态,商品名称,商户数据包,手续费,费率,订单金额,申请退款金额,费率备注";
const FUND_HEADER =
  "记账时间,微信支付业务单号,资金流水单号,业务名称,业务类型,收支类型,收支金额(元),账户结余(元),资金变更提交申请人,备注,业务凭证号";

function beijingTime(epochMs: number): string {
  return new Date(epochMs + 8 * 3600_000).toISOString().slice(0, 19).replace("T", " ");
}

async function writeLines(path: string, lines: Iterable<string>): Promise<void> {
  const out = createWriteStream(path);
  let chunk = "";
  for (const line of lines) {
    chunk += `${line}\r\n`;
    if (chunk.length > 1 << 16) {
      if (!out.write(chunk)) await once(out, "drain");
      chunk = "";
    }
  }
  out.end(chunk);
  await once(out, "finish");
}

const cells = (values: readonly string[]) => values.map((value) => `\`${value}`).join(",");

/** The trade bill: one SUCCESS row per payment the channel took, then the summary. */
export function writeTradeBill(path: string, rows: number): Promise<void> {
  return writeLines(path, tradeLines(rows));
}

function* tradeLines(rows: number): Generator<string> {
  yield `\uFEFF${TRADE_HEADER}`;
  let count = 0;
  let total = 0;
  let fees = 0;
  for (let index = 0; index < rows; index += 1) {
    const planted = plantedAt(index);
    if (planted === "missing_in_bill") continue;
    const fen = amountOf(index) + (planted === "amount_differs" ? 1 : 0);
    const fee = feeMilliOf(amountOf(index));
    const yuan = fenToYuan(fen);
    const state = planted === "unreadable_row" ? "PAYERROR" : "SUCCESS";
    const transactionId = `42000${String(index).padStart(23, "0")}`;
    yield cells([
      beijingTime(atOf(index, rows)),
      APPID,
      MCHID,
      "0",
      "",
      transactionId,
      outTradeNoOf(index),
      "oBenchPayer",
      "JSAPI",
      state,
      "OTHERS",
      "CNY",
      yuan,
      "0.00",
      "0",
      "0",
      "0.00",
      "0.00",
      "",
      "",
      "茉莉花茶 Jasmine tea",
      "",
      milliFenToYuan(fee),
      "0.60%",
      yuan,
      "0.00",
      "",
    ]);
    count += 1;
    total += fen;
    fees += fee;
  }
  yield "总交易单数,应结订单总金额,退款总金额,充值券退款总金额,手续费总金额,订单总金额,申请退款总金额";
  yield cells([
    String(count),
    fenToYuan(total),
    "0.00",
    "0.00",
    milliFenToYuan(fees),
    fenToYuan(total),
    "0.00",
  ]);
}

/** The fund flow: each payment's fee taken (its income rows, which reconciliation skips, left out). */
export function writeFundFlowBill(path: string, rows: number): Promise<void> {
  return writeLines(path, fundLines(rows));
}

function* fundLines(rows: number): Generator<string> {
  yield `\uFEFF${FUND_HEADER}`;
  let count = 0;
  let expense = 0;
  let balance = 10_000_000_000;
  for (let index = 0; index < rows; index += 1) {
    if (plantedAt(index) === "missing_in_bill") continue;
    const fee = Math.floor((feeMilliOf(amountOf(index)) + 500) / 1000);
    balance -= fee;
    const transactionId = `42000${String(index).padStart(23, "0")}`;
    yield cells([
      beijingTime(atOf(index, rows)),
      transactionId,
      `${transactionId}02`,
      "茉莉花茶",
      "扣除交易手续费",
      "支出",
      fenToYuan(fee),
      fenToYuan(balance),
      "system",
      "",
      outTradeNoOf(index),
    ]);
    count += 1;
    expense += fee;
  }
  yield "资金流水总笔数,收入笔数,收入金额,支出笔数,支出金额";
  yield cells([String(count), "0", "0.00", String(count), fenToYuan(expense)]);
}

/** Kassa's side: every payment PAID at its time, in batches (orders first: payments refer to them). */
export async function seedPayments(db: Executor, rows: number): Promise<void> {
  const now = DAY_START;
  await sql`update apps set wechat_appid = ${APPID} where id = 'app_default'`.execute(db);
  await sql`insert into users (id, app_id, appid, openid, created_at) values ('usr_bench', 'app_default', ${APPID}, 'oBenchPayer', ${now})`.execute(
    db,
  );
  const BATCH = 1_000; // 17 columns: within SQLite's 32766 bound values per statement
  for (let start = 0; start < rows; start += BATCH) {
    const indexes = Array.from({ length: Math.min(BATCH, rows - start) }, (_, offset) => start + offset);
    await db.transaction().execute(async (trx) => {
      await trx
        .insertInto("orders")
        .values(
          indexes.map((index) => ({
            id: outTradeNoOf(index),
            app_id: "app_default",
            user_id: "usr_bench",
            status: "PAID" as const,
            amount_fen: amountOf(index),
            description: "茉莉花茶 Jasmine tea",
            expires_at: now + 3_600_000,
            created_at: now,
            updated_at: now,
          })),
        )
        .execute();
      await trx
        .insertInto("payments")
        .values(
          indexes.map((index) => ({
            id: `pay_bench${String(index).padStart(10, "0")}`,
            app_id: "app_default",
            order_id: outTradeNoOf(index),
            channel: "wechatpay" as const,
            out_trade_no: outTradeNoOf(index),
            status: "PAID" as const,
            amount_fen: amountOf(index),
            expires_at: now + 3_600_000,
            prepay_id: null,
            prepay_expires_at: null,
            prepay_lease_until: null,
            transaction_id: `42000${String(index).padStart(23, "0")}`,
            bank_type: "OTHERS",
            paid_at: atOf(index, rows),
            prepaid_at: null,
            created_at: now,
            updated_at: now,
          })),
        )
        .execute();
    });
  }
}
