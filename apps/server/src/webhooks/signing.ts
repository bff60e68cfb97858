import { createHash, createHmac, randomBytes } from "node:crypto";

/**
 * Standard Webhooks signatures (next-anchors.md A.1): HMAC-SHA256 keyed by the secret's bytes
 * (the base64 after `whsec_`) over `id.timestamp.body`, sent as `v1,<base64>`; several are
 * space-separated, which is how a rotation sends the new and the previous secret's at once.
 * Signed with node:crypto; the official `standardwebhooks` package verifies them in tests.
 */
const PREFIX = "whsec_";

/** `whsec_` and 32 random bytes in base64 (the specification asks for 24 to 64). */
export function newWebhookSecret(): string {
  return `${PREFIX}${randomBytes(32).toString("base64")}`;
}

/** What a list may show of a secret: enough to tell two apart, nothing to sign with. */
export function secretFingerprint(secret: string): string {
  return `sha256:${createHash("sha256").update(secret).digest("hex").slice(0, 16)}`;
}

export function signatureOf(
  secret: string,
  message: { id: string; timestamp: number; body: string },
): string {
  const key = Buffer.from(secret.slice(PREFIX.length), "base64");
  const mac = createHmac("sha256", key).update(`${message.id}.${message.timestamp}.${message.body}`);
  return `v1,${mac.digest("base64")}`;
}

/** The three headers of one attempt; `secrets` newest first. */
export function webhookHeaders(
  secrets: readonly string[],
  message: { id: string; timestamp: number; body: string },
): Record<string, string> {
  if (secrets.length === 0) throw new Error("a webhook is never sent unsigned");
  return {
    "webhook-id": message.id,
    "webhook-timestamp": String(message.timestamp),
    "webhook-signature": secrets.map((secret) => signatureOf(secret, message)).join(" "),
  };
}
