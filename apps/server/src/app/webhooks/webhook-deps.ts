import type { Clock } from "../../domain/clock.ts";
import type { SecretBox } from "../../webhooks/secret-box.ts";

/** What webhooks need besides the use cases' usual dependencies (compose.ts builds it). */
export interface WebhookDeps {
  /** Seals endpoint secrets; undefined in production until KASSA_MASTER_KEY_FILE is set. */
  secretBox: SecretBox | undefined;
  /**
   * `production`: https only, hosts on the app's allow-list, public addresses only.
   * `demo`: http too, any host, and loopback, so a receiver on the same machine works.
   */
  mode: "demo" | "production";
  /** Each app's allow-list of hosts (`shop.example.com`, `*.example.com`); production only. */
  allowedHosts(appId: string): readonly string[];
  /** One attempt's deadline, DNS to the answer's first bytes. */
  timeoutMs: number;
  /**
   * The signature's `webhook-timestamp` is the real time: receivers check it against their own
   * clock, whatever virtual time demo mode's simulator runs on (which drives the schedule).
   */
  wallClock: Clock;
  /** Requests in flight per endpoint in this process (deliver.ts caps them). */
  inFlight: Map<string, number>;
}

/** At most this many requests to one endpoint at once per instance: a slow one holds no more. */
export const MAX_IN_FLIGHT_PER_ENDPOINT = 4;
