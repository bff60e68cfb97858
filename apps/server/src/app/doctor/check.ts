import type { AlipayCredentials, WechatPayCredentials } from "../../config.ts";
import type { AlipayProbe } from "./alipay-probe.ts";
import type { WechatPayProbe } from "./wechatpay-probe.ts";

/**
 * `kassa doctor` (issue 13): one check per file, each answering ok, warn (it works, but act
 * soon) or fail (it will not work), with what to do in words an operator can follow.
 */
export type CheckStatus = "ok" | "warn" | "fail";

export interface CheckResult {
  /** Stable, for `--json` and scripts: e.g. `merchant-key`. */
  id: string;
  status: CheckStatus;
  /** What was found and, unless ok, what to do. Never a secret. */
  detail: string;
  /** The app the check is about; absent for checks of the whole deployment (database, Redis). */
  appId?: string;
}

/** What an app's checks are given: its credentials, and the one signed call made with them. */
export interface AppCheckInput {
  appId: string;
  credentials: WechatPayCredentials;
  probe: WechatPayProbe;
  /** Epoch ms: Kassa's clock (the simulator's in demo mode). */
  now: number;
  mode: "demo" | "production";
}

/** What an app's Alipay checks are given: its Alipay account, and the one signed call made with it. */
export interface AlipayCheckInput {
  appId: string;
  credentials: AlipayCredentials;
  probe: AlipayProbe;
  /** Epoch ms: Kassa's clock (the simulator's in demo mode). */
  now: number;
}

export type Verdict = Omit<CheckResult, "id" | "appId">;

export const ok = (detail: string): Verdict => ({ status: "ok", detail });
export const warn = (detail: string): Verdict => ({ status: "warn", detail });
export const fail = (detail: string): Verdict => ({ status: "fail", detail });

/** Certificates that expire within this long are warned of (issue 13). */
export const EXPIRY_WARNING_MS = 30 * 24 * 3600 * 1000;

export function days(ms: number): number {
  return Math.floor(ms / (24 * 3600 * 1000));
}
