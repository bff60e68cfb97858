import { createHmac, timingSafeEqual } from "node:crypto";
import { Webhook, WebhookVerificationError } from "standardwebhooks";
import { describe, expect, it } from "vitest";
import { newWebhookSecret, secretFingerprint, webhookHeaders } from "./signing.ts";

/** Kassa signs with node:crypto; the official `standardwebhooks` package is the judge. */
describe("Standard Webhooks signatures", () => {
  const body = JSON.stringify({ id: "evt_1", type: "order.paid", data: { amountFen: 1800, note: "茶" } });
  const now = () => Math.floor(Date.now() / 1000);

  it("verify with the official package, on the exact bytes sent", () => {
    const secret = newWebhookSecret();
    expect(secret).toMatch(/^whsec_[A-Za-z0-9+/]{43}=$/);
    const headers = webhookHeaders([secret], { id: "evt_1", timestamp: now(), body });
    expect(headers["webhook-signature"]).toMatch(/^v1,[A-Za-z0-9+/]{43}=$/);
    expect(new Webhook(secret).verify(body, headers)).toEqual(JSON.parse(body));
  });

  it("fail for another secret, a changed body, id or timestamp, and an old timestamp", () => {
    const secret = newWebhookSecret();
    const headers = webhookHeaders([secret], { id: "evt_1", timestamp: now(), body });
    const verify =
      (payload: string, h: Record<string, string>, key = secret) =>
      () =>
        new Webhook(key).verify(payload, h);
    expect(verify(body, headers, newWebhookSecret())).toThrow(WebhookVerificationError);
    expect(verify(body.replace("1800", "1"), headers)).toThrow(WebhookVerificationError);
    expect(verify(body, { ...headers, "webhook-id": "evt_2" })).toThrow(WebhookVerificationError);
    expect(verify(body, { ...headers, "webhook-timestamp": String(now() - 1) })).toThrow(
      WebhookVerificationError,
    );
    const old = webhookHeaders([secret], { id: "evt_1", timestamp: now() - 600, body });
    expect(verify(body, old)).toThrow(/too old/);
  });

  it("sign with each secret of a rotation, space-separated, so either verifies", () => {
    const [next, previous] = [newWebhookSecret(), newWebhookSecret()];
    const headers = webhookHeaders([next, previous], { id: "evt_1", timestamp: now(), body });
    expect(headers["webhook-signature"]?.split(" ")).toHaveLength(2);
    expect(new Webhook(next).verify(body, headers)).toBeTruthy();
    expect(new Webhook(previous).verify(body, headers)).toBeTruthy();
  });

  it("verify by hand as docs/webhooks.md shows, with either secret of a rotation", () => {
    const [next, previous] = [newWebhookSecret(), newWebhookSecret()];
    const headers = webhookHeaders([next, previous], { id: "evt_1", timestamp: now(), body });
    expect(verifyKassaWebhook(next, headers, body)).toBe(true);
    expect(verifyKassaWebhook(previous, headers, body)).toBe(true);
    expect(verifyKassaWebhook(newWebhookSecret(), headers, body)).toBe(false);
    expect(verifyKassaWebhook(next, headers, `${body} `)).toBe(false);
  });

  it("never sign with no secret, and show only a fingerprint that differs per secret", () => {
    expect(() => webhookHeaders([], { id: "evt_1", timestamp: now(), body })).toThrow(/unsigned/);
    const secret = newWebhookSecret();
    expect(secretFingerprint(secret)).toMatch(/^sha256:[0-9a-f]{16}$/);
    expect(secretFingerprint(secret)).not.toBe(secretFingerprint(newWebhookSecret()));
    expect(secretFingerprint(secret)).not.toContain(secret.slice(6, 12));
  });
});

/** docs/webhooks.md's "By hand", as written there. */
function verifyKassaWebhook(
  secret: string,
  headers: Record<string, string | undefined>,
  body: string,
): boolean {
  const id = headers["webhook-id"];
  const timestamp = headers["webhook-timestamp"];
  const signatures = headers["webhook-signature"];
  if (!id || !timestamp || !signatures) return false;
  if (Math.abs(Date.now() / 1000 - Number(timestamp)) > 300) return false; // a replayed old request
  const key = Buffer.from(secret.slice("whsec_".length), "base64");
  const expected = createHmac("sha256", key).update(`${id}.${timestamp}.${body}`).digest();
  return signatures.split(" ").some((entry) => {
    const [version, signature] = entry.split(",");
    const given = Buffer.from(signature ?? "", "base64");
    return version === "v1" && given.length === expected.length && timingSafeEqual(given, expected);
  });
}
