import type { DatabaseHandle } from "../../db/connect.ts";
import { KassaError } from "../../domain/errors.ts";
import { checkEndpointUrl } from "../webhooks/endpoint-url.ts";
import type { WebhookDeps } from "../webhooks/webhook-deps.ts";
import { fail, ok, type Verdict, warn } from "./check.ts";

/**
 * The webhook endpoints merchants registered still pass the rules an endpoint is set under
 * (app/webhooks/endpoint-url.ts): https in production, and a host on the app's allow-list,
 * which the operator may have shortened since (KASSA_WEBHOOK_DOMAINS, an app's webhookDomains).
 */
export async function checkWebhookUrls(
  handle: DatabaseHandle | undefined,
  webhooks: Pick<WebhookDeps, "mode" | "allowedHosts">,
): Promise<Verdict> {
  if (!handle) return warn("not checked: there is no database to read the endpoints from (see database)");
  const endpoints = await handle.db
    .selectFrom("webhook_endpoints")
    .select(["id", "app_id", "url"])
    .where("enabled", "=", 1)
    .orderBy("id")
    .execute();
  const refused: string[] = [];
  for (const endpoint of endpoints) {
    try {
      checkEndpointUrl(webhooks, endpoint.app_id, endpoint.url);
    } catch (error) {
      if (!(error instanceof KassaError)) throw error;
      refused.push(`${endpoint.id} (${endpoint.app_id}) ${endpoint.url}: ${reasonOf(error)}`);
    }
  }
  if (refused.length > 0)
    return fail(
      `${refused.join("; ")}. Add the host to the app's webhook domains (KASSA_WEBHOOK_DOMAINS or webhookDomains in KASSA_APPS_FILE), or have the merchant change the endpoint`,
    );
  return ok(
    endpoints.length === 0
      ? "no webhook endpoints are enabled"
      : `${endpoints.length} enabled endpoint(s) pass the ${webhooks.mode === "production" ? "production" : "demo"} rules`,
  );
}

function reasonOf(error: KassaError): string {
  const details = error.details ?? {};
  if (typeof details.reason === "string") return details.reason;
  if (typeof details.host === "string") return `host ${details.host} is not on the app's allow-list`;
  return error.code;
}
