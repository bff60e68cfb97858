import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { KassaUnderTest } from "../kassa-harness.ts";
import { makeApiKey, makeOtherApp } from "../merchant-keys.ts";
import { cancelOrder, payOrder, ReceiverPool, verified } from "../webhook-flows.ts";

/**
 * Issue 11, the merchant's side of webhooks: endpoints made, changed, switched, rotated and
 * deleted through the merchant API; deliveries and their attempts read back; one delivery,
 * or every event since a time, replayed. Real receivers on loopback (demo mode allows it),
 * real payments through the simulator, SQLite and PostgreSQL.
 */
let kassa: KassaUnderTest;
let key: string;
let token: string;
const receivers = new ReceiverPool();

beforeAll(async () => {
  kassa = await KassaUnderTest.start();
  key = (await makeApiKey(kassa)).secret;
});
beforeEach(async () => {
  token = await kassa.login();
});
afterEach(async () => {
  await receivers.endTest(kassa);
});
afterAll(async () => {
  await kassa?.close();
});

const receiver = () => receivers.start();

type Body = Record<string, unknown>;
async function merchant(method: string, path: string, body?: unknown, headers: Record<string, string> = {}) {
  const answer = await kassa.request(method, `/merchant/v1${path}`, {
    headers: { authorization: `Bearer ${key}`, ...headers },
    ...(body === undefined ? {} : { body }),
  });
  return { status: answer.status, body: answer.body as Body };
}

async function endpointAt(url: string, extra: Body = {}): Promise<{ id: string; secret: string }> {
  const made = await merchant("POST", "/webhook-endpoints", { url, ...extra });
  expect(made.status).toBe(201);
  kassa.rememberSecret(made.body.secret as string);
  return { id: made.body.id as string, secret: made.body.secret as string };
}

