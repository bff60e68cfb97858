import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createTestDatabase, type TestDatabase } from "../../test/database.ts";
import type { OrderSnapshot } from "../domain/events.ts";
import { appendOutboxEvent } from "./events-repo.ts";
import { inTransaction } from "./transaction.ts";

/**
 * appendOutboxEvent: the object's sequence number, and the event's deliveries to the app's
 * endpoints, written in the event's own transaction. SQLite and PostgreSQL.
 */
let database: TestDatabase;
const T = 1_764_000_000_000;
const order = { id: "ord_1", status: "CLOSED" } as OrderSnapshot;

beforeAll(async () => {
  database = await createTestDatabase();
  const endpoint = (id: string, types: string, enabled: number) => ({
    id,
    app_id: "app_default",
    url: "http://127.0.0.1:9/hook",
    description: "",
    event_types: types,
    enabled,
    disabled_reason: null,
    secret_sealed: "v1.x",
    secret_fingerprint: "sha256:0",
    previous_secret_sealed: null,
    previous_secret_expires_at: null,
    failing_since: null,
    created_at: T,
    updated_at: T,
    deleted_at: null,
  });
  await database.db
    .insertInto("webhook_endpoints")
    .values([endpoint("whe_all", "*", 1), endpoint("whe_paid", "order.paid", 1), endpoint("whe_off", "*", 0)])
    .execute();
});
afterAll(async () => {
  await database?.close();
});

const closed = (id: string, orderId: string) =>
  ({
    id,
    appId: "app_default",
    type: "order.closed",
    aggregateId: orderId,
    payload: { orderId, reason: "cancel", order },
    now: T,
  }) as const;

describe("appendOutboxEvent", () => {
  it("numbers an object's events 1, 2, 3, apart from other objects'", async () => {
    for (const [id, orderId] of [
      ["evt_1", "ord_1"],
      ["evt_2", "ord_2"],
      ["evt_3", "ord_1"],
      ["evt_4", "ord_1"],
    ] as const)
      await inTransaction(database.db, (trx) => appendOutboxEvent(trx, closed(id, orderId)));
    const rows = await database.db
      .selectFrom("outbox_events")
      .select(["id", "aggregate_seq"])
      .orderBy("seq")
      .execute();
    expect(rows.map((row) => row.aggregate_seq)).toEqual([1, 1, 2, 3]);
  });

  it("makes one delivery and one job per enabled endpoint that takes the type, due now", async () => {
    const deliveries = await database.db
      .selectFrom("webhook_deliveries")
      .selectAll()
      .where("event_id", "=", "evt_1")
      .execute();
    expect(deliveries.map((d) => d.endpoint_id)).toEqual(["whe_all"]);
    expect(deliveries[0]).toMatchObject({ status: "pending", step: 0, attempt_count: 0, next_attempt_at: T });
    const jobs = await database.db
      .selectFrom("jobs")
      .selectAll()
      .where("dedupe_key", "=", `webhook:${deliveries[0]?.id}`)
      .execute();
    expect(jobs).toMatchObject([{ kind: "webhook.deliver", queue: "webhooks", run_at: T }]);
  });

  it("leaves neither the event nor its deliveries when the change's transaction rolls back", async () => {
    await expect(
      inTransaction(database.db, async (trx) => {
        await appendOutboxEvent(trx, closed("evt_rolled_back", "ord_9"));
        throw new Error("the change failed after its event was written");
      }),
    ).rejects.toThrow(/change failed/);
    expect(
      await database.db.selectFrom("outbox_events").where("id", "=", "evt_rolled_back").selectAll().execute(),
    ).toEqual([]);
    expect(
      await database.db
        .selectFrom("webhook_deliveries")
        .where("event_id", "=", "evt_rolled_back")
        .selectAll()
        .execute(),
    ).toEqual([]);
  });
});
