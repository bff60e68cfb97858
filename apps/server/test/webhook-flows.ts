import { Webhook } from "standardwebhooks";
import { expect } from "vitest";
import { createEndpoint } from "../src/app/webhooks/endpoints.ts";
import { inTransaction } from "../src/db/transaction.ts";
import type { EventFilter } from "../src/domain/webhooks.ts";
import type { KassaUnderTest } from "./kassa-harness.ts";
import { payAtSimulator } from "./pay-order.ts";
import { type Received, WebhookReceiver } from "./webhook-receiver.ts";

/** What the flow tests of webhooks share: real orders through the simulator, endpoints, checks. */

export interface Message {
  id: string;
  type: string;
  createdAt: string;
  sequence: number;
  data: { orderId: string; order: { id: string; status: string; userId: string } } & Record<string, unknown>;
}

/** An endpoint made by the use case the merchant API calls; its secret is remembered for the log scan. */
export async function addEndpoint(
  kassa: KassaUnderTest,
  input: { url: string; eventTypes?: EventFilter; appId?: string },
): Promise<{ id: string; secret: string }> {
  const deps = kassa.running.kassa.deps;
  const created = await inTransaction(deps.db, (trx) =>
    createEndpoint(deps, trx, {
      appId: input.appId ?? "app_default",
      url: input.url,
      eventTypes: input.eventTypes ?? "*",
      description: "test receiver",
      enabled: true,
    }),
  );
  kassa.rememberSecret(created.secret);
  return { id: created.id, secret: created.secret };
}

/** An order paid at the simulator's cashier, as a payer pays; resolves once Kassa has applied it. */
export async function payOrder(kassa: KassaUnderTest, token: string): Promise<string> {
  const id = await makeOrder(kassa, token);
  await payAtSimulator(kassa, token, id);
  return id;
}

export async function makeOrder(kassa: KassaUnderTest, token: string): Promise<string> {
  const answer = await kassa.request("POST", "/v1/orders", {
    token,
    body: { items: [{ productId: "prd_oolong_tea", quantity: 1 }] },
  });
  expect(answer.status).toBe(201);
  return (answer.body as { id: string }).id;
}

/** An order the payer cancels: its `order.closed` event. */
export async function cancelOrder(kassa: KassaUnderTest, token: string): Promise<string> {
  const id = await makeOrder(kassa, token);
  expect((await kassa.request("POST", `/v1/orders/${id}/cancel`, { token })).status).toBe(200);
  return id;
}

/** Verified by the official package with this secret (throws otherwise); the parsed message. */
export function verified(secret: string, request: Received): Message {
  return new Webhook(secret).verify(request.body, request.headers as Record<string, string>) as Message;
}

/** Advance Kassa's (the simulator's) clock in steps, running every delivery due at each. */
export async function advanceAndDeliver(
  kassa: KassaUnderTest,
  totalMs: number,
  stepMs: number,
): Promise<void> {
  for (let passed = 0; passed < totalMs; passed += stepMs) {
    await kassa.sandbox.admin.advanceClock(Math.min(stepMs, totalMs - passed));
    await kassa.runWebhookJobs();
  }
}

/** The outbox events of the app, as the database has them. */
export async function eventIds(kassa: KassaUnderTest): Promise<string[]> {
  const rows = await kassa.running.kassa.deps.db
    .selectFrom("outbox_events")
    .select("id")
    .orderBy("seq")
    .execute();
  return rows.map((row) => row.id);
}

/**
 * The receivers a test file starts, and the clean-up between its tests: every endpoint stops
 * taking events (so the next test sees only its own) and every receiver goes down.
 */
export class ReceiverPool {
  readonly #started: WebhookReceiver[] = [];

  async start(): Promise<WebhookReceiver> {
    const started = await WebhookReceiver.start();
    this.#started.push(started);
    return started;
  }

  async endTest(kassa: KassaUnderTest): Promise<void> {
    await kassa.running.kassa.deps.db.updateTable("webhook_endpoints").set({ enabled: 0 }).execute();
    for (const receiver of this.#started.splice(0)) await receiver.down();
  }
}
