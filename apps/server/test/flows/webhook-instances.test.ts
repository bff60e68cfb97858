import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { KassaUnderTest } from "../kassa-harness.ts";
import { addEndpoint, cancelOrder, eventIds, verified } from "../webhook-flows.ts";
import { WebhookReceiver } from "../webhook-receiver.ts";

/**
 * Issue 11: three Kassa instances on one database run their webhook workers at once. Each
 * attempt of the schedule goes out once: a receiver that fails every event's first attempt
 * and takes its second sees each event exactly twice, however the instances split the work
 * (claims by compare-and-set, SKIP LOCKED on PostgreSQL). SQLite and PostgreSQL.
 */
let instances: KassaUnderTest[];
let hook: WebhookReceiver;

beforeAll(async () => {
  const first = await KassaUnderTest.start();
  instances = [
    first,
    await KassaUnderTest.startSecondInstance(first),
    await KassaUnderTest.startSecondInstance(first),
  ];
  hook = await WebhookReceiver.start();
}, 60_000); // three Kassa starts: more than the default 10 s when the machine is busy
afterAll(async () => {
  await hook?.down();
  for (const instance of [...(instances ?? [])].reverse()) await instance.close();
});

/** Every instance's webhook worker at once, until none finds anything due. */
async function runAllWorkers(): Promise<void> {
  for (;;) {
    const ran = await Promise.all(
      instances.map((instance) => instance.running.kassa.webhookWorker.runDueJobs()),
    );
    if (ran.every((count) => count === 0)) return;
  }
}

describe("three instances delivering webhooks", () => {
  it("send each attempt of each event once, whichever instance claims it", async () => {
    const [first] = instances as [KassaUnderTest];
    const endpoint = await addEndpoint(first, { url: hook.url });
    const seen = new Set<string>();
    hook.answer = (request) => {
      const id = String(request.headers["webhook-id"]);
      if (seen.has(id)) return { status: 204 };
      seen.add(id);
      return { status: 503 };
    };
    const before = new Set(await eventIds(first));
    for (let n = 0; n < 12; n += 1) {
      const instance = instances[n % 3] as KassaUnderTest;
      await cancelOrder(instance, await instance.login());
    }
    // Each instance has at most 4 requests to one endpoint in flight; the rest wait 500 ms.
    for (let second = 0; second < 20; second += 1) {
      await runAllWorkers();
      await first.sandbox.admin.advanceClock(1_000);
    }

    const events = (await eventIds(first)).filter((id) => !before.has(id));
    expect(events).toHaveLength(12);
    const counts = new Map<string, number>();
    for (const id of hook.ids()) counts.set(id, (counts.get(id) ?? 0) + 1);
    expect([...counts.keys()].sort()).toEqual([...events].sort());
    expect([...counts.values()]).toEqual(Array(12).fill(2));
    for (const request of hook.received) verified(endpoint.secret, request);

    const db = first.running.kassa.deps.db;
    const deliveries = await db
      .selectFrom("webhook_deliveries")
      .selectAll()
      .where("endpoint_id", "=", endpoint.id)
      .execute();
    expect(deliveries.map((d) => [d.status, d.attempt_count])).toEqual(Array(12).fill(["succeeded", 2]));
    const attempts = await db
      .selectFrom("webhook_attempts")
      .selectAll()
      .where("endpoint_id", "=", endpoint.id)
      .execute();
    expect(attempts.map((a) => a.status_code).sort()).toEqual([
      ...Array(12).fill(204),
      ...Array(12).fill(503),
    ]);
    expect(await db.selectFrom("jobs").selectAll().where("queue", "=", "webhooks").execute()).toEqual([]);
  });
});
