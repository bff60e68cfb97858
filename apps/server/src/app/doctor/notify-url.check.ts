import { addressRefusal, ipLiteralOf } from "../../webhooks/address-policy.ts";
import { fail, ok, type Verdict } from "./check.ts";

/**
 * §4, §5.1: WeChat Pay posts notifications to a public https notify_url. Production's rules;
 * demo mode's simulator notifies Kassa on this machine over http, as it should there.
 */
export function checkNotifyUrl(mode: "demo" | "production", notifyUrl: string | undefined): Verdict {
  if (notifyUrl === undefined)
    return fail(
      "KASSA_PUBLIC_BASE_URL is not set: WeChat Pay posts notifications to <it>/notify/wechatpay/<app>",
    );
  if (mode === "demo")
    return ok(
      `demo mode: the simulator notifies ${notifyUrl} on this machine (production needs a public https URL)`,
    );
  let url: URL;
  try {
    url = new URL(notifyUrl);
  } catch {
    return fail(`${notifyUrl} is not a URL: set KASSA_PUBLIC_BASE_URL to Kassa's public https address`);
  }
  if (url.protocol !== "https:")
    return fail(
      `${notifyUrl} is not https: WeChat Pay only notifies https URLs (reference §5.1); set KASSA_PUBLIC_BASE_URL to Kassa's https address`,
    );
  const literal = ipLiteralOf(url.hostname);
  const refusal = literal
    ? addressRefusal(literal, { allowLoopback: false })
    : url.hostname === "localhost" || url.hostname.endsWith(".localhost")
      ? `${url.hostname} is this machine`
      : undefined;
  if (refusal)
    return fail(
      `${notifyUrl}: ${refusal}, which WeChat Pay cannot reach; set KASSA_PUBLIC_BASE_URL to a public host`,
    );
  return ok(`${notifyUrl} is https on a public host`);
}