describe("webhook endpoints through the merchant API", () => {
  it("makes an endpoint that shows its secret once, on the answer and its Idempotency-Key replay, and never in a list", async () => {
    const hook = await receiver();
    const headers = { "idempotency-key": "make-endpoint-1" };
    const body = { url: hook.url, eventTypes: ["order.paid"], description: "fulfilment" };
    const made = await merchant("POST", "/webhook-endpoints", body, headers);
    expect(made.status).toBe(201);
    kassa.rememberSecret(made.body.secret as string);
    expect(made.body).toMatchObject({
      url: hook.url,
      eventTypes: ["order.paid"],
      enabled: true,
      description: "fulfilment",
    });
    expect(made.body.secret).toMatch(/^whsec_/);
    const again = await merchant("POST", "/webhook-endpoints", body, headers);
    expect(again.status).toBe(201);
    expect(again.body).toEqual(made.body);
    // The stored answer holds the secret sealed, not in clear.
    const stored = await kassa.running.kassa.deps.db.selectFrom("idempotency_keys").selectAll().execute();
    expect(JSON.stringify(stored)).not.toContain(made.body.secret as string);

    const list = await merchant("GET", "/webhook-endpoints");
    expect(list.status).toBe(200);
    const listed = (list.body.data as Body[]).find((endpoint) => endpoint.id === made.body.id);
    expect(listed).toMatchObject({ id: made.body.id, secretFingerprint: made.body.secretFingerprint });
    expect(JSON.stringify(list.body)).not.toContain("whsec_");
    expect((await merchant("GET", `/webhook-endpoints/${made.body.id}`)).body).toEqual(listed);
  });

  it("refuses a URL that is not http(s), an unknown event type and an unknown field, making nothing", async () => {
    const before = (await merchant("GET", "/webhook-endpoints")).body.data as Body[];
    expect(
      (await merchant("POST", "/webhook-endpoints", { url: "ftp://127.0.0.1/hook" })).body,
    ).toMatchObject({
      code: "WEBHOOK_URL_INVALID",
    });
    const unknownType = await merchant("POST", "/webhook-endpoints", {
      url: "http://127.0.0.1:9/hook",
      eventTypes: ["order.eaten"],
    });
    expect(unknownType).toMatchObject({ status: 400, body: { code: "REQUEST_INVALID" } });
    expect(
      (await merchant("POST", "/webhook-endpoints", { url: "http://127.0.0.1:9/hook", secret: "whsec_mine" }))
        .body,
    ).toMatchObject({ code: "REQUEST_INVALID" });
    expect((await merchant("GET", "/webhook-endpoints")).body.data).toEqual(before);
  });

  it("lists a paid order's delivery with its attempt, and replays it with the same webhook-id", async () => {
    const hook = await receiver();
    const endpoint = await endpointAt(hook.url);
    await payOrder(kassa, token);
    await kassa.runWebhookJobs();
    expect(hook.received).toHaveLength(1);

    const page = await merchant("GET", `/webhook-endpoints/${endpoint.id}/deliveries?status=succeeded`);
    expect(page.status).toBe(200);
    const [delivery] = page.body.data as Body[];
    expect(delivery).toMatchObject({ eventType: "order.paid", status: "succeeded", attemptCount: 1 });
    expect(delivery?.eventId).toBe(hook.received[0]?.headers["webhook-id"]);
    const read = await merchant("GET", `/webhook-endpoints/${endpoint.id}/deliveries/${delivery?.id}`);
    expect(read.body.attempts).toEqual([
      expect.objectContaining({
        trigger: "scheduled",
        statusCode: 200,
        responseExcerpt: "ok",
        succeeded: true,
      }),
    ]);

    const replayed = await merchant(
      "POST",
      `/webhook-endpoints/${endpoint.id}/deliveries/${delivery?.id}/replay`,
    );
    expect(replayed).toMatchObject({ status: 200, body: { id: delivery?.id, status: "pending" } });
    await kassa.runWebhookJobs();
    expect(hook.ids()).toEqual([delivery?.eventId, delivery?.eventId]);
    expect(verified(endpoint.secret, hook.received[1]!).type).toBe("order.paid");
    const after = await merchant("GET", `/webhook-endpoints/${endpoint.id}/deliveries/${delivery?.id}`);
    expect((after.body.attempts as Body[]).map((attempt) => attempt.trigger)).toEqual([
      "replay",
      "scheduled",
    ]);
  });

  it("replays every event since a time that the endpoint takes, to an endpoint made after them", async () => {
    const since = new Date(kassa.running.kassa.deps.clock.now()).toISOString();
    const paidId = await payOrder(kassa, token);
    await cancelOrder(kassa, token);
    const hook = await receiver();
    const endpoint = await endpointAt(hook.url, { eventTypes: ["order.paid"] });
    await kassa.runWebhookJobs();
    expect(hook.received).toHaveLength(0);

    const replay = await merchant("POST", `/webhook-endpoints/${endpoint.id}/replay`, { since });
    expect(replay).toMatchObject({ status: 200, body: { queued: 1, since, nextSince: null } });
    await kassa.runWebhookJobs();
    expect(hook.received.map((request) => verified(endpoint.secret, request).data.orderId)).toEqual([paidId]);
    const backwards = await merchant("POST", `/webhook-endpoints/${endpoint.id}/replay`, {
      since,
      until: "2020-01-01T00:00:00Z",
    });
    expect(backwards).toMatchObject({ status: 400, body: { code: "REQUEST_INVALID" } });
  });

  it("sends nothing while an endpoint is off, refuses to replay to it, and delivers again once it is on", async () => {
    const hook = await receiver();
    const endpoint = await endpointAt(hook.url);
    const off = await merchant("POST", `/webhook-endpoints/${endpoint.id}/disable`);
    expect(off.body).toMatchObject({ enabled: false, disabledReason: "merchant" });
    await payOrder(kassa, token);
    await kassa.runWebhookJobs();
    expect(hook.received).toHaveLength(0);
    const refused = await merchant("POST", `/webhook-endpoints/${endpoint.id}/replay`, {
      since: "2020-01-01T00:00:00Z",
    });
    expect(refused.body).toMatchObject({ code: "WEBHOOK_ENDPOINT_DISABLED" });

    expect((await merchant("POST", `/webhook-endpoints/${endpoint.id}/enable`)).body).toMatchObject({
      enabled: true,
      disabledReason: null,
    });
    await payOrder(kassa, token);
    await kassa.runWebhookJobs();
    expect(hook.received).toHaveLength(1);
  });

  it("rotates the secret: the next delivery carries both signatures, and each secret verifies it", async () => {
    const hook = await receiver();
    const endpoint = await endpointAt(hook.url);
    const rotated = await merchant("POST", `/webhook-endpoints/${endpoint.id}/rotate-secret`);
    expect(rotated.status).toBe(200);
    const secret = rotated.body.secret as string;
    kassa.rememberSecret(secret);
    expect(secret).not.toBe(endpoint.secret);
    expect(rotated.body.previousSecretExpiresAt).not.toBeNull();
    await payOrder(kassa, token);
    await kassa.runWebhookJobs();
    const [request] = hook.received;
    expect(String(request?.headers["webhook-signature"]).split(" ")).toHaveLength(2);
    expect(verified(secret, request!).type).toBe("order.paid");
    expect(verified(endpoint.secret, request!).type).toBe("order.paid");
  });

  it("sends a change of URL's next attempt to the new URL, and a deleted endpoint is gone", async () => {
    const first = await receiver();
    const second = await receiver();
    const endpoint = await endpointAt(first.url);
    const changed = await merchant("POST", `/webhook-endpoints/${endpoint.id}`, { url: second.url });
    expect(changed.body).toMatchObject({ url: second.url });
    await payOrder(kassa, token);
    await kassa.runWebhookJobs();
    expect([first.received.length, second.received.length]).toEqual([0, 1]);

    expect((await merchant("POST", `/webhook-endpoints/${endpoint.id}/delete`)).body).toEqual({
      id: endpoint.id,
      deleted: true,
    });
    expect((await merchant("GET", `/webhook-endpoints/${endpoint.id}`)).body).toMatchObject({
      code: "WEBHOOK_ENDPOINT_NOT_FOUND",
    });
    await payOrder(kassa, token);
    await kassa.runWebhookJobs();
    expect(second.received).toHaveLength(1);
  });

  it("shows another app's key none of this app's endpoints or deliveries", async () => {
    const hook = await receiver();
    const endpoint = await endpointAt(hook.url);
    const other = (await makeApiKey(kassa, { app: await makeOtherApp(kassa) })).secret;
    const asOther = (method: string, path: string) =>
      kassa.request(method, `/merchant/v1${path}`, { headers: { authorization: `Bearer ${other}` } });
    expect(((await asOther("GET", "/webhook-endpoints")).body as Body).data).toEqual([]);
    for (const [method, path] of [
      ["GET", `/webhook-endpoints/${endpoint.id}`],
      ["GET", `/webhook-endpoints/${endpoint.id}/deliveries`],
      ["POST", `/webhook-endpoints/${endpoint.id}/disable`],
      ["POST", `/webhook-endpoints/${endpoint.id}/rotate-secret`],
    ] as const)
      expect((await asOther(method, path)).body, `${method} ${path}`).toMatchObject({
        code: "WEBHOOK_ENDPOINT_NOT_FOUND",
      });
    expect((await merchant("GET", `/webhook-endpoints/${endpoint.id}`)).body).toMatchObject({
      enabled: true,
    });
  });
});
