import type { Executor } from "../../db/executor.ts";
import {
  countEndpointsOfApp,
  type EndpointRow,
  findEndpointOfApp,
  insertEndpoint,
  listEndpointsOfApp,
  updateEndpointOfApp,
} from "../../db/webhook-endpoints-repo.ts";
import { KassaError } from "../../domain/errors.ts";
import { makeId } from "../../domain/ids.ts";
import { type EventFilter, filterOf, storedFilter } from "../../domain/webhooks.ts";
import { newWebhookSecret, secretFingerprint } from "../../webhooks/signing.ts";
import type { AppDeps } from "../deps.ts";
import { checkEndpointUrl } from "./endpoint-url.ts";
import { ROTATION_OVERLAP_MS, sealEndpointSecret, secretBoxOf } from "./secrets.ts";
import type { WebhookDeps } from "./webhook-deps.ts";

/** Stripe's limit (next-anchors.md A.4): enough for a shop's systems, few enough to fan out inline. */
export const MAX_ENDPOINTS_PER_APP = 16;

/** An endpoint as the merchant API shows it: never its secret, only a fingerprint. */
export interface EndpointView {
  id: string;
  url: string;
  description: string;
  eventTypes: string[];
  enabled: boolean;
  disabledReason: string | null;
  secretFingerprint: string;
  previousSecretExpiresAt: string | null;
  failingSince: string | null;
  createdAt: string;
  updatedAt: string;
}

const iso = (ms: number | null) => (ms === null ? null : new Date(ms).toISOString());

export function viewEndpoint(row: EndpointRow): EndpointView {
  const filter = filterOf(row.event_types);
  return {
    id: row.id,
    url: row.url,
    description: row.description,
    eventTypes: filter === "*" ? ["*"] : [...filter],
    enabled: row.enabled === 1,
    disabledReason: row.disabled_reason,
    secretFingerprint: row.secret_fingerprint,
    previousSecretExpiresAt: iso(row.previous_secret_expires_at),
    failingSince: iso(row.failing_since),
    createdAt: new Date(row.created_at).toISOString(),
    updatedAt: new Date(row.updated_at).toISOString(),
  };
}

/** What making an endpoint needs (the CLI's `listen` makes one too, without a running server). */
export type EndpointMakerDeps = Pick<AppDeps, "ids" | "clock"> & {
  webhooks: Pick<WebhookDeps, "secretBox" | "mode" | "allowedHosts">;
};

export async function createEndpoint(
  deps: EndpointMakerDeps,
  trx: Executor,
  input: { appId: string; url: string; eventTypes: EventFilter; description: string; enabled: boolean },
): Promise<EndpointView & { secret: string }> {
  const box = secretBoxOf(deps.webhooks);
  const url = checkEndpointUrl(deps.webhooks, input.appId, input.url);
  if ((await countEndpointsOfApp(trx, input.appId)) >= MAX_ENDPOINTS_PER_APP)
    throw new KassaError("WEBHOOK_ENDPOINT_LIMIT", { max: MAX_ENDPOINTS_PER_APP });
  const id = makeId("webhookEndpoint", deps.ids);
  const secret = newWebhookSecret();
  const now = deps.clock.now();
  const row: EndpointRow = {
    id,
    app_id: input.appId,
    url,
    description: input.description,
    event_types: storedFilter(input.eventTypes),
    enabled: input.enabled ? 1 : 0,
    disabled_reason: input.enabled ? null : "merchant",
    secret_sealed: sealEndpointSecret(box, id, secret),
    secret_fingerprint: secretFingerprint(secret),
    previous_secret_sealed: null,
    previous_secret_expires_at: null,
    failing_since: null,
    created_at: now,
    updated_at: now,
    deleted_at: null,
  };
  await insertEndpoint(trx, row);
  return { ...viewEndpoint(row), secret };
}

export async function listEndpoints(deps: AppDeps, appId: string): Promise<{ data: EndpointView[] }> {
  return { data: (await listEndpointsOfApp(deps.db, appId)).map(viewEndpoint) };
}

