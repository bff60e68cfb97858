import { createHash, randomBytes } from "node:crypto";
import { gzipSync } from "node:zlib";
import type { BillApplication } from "@kassa/wechatpay";
import type { SandboxContext } from "../context.ts";
import { WechatApiError } from "../wechat-error.ts";

/**
 * §5.7 "Response of both" and "Download": an application answers the file's SHA-1 and a
 * `download_url` whose token lives 5 minutes of virtual time (the newer pages; older ones
 * said 30 s). The file is fixed when applied for, so the hash holds whatever happens
 * later; with `tar_type=GZIP` the stored bytes are gzipped but the hash covers the
 * UNCOMPRESSED file. A token is a capability, so it comes from node:crypto, not the seed.
 */

export const BILL_TOKEN_TTL_MS = 5 * 60 * 1000;
export const BILL_TOKEN_EXPIRE_JOB = "bill.token.expire";

export interface BillDownloadRecord {
  token: string;
  mchid: string;
  /** The bytes to serve (gzipped when asked), Base64. */
  dataBase64: string;
  gzip: boolean;
  expiresAt: number;
}

export function registerBillJobs(ctx: SandboxContext): void {
  ctx.scheduler.register(BILL_TOKEN_EXPIRE_JOB, (job) => {
    ctx.tables.billDownloads.delete((job.payload as { token: string }).token); // committed with the pass
  });
}

export async function issueBillDownload(
  ctx: SandboxContext,
  mchid: string,
  file: Buffer,
  gzip: boolean,
  baseUrl: string,
): Promise<BillApplication> {
  const token = randomBytes(24).toString("base64url");
  const expiresAt = ctx.clock.now() + BILL_TOKEN_TTL_MS;
  const data = gzip ? gzipSync(file) : file;
  ctx.tables.billDownloads.set(token, { token, mchid, dataBase64: data.toString("base64"), gzip, expiresAt });
  ctx.scheduler.schedule(BILL_TOKEN_EXPIRE_JOB, expiresAt, { token });
  await ctx.store.commit();
  return {
    hash_type: "SHA1",
    hash_value: createHash("sha1").update(file).digest("hex"),
    download_url: `${baseUrl}/v3/billdownload/file?token=${token}`,
  };
}

/** The bytes behind a token, for the merchant that applied; the error table's codes otherwise. */
export function takeBillDownload(
  ctx: SandboxContext,
  mchid: string,
  token: string | undefined,
): BillDownloadRecord {
  const record = token ? ctx.tables.billDownloads.get(token) : undefined;
  if (!record || ctx.clock.now() >= record.expiresAt) {
    throw new WechatApiError(
      "INVALID_REQUEST",
      "参数错误，请按第一步申请账单的API指引，重新获取账单地址后再请求 (the token is unknown or older than 5 minutes: apply for the bill again)",
    );
  }
  if (record.mchid !== mchid) {
    throw new WechatApiError("NO_AUTH", "权限异常: this download_url was issued to another merchant");
  }
  return record;
}
