import type { EndpointRow } from "../../db/webhook-endpoints-repo.ts";
import { KassaError } from "../../domain/errors.ts";
import { type SecretBox, SecretBoxError } from "../../webhooks/secret-box.ts";
import type { WebhookDeps } from "./webhook-deps.ts";

/** How long a rotated-out secret still signs, beside the new one (Svix's 24 h, next-anchors.md A.3). */
export const ROTATION_OVERLAP_MS = 24 * 3_600_000;

/** The box, or the operator's stable error when production has no master key. */
export function secretBoxOf(webhooks: Pick<WebhookDeps, "secretBox">): SecretBox {
  if (!webhooks.secretBox) throw new KassaError("WEBHOOK_MASTER_KEY_MISSING");
  return webhooks.secretBox;
}

/** A secret sealed for this endpoint only (the id is the associated data). */
export function sealEndpointSecret(box: SecretBox, endpointId: string, secret: string): string {
  return box.seal(secret, `webhook-endpoint:${endpointId}`);
}

/**
 * The secrets an attempt signs with, newest first: the current one, and the previous one
 * while its overlap lasts. An error when they cannot be opened (no master key, another key).
 */
export function signingSecrets(
  box: SecretBox | undefined,
  endpoint: EndpointRow,
  now: number,
): { ok: true; secrets: string[] } | { ok: false; error: string } {
  if (!box) return { ok: false, error: "no master key: set KASSA_MASTER_KEY_FILE, then the retries go out" };
  if (!endpoint.secret_sealed) return { ok: false, error: "the endpoint was deleted" };
  const context = `webhook-endpoint:${endpoint.id}`;
  try {
    const secrets = [box.open(endpoint.secret_sealed, context)];
    const previous = endpoint.previous_secret_sealed;
    if (previous && (endpoint.previous_secret_expires_at ?? 0) > now)
      secrets.push(box.open(previous, context));
    return { ok: true, secrets };
  } catch (error) {
    if (error instanceof SecretBoxError)
      return { ok: false, error: `the signing secret cannot be opened: ${error.message}` };
    throw error;
  }
}

/**
 * A creation's or rotation's answer shows the secret once, and an Idempotency-Key replay must
 * show it again, so the stored answer (idempotency_keys) carries it sealed, never in clear.
 */
export function sealAnswer<T extends { id: string; secret: string }>(
  box: SecretBox,
  answer: T,
): Omit<T, "secret"> & { secretSealed: string } {
  const { secret, ...rest } = answer;
  return { ...rest, secretSealed: box.seal(secret, `webhook-answer:${answer.id}`) };
}

export function openAnswer(box: SecretBox, stored: unknown): unknown {
  const { secretSealed, ...rest } = stored as { id: string; secretSealed?: string };
  if (typeof secretSealed !== "string") return stored;
  return { ...rest, secret: box.open(secretSealed, `webhook-answer:${rest.id}`) };
}
