import type { ExternalChannelName } from "../../domain/payment.ts";
import { addressRefusal, ipLiteralOf } from "../../webhooks/address-policy.ts";
import { fail, ok, type Verdict, warn } from "./check.ts";

const CHANNEL_NAME: Record<ExternalChannelName, string> = { wechatpay: "WeChat Pay", alipay: "Alipay" };

/**
 * Where a channel posts this app's notifications (Kassa's `<KASSA_PUBLIC_BASE_URL>/notify/<channel>/<app>`),
 * by production's rules; demo mode's simulator notifies Kassa on this machine over http, as it
 * should there. WeChat Pay only notifies public https URLs (reference §4, §5.1). Alipay posts to
 * the notify_url a trade names (reference alipay.md A.4); it must be public too, and http would
 * carry the payer's trade across the internet unencrypted, so it is a warning.
 */
export function checkNotifyUrl(
  mode: "demo" | "production",
  notifyUrl: string | undefined,
  channel: ExternalChannelName = "wechatpay",
): Verdict {
  const name = CHANNEL_NAME[channel];
  if (notifyUrl === undefined)
    return fail(
      `KASSA_PUBLIC_BASE_URL is not set: ${name} posts notifications to <it>/notify/${channel}/<app>`,
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
  if (url.protocol !== "https:" && (channel === "wechatpay" || url.protocol !== "http:"))
    return fail(
      channel === "wechatpay"
        ? `${notifyUrl} is not https: WeChat Pay only notifies https URLs (reference §5.1); set KASSA_PUBLIC_BASE_URL to Kassa's https address`
        : `${notifyUrl} is not an http(s) URL, which Alipay cannot post to; set KASSA_PUBLIC_BASE_URL to Kassa's https address`,
    );
  const literal = ipLiteralOf(url.hostname);
  const refusal = literal
    ? addressRefusal(literal, { allowLoopback: false })
    : url.hostname === "localhost" || url.hostname.endsWith(".localhost")
      ? `${url.hostname} is this machine`
      : undefined;
  if (refusal)
    return fail(
      `${notifyUrl}: ${refusal}, which ${name} cannot reach; set KASSA_PUBLIC_BASE_URL to a public host`,
    );
  if (url.protocol === "http:")
    return warn(
      `${notifyUrl} is http: Alipay notifies it, but each notification then crosses the internet unencrypted; set KASSA_PUBLIC_BASE_URL to Kassa's https address`,
    );
  return ok(`${notifyUrl} is https on a public host`);
}
