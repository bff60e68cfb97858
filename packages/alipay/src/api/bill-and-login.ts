import { AlipayError, AlipayRequestValidationError } from "../errors.ts";
import { integer, requiredText, text } from "./read.ts";
import type { Call } from "./trade.ts";

/** `alipay.data.dataservice.bill.downloadurl.query` (reference A.5). */
export interface BillDownloadUrlRequest {
  /** `trade` (API-created trades) or `signcustomer` (balance-account movements). */
  bill_type: "trade" | "signcustomer";
  /** `yyyy-MM-dd` (daily, T+1) or `yyyy-MM` (monthly). */
  bill_date: string;
}

export interface BillDownloadUrlResult {
  /** Use it within 30 s: a zip of GBK-encoded CSV files (A.5). */
  bill_download_url: string;
}

/** `alipay.system.oauth.token` (A.6): business fields at the top level, not in biz_content (A.3). */
export type OAuthTokenRequest =
  | { grant_type: "authorization_code"; code: string }
  | { grant_type: "refresh_token"; refresh_token: string };

export interface OAuthTokenResult {
  /** The legacy 2088… id, and/or the per-app OpenID: key users by (app_id, open_id) (A.6). */
  user_id: string | undefined;
  open_id: string | undefined;
  union_id: string | undefined;
  access_token: string;
  expires_in: number | undefined;
  refresh_token: string | undefined;
  re_expires_in: number | undefined;
  auth_start: string | undefined;
}

export function billApi(call: Call) {
  return {
    async downloadUrl(request: BillDownloadUrlRequest): Promise<BillDownloadUrlResult> {
      if (!/^[0-9]{4}-[0-9]{2}(-[0-9]{2})?$/.test(request.bill_date ?? "")) {
        throw new AlipayRequestValidationError("bill_date", "must be yyyy-MM-dd or yyyy-MM");
      }
      const result = await call({
        method: "alipay.data.dataservice.bill.downloadurl.query",
        mutating: false,
        bizContent: { bill_type: request.bill_type, bill_date: request.bill_date },
      });
      return { bill_download_url: requiredText(result, "bill_download_url") };
    },
  };
}

export function oauthApi(call: Call) {
  return {
    async token(request: OAuthTokenRequest): Promise<OAuthTokenResult> {
      const topLevel: Record<string, string> =
        request.grant_type === "authorization_code"
          ? { grant_type: "authorization_code", code: nonEmpty("code", request.code) }
          : { grant_type: "refresh_token", refresh_token: nonEmpty("refresh_token", request.refresh_token) };
      const result = await call({ method: "alipay.system.oauth.token", mutating: false, topLevel });
      const ids = { user_id: text(result, "user_id"), open_id: text(result, "open_id") };
      if (ids.user_id === undefined && ids.open_id === undefined) {
        throw new AlipayError("RESPONSE_SHAPE_INVALID", "the answer names neither user_id nor open_id");
      }
      return {
        ...ids,
        union_id: text(result, "union_id"),
        access_token: requiredText(result, "access_token"),
        expires_in: integer(result, "expires_in"),
        refresh_token: text(result, "refresh_token"),
        re_expires_in: integer(result, "re_expires_in"),
        auth_start: text(result, "auth_start"),
      };
    },
  };
}

function nonEmpty(field: string, value: string): string {
  if (typeof value !== "string" || value.length === 0)
    throw new AlipayRequestValidationError(field, "is empty");
  return value;
}
