import { KassaError } from "../../domain/errors.ts";
import { addressRefusal, ipLiteralOf } from "../../webhooks/address-policy.ts";
import type { WebhookDeps } from "./webhook-deps.ts";

const MAX_URL_LENGTH = 2048;

/**
 * The checks an endpoint URL passes when it is set (issue 11): an absolute URL, https in
 * production, no credentials or fragment; a literal IP address must be one Kassa may reach;
 * in production the host must be on the app's allow-list. A host name is resolved and checked
 * again at every attempt (webhooks/sender.ts): what it resolves to can change.
 */
export function checkEndpointUrl(
  webhooks: Pick<WebhookDeps, "mode" | "allowedHosts">,
  appId: string,
  raw: string,
): string {
  let url: URL;
  try {
    url = new URL(raw);
  } catch {
    throw new KassaError("WEBHOOK_URL_INVALID", { reason: "not an absolute URL" });
  }
  const production = webhooks.mode === "production";
  if (url.protocol !== "https:" && (production || url.protocol !== "http:"))
    throw new KassaError("WEBHOOK_URL_INVALID", {
      reason: production ? "production sends to https:// URLs only" : "only http:// and https:// URLs",
    });
  if (url.username || url.password || url.hash || raw.includes("#") || raw.length > MAX_URL_LENGTH)
    throw new KassaError("WEBHOOK_URL_INVALID", {
      reason: "no credentials (user:password@), no fragment (#...), at most 2048 characters",
    });
  const literal = ipLiteralOf(url.hostname);
  const refusal = literal ? addressRefusal(literal, { allowLoopback: !production }) : undefined;
  if (refusal) throw new KassaError("WEBHOOK_ADDRESS_REFUSED", { reason: refusal });
  if (production) {
    const allowed = webhooks.allowedHosts(appId);
    if (!allowed.some((entry) => hostMatches(entry, url.hostname)))
      throw new KassaError("WEBHOOK_HOST_NOT_ALLOWED", { host: url.hostname, allowed: [...allowed] });
  }
  return url.href;
}

/** `shop.example.com` is that host only; `*.example.com` any host under it, not the domain itself. */
export function hostMatches(entry: string, host: string): boolean {
  if (entry.startsWith("*.")) return host.endsWith(entry.slice(1)) && host.length > entry.length - 1;
  return host === entry;
}
