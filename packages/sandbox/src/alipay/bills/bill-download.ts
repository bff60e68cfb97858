import { randomBytes } from "node:crypto";
import type { FastifyInstance } from "fastify";
import { tradeRowFault } from "../../bills/bill-faults.ts";
import type { SandboxContext } from "../../context.ts";
import { bizString, type GatewayCall } from "../gateway-call.ts";
import { invalidParameter } from "../gateway-error.ts";
import { alipayTables } from "../records.ts";
import { tradeBillCsv } from "./bill-csv.ts";
import { checkBillReady, readBillPeriod } from "./bill-period.ts";
import { encodeGbk } from "./gbk.ts";
import { zip } from "./zip.ts";

/**
 * `alipay.data.dataservice.bill.downloadurl.query` (reference A.5, A.8 item 7): a URL, good for
 * 30 s of the sandbox's clock, to a zip of the period's GBK CSV files (the detail and its
 * summary). Only `bill_type=trade` (API-created trades) is simulated.
 */

export const BILL_URL_TTL_MS = 30_000;
export const ALIPAY_BILL_PATH = "/alipay/bill/download";

interface BillDownloadRecord {
  token: string;
  appId: string;
  billDate: string;
  expiresAt: number;
}

const downloads = (ctx: SandboxContext) => ctx.store.table<BillDownloadRecord>("alipayBillDownloads");

export async function billDownloadUrlQuery({
  ctx,
  app,
  biz,
  baseUrl,
}: GatewayCall): Promise<Record<string, unknown>> {
  const billType = bizString(biz, "bill_type");
  if (billType !== "trade") {
    throw invalidParameter(
      `bill_type ${billType ?? "(missing)"}: this sandbox makes the trade bill only (bill_type=trade); signcustomer is not simulated`,
    );
  }
  const period = readBillPeriod(bizString(biz, "bill_date"));
  checkBillReady(ctx, period);
  // The token is what grants the download: from node:crypto, not the seeded stream.
  const token = randomBytes(16).toString("hex");
  downloads(ctx).set(token, {
    token,
    appId: app.appId,
    billDate: period.billDate,
    expiresAt: ctx.clock.now() + BILL_URL_TTL_MS,
  });
  return { bill_download_url: `${baseUrl}${ALIPAY_BILL_PATH}?token=${token}` };
}

export function registerAlipayBillDownload(app: FastifyInstance, ctx: SandboxContext): void {
  app.get(ALIPAY_BILL_PATH, async (request, reply) => {
    const token = new URLSearchParams(request.url.split("?")[1] ?? "").get("token") ?? "";
    const record = downloads(ctx).get(token);
    if (!record || ctx.clock.now() >= record.expiresAt) {
      // [unconfirmed] what Alipay's file server answers for a stale link.
      return reply
        .code(404)
        .type("text/plain; charset=utf-8")
        .send("the bill link is unknown or older than 30 s (A.5): ask for a new one");
    }
    const tables = alipayTables(ctx);
    const alipayApp = tables.apps.get(record.appId);
    if (!alipayApp) return reply.code(404).send();
    const period = readBillPeriod(record.billDate);
    const trades = tables.trades.values().filter((trade) => trade.appId === record.appId);
    const refunds = tables.refunds
      .values()
      .filter((refund) => refund.appId === record.appId)
      .sort((a, b) => a.refundedAt - b.refundedAt);
    const now = ctx.clock.now();
    const files = tradeBillCsv({
      app: alipayApp,
      period,
      trades,
      refunds,
      exportedAt: now,
      // The WeChat Pay bill faults, with the appId where WeChat's name the mchid.
      rowFault: (subject) => tradeRowFault(ctx, alipayApp.appId, subject),
    });
    const stem = `${alipayApp.sellerId}0156_${record.billDate.replaceAll("-", "")}`;
    const body = zip([
      { name: `${stem}_业务明细.csv`, data: encodeGbk(files.detail), modifiedAt: now },
      { name: `${stem}_业务明细(汇总).csv`, data: encodeGbk(files.summary), modifiedAt: now },
    ]);
    return reply
      .code(200)
      .type("application/zip")
      .header("Content-Disposition", `attachment; filename="${stem}.csv.zip"`)
      .send(body);
  });
}