export async function getEndpoint(deps: AppDeps, appId: string, endpointId: string): Promise<EndpointView> {
  return viewEndpoint(found(await findEndpointOfApp(deps.db, appId, endpointId)));
}

export async function changeEndpoint(
  deps: AppDeps,
  trx: Executor,
  input: {
    appId: string;
    endpointId: string;
    url?: string | undefined;
    eventTypes?: EventFilter | undefined;
    description?: string | undefined;
  },
): Promise<EndpointView> {
  const set: Partial<EndpointRow> = { updated_at: deps.clock.now() };
  if (input.url !== undefined) set.url = checkEndpointUrl(deps.webhooks, input.appId, input.url);
  if (input.eventTypes !== undefined) set.event_types = storedFilter(input.eventTypes);
  if (input.description !== undefined) set.description = input.description;
  return viewEndpoint(found(await updateEndpointOfApp(trx, { ...input, set })));
}

/**
 * On: events from now on are delivered (and the failure clock starts again). Off: nothing is
 * sent, and deliveries still waiting are cancelled when their time comes; replay them after
 * turning it on again.
 */
export async function switchEndpoint(
  deps: AppDeps,
  trx: Executor,
  input: { appId: string; endpointId: string; enabled: boolean },
): Promise<EndpointView> {
  const set: Partial<EndpointRow> = input.enabled
    ? { enabled: 1, disabled_reason: null, failing_since: null }
    : { enabled: 0, disabled_reason: "merchant" };
  const row = await updateEndpointOfApp(trx, { ...input, set: { ...set, updated_at: deps.clock.now() } });
  return viewEndpoint(found(row));
}

/** Gone for the merchant API; the row stays for its deliveries' history, without its secrets. */
export async function deleteEndpoint(
  deps: Pick<AppDeps, "clock">,
  trx: Executor,
  input: { appId: string; endpointId: string },
): Promise<{ id: string; deleted: true }> {
  const now = deps.clock.now();
  found(
    await updateEndpointOfApp(trx, {
      ...input,
      set: {
        deleted_at: now,
        enabled: 0,
        secret_sealed: null,
        previous_secret_sealed: null,
        updated_at: now,
      },
    }),
  );
  return { id: input.endpointId, deleted: true };
}

/**
 * A new secret, shown once; the one before it keeps signing beside it for 24 hours, so
 * receivers can switch without losing a delivery. Rotating again ends the older one at once
 * (only one previous secret is kept): the way to retire a leaked secret now.
 */
export async function rotateEndpointSecret(
  deps: AppDeps,
  trx: Executor,
  input: { appId: string; endpointId: string },
): Promise<EndpointView & { secret: string }> {
  const box = secretBoxOf(deps.webhooks);
  // A compare-and-set on the secret read: of two rotations at once, one wins and the other
  // reads again, so no caller is shown a secret that was overwritten before anyone saw it.
  for (let attempt = 0; attempt < 3; attempt += 1) {
    const current = found(await findEndpointOfApp(trx, input.appId, input.endpointId));
    const secret = newWebhookSecret();
    const now = deps.clock.now();
    const row = await updateEndpointOfApp(trx, {
      ...input,
      ifSecretIs: current.secret_sealed,
      set: {
        secret_sealed: sealEndpointSecret(box, current.id, secret),
        secret_fingerprint: secretFingerprint(secret),
        previous_secret_sealed: current.secret_sealed,
        previous_secret_expires_at: now + ROTATION_OVERLAP_MS,
        updated_at: now,
      },
    });
    if (row) return { ...viewEndpoint(row), secret };
  }
  throw new Error(`endpoint ${input.endpointId}'s secret kept changing while rotating it`);
}

function found(row: EndpointRow | undefined): EndpointRow {
  if (!row) throw new KassaError("WEBHOOK_ENDPOINT_NOT_FOUND");
  return row;
}
