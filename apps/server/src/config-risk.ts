import type { EnvReader } from "./config-reader.ts";
import { RISK_RULE_IDS, RISK_RULES, type RiskSettings } from "./domain/risk.ts";

/**
 * Each risk rule's settings (domain/risk.ts; docs/risk.md): `<SETTING>` the threshold,
 * `<SETTING>_WINDOW_MINUTES`, `<SETTING>_THROTTLE_MINUTES` (0: never throttles), each with
 * the rule's default.
 */
export function readRiskSettings(read: EnvReader): RiskSettings {
  return Object.fromEntries(
    RISK_RULE_IDS.map((id) => {
      const { setting, defaults } = RISK_RULES[id];
      return [
        id,
        {
          threshold: read.integer(setting, defaults.threshold, 1, 1_000_000),
          windowMinutes: read.integer(`${setting}_WINDOW_MINUTES`, defaults.windowMinutes, 1, 24 * 60),
          throttleMinutes: read.integer(`${setting}_THROTTLE_MINUTES`, defaults.throttleMinutes, 0, 24 * 60),
        },
      ];
    }),
  ) as unknown as RiskSettings;
}

/**
 * KASSA_WECOM_ROBOT_URL (or _FILE): a WeCom group robot's webhook address,
 * https://qyapi.weixin.qq.com/cgi-bin/webhook/send?key=... Its key is a credential: the value
 * is never echoed back in a problem, nor logged.
 */
export function readWecomRobotUrl(read: EnvReader, mode: "demo" | "production"): string | undefined {
  const raw = (
    read.optionalFile("KASSA_WECOM_ROBOT_URL_FILE") ?? read.optional("KASSA_WECOM_ROBOT_URL")
  )?.trim();
  if (!raw) return undefined;
  let url: URL;
  try {
    url = new URL(raw);
  } catch {
    read.problem(
      "KASSA_WECOM_ROBOT_URL is not an absolute URL; copy the robot's webhook address from the WeCom group (https://qyapi.weixin.qq.com/cgi-bin/webhook/send?key=...)",
    );
    return undefined;
  }
  const httpsOnly = mode === "production";
  if (url.protocol !== "https:" && (httpsOnly || url.protocol !== "http:")) {
    read.problem(`KASSA_WECOM_ROBOT_URL must be https://${httpsOnly ? "" : " (or, in demo mode, http://)"}`);
    return undefined;
  }
  if (!url.searchParams.get("key")) {
    read.problem("KASSA_WECOM_ROBOT_URL has no ?key=...: copy the robot's whole webhook address");
    return undefined;
  }
  return url.toString();
}
