import type { EnvReader } from "./config-reader.ts";
import { parseMasterKey } from "./webhooks/secret-box.ts";

/**
 * Webhooks' settings (issue 11; docs/configuration.md "Webhooks"):
 * - KASSA_MASTER_KEY_FILE: the key that seals endpoint secrets. In production, without it
 *   Kassa starts, but creating an endpoint answers WEBHOOK_MASTER_KEY_MISSING; demo mode makes
 *   one in the data directory when it is unset.
 * - KASSA_WEBHOOK_DOMAINS: the hosts the env-configured app may send webhooks to (production).
 *   The allow-list is the operator's, not the merchant API's: a leaked API key must not be able
 *   to point Kassa at a new host. KASSA_APPS_FILE gives each app its own (`webhookDomains`).
 * - KASSA_WEBHOOK_TIMEOUT_SECONDS: one attempt's deadline.
 */
export interface WebhookSettings {
  masterKey: Buffer | undefined;
  timeoutMs: number;
}

export function readWebhookSettings(read: EnvReader): WebhookSettings {
  const name = "KASSA_MASTER_KEY_FILE";
  const text = read.optionalFile(name);
  let masterKey: Buffer | undefined;
  if (text !== undefined) {
    const key = parseMasterKey(text);
    if (typeof key === "string") read.problem(`${name} ${key}`);
    else masterKey = key;
  }
  return { masterKey, timeoutMs: read.integer("KASSA_WEBHOOK_TIMEOUT_SECONDS", 5, 1, 30) * 1000 };
}

/** A host name (`shop.example.com`) or every host under a domain (`*.example.com`), lower case. */
const DOMAIN = /^(\*\.)?([a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?\.)*[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?$/;

/** The entries of an allow-list, or the problem with the first wrong one. */
export function checkWebhookDomains(entries: readonly unknown[]): string[] | string {
  const domains: string[] = [];
  for (const entry of entries) {
    const domain = typeof entry === "string" ? entry.trim().toLowerCase() : "";
    if (!DOMAIN.test(domain) || domain.length > 253 || /^[\d.]+$/.test(domain))
      return `lists ${JSON.stringify(entry)}, which is not a host name: write hosts like hooks.shop.example or *.shop.example (no scheme, port, path or IP address)`;
    domains.push(domain);
  }
  return domains;
}

/** KASSA_WEBHOOK_DOMAINS: a comma list, for the app of the WECHATPAY_* variables. */
export function readWebhookDomains(read: EnvReader): string[] {
  const raw = read.optional("KASSA_WEBHOOK_DOMAINS");
  if (raw === undefined) return [];
  const domains = checkWebhookDomains(raw.split(",").filter((entry) => entry.trim()));
  if (typeof domains === "string") {
    read.problem(`KASSA_WEBHOOK_DOMAINS ${domains}`);
    return [];
  }
  return domains;
}
