import { createHash } from "node:crypto";
import { jobPlacement } from "../app/jobs.ts";
import { filterTakes } from "../domain/webhooks.ts";
import { randomIdSource } from "../random-ids.ts";
import type { Executor } from "./executor.ts";
import { scheduleJob } from "./jobs-repo.ts";
import type { WebhookAttemptsTable, WebhookDeliveriesTable } from "./schema.ts";

export type DeliveryRow = { [K in keyof WebhookDeliveriesTable]: WebhookDeliveriesTable[K] };
export type AttemptRow = { [K in keyof WebhookAttemptsTable]: WebhookAttemptsTable[K] };

const BASE32 = "0123456789abcdefghjkmnpqrstvwxyz";

/**
 * A delivery's id follows from its event and endpoint, so the pair has one id wherever it is
 * made (fan-out, replay) and a second fan-out of the same event is the same row.
 */
export function deliveryIdOf(eventId: string, endpointId: string): string {
  const digest = createHash("sha256").update(`${eventId}\n${endpointId}`).digest();
  let out = "";
  for (const byte of digest.subarray(0, 26)) out += BASE32[byte & 31];
  return `whd_${out}`;
}

/**
 * Fan an event out to its app's enabled endpoints that take its type: a delivery row and a
 * job each, in the event's own transaction (called by appendOutboxEvent). A dispatcher that
 * read events after they commit would have to follow `seq`, which PostgreSQL takes at insert,
 * not at commit, and could pass an event whose transaction commits late; here no event is
 * committed without its deliveries, and none is skipped.
 */
export async function fanOutEvent(
  db: Executor,
  event: { id: string; appId: string; type: string; now: number },
): Promise<void> {
  const endpoints = await db
    .selectFrom("webhook_endpoints")
    .select(["id", "event_types"])
    .where("app_id", "=", event.appId)
    .where("enabled", "=", 1)
    .where("deleted_at", "is", null)
    .execute();
  const takers = endpoints.filter((endpoint) => filterTakes(endpoint.event_types, event.type));
  for (const endpoint of takers)
    await queueDelivery(db, {
      appId: event.appId,
      eventId: event.id,
      endpointId: endpoint.id,
      now: event.now,
    });
}

/**
 * A delivery of this event to this endpoint, due now: made if there is none, sent again from
 * the start of the schedule if there is (a replay). Returns its id.
 */
export async function queueDelivery(
  db: Executor,
  input: { appId: string; eventId: string; endpointId: string; now: number; replay?: boolean },
): Promise<string> {
  const id = deliveryIdOf(input.eventId, input.endpointId);
  const due = {
    status: "pending",
    step: 0,
    next_attempt_at: input.now,
    replay_requested_at: input.replay ? input.now : null,
    updated_at: input.now,
  };
  await db
    .insertInto("webhook_deliveries")
    .values({
      id,
      app_id: input.appId,
      endpoint_id: input.endpointId,
      event_id: input.eventId,
      attempt_count: 0,
      last_attempt_at: null,
      last_status_code: null,
      last_error: null,
      succeeded_at: null,
      created_at: input.now,
      ...due,
    })
    .onConflict((conflict) =>
      input.replay
        ? conflict.columns(["endpoint_id", "event_id"]).doUpdateSet(due)
        : conflict.columns(["endpoint_id", "event_id"]).doNothing(),
    )
    .execute();
  const payload = { deliveryId: id };
  await scheduleJob(db, {
    id: `job_${randomIdSource.random()}`,
    kind: "webhook.deliver",
    ...jobPlacement("webhook.deliver", payload),
    payload,
    runAt: input.now,
    now: input.now,
  });
  return id;
}

/** What one attempt needs: the delivery, its endpoint and its event. */
export async function deliveryToSend(db: Executor, deliveryId: string) {
  const delivery = await db
    .selectFrom("webhook_deliveries")
    .selectAll()
    .where("id", "=", deliveryId)
    .executeTakeFirst();
  if (!delivery) return undefined;
  const endpoint = await db
    .selectFrom("webhook_endpoints")
    .selectAll()
    .where("id", "=", delivery.endpoint_id)
    .executeTakeFirstOrThrow();
  const event = await db
    .selectFrom("outbox_events")
    .select(["id", "type", "payload", "created_at", "aggregate_seq"])
    .where("id", "=", delivery.event_id)
    .executeTakeFirstOrThrow();
  return { delivery, endpoint, event };
}

export async function insertAttempt(db: Executor, row: AttemptRow): Promise<void> {
  await db.insertInto("webhook_attempts").values(row).execute();
}

/** Move a pending delivery on; false if it is no longer pending (nothing written). */
export async function settleDelivery(
  db: Executor,
  input: { deliveryId: string; set: Partial<DeliveryRow> },
): Promise<boolean> {
  const result = await db
    .updateTable("webhook_deliveries")
    .set(input.set)
    .where("id", "=", input.deliveryId)
    .where("status", "=", "pending")
    .executeTakeFirst();
  return result.numUpdatedRows === 1n;
}

/** An endpoint's deliveries, newest first, after a (created_at, id) position. */
export function listDeliveriesOfEndpoint(
  db: Executor,
  query: {
    endpointId: string;
    status: string | undefined;
    before: { createdAt: number; id: string } | undefined;
    limit: number;
  },
) {
  let rows = db
    .selectFrom("webhook_deliveries as d")
    .innerJoin("outbox_events as e", "e.id", "d.event_id")
    .selectAll("d")
    .select("e.type as event_type")
    .where("d.endpoint_id", "=", query.endpointId);
  if (query.status) rows = rows.where("d.status", "=", query.status);
  const before = query.before;
  if (before)
    rows = rows.where((eb) =>
      eb.or([
        eb("d.created_at", "<", before.createdAt),
        eb.and([eb("d.created_at", "=", before.createdAt), eb("d.id", "<", before.id)]),
      ]),
    );
  return rows.orderBy("d.created_at", "desc").orderBy("d.id", "desc").limit(query.limit).execute();
}

export function findDeliveryOfEndpoint(db: Executor, endpointId: string, deliveryId: string) {
  return db
    .selectFrom("webhook_deliveries as d")
    .innerJoin("outbox_events as e", "e.id", "d.event_id")
    .selectAll("d")
    .select("e.type as event_type")
    .where("d.id", "=", deliveryId)
    .where("d.endpoint_id", "=", endpointId)
    .executeTakeFirst();
}

/** A delivery's attempts, newest first. */
export function attemptsOfDelivery(db: Executor, deliveryId: string, limit: number) {
  return db
    .selectFrom("webhook_attempts")
    .selectAll()
    .where("delivery_id", "=", deliveryId)
    .orderBy("started_at", "desc")
    .orderBy("id", "desc")
    .limit(limit)
    .execute();
}

/** An app's events of a time range, oldest first (a replay's range). */
export function eventsOfAppBetween(
  db: Executor,
  query: { appId: string; from: number; to: number; limit: number },
) {
  return db
    .selectFrom("outbox_events")
    .select(["id", "type", "created_at"])
    .where("app_id", "=", query.appId)
    .where("created_at", ">=", query.from)
    .where("created_at", "<", query.to)
    .orderBy("created_at")
    .orderBy("seq")
    .limit(query.limit)
    .execute();
}

/** An endpoint's attempts after a position, oldest first, with their event (`kassa listen` prints them). */
export function attemptsOfEndpointAfter(
  db: Executor,
  query: { endpointId: string; after: { startedAt: number; id: string } | undefined; limit: number },
) {
  let rows = db
    .selectFrom("webhook_attempts as a")
    .innerJoin("webhook_deliveries as d", "d.id", "a.delivery_id")
    .innerJoin("outbox_events as e", "e.id", "d.event_id")
    .selectAll("a")
    .select(["e.id as event_id", "e.type as event_type"])
    .where("a.endpoint_id", "=", query.endpointId);
  const after = query.after;
  if (after)
    rows = rows.where((eb) =>
      eb.or([
        eb("a.started_at", ">", after.startedAt),
        eb.and([eb("a.started_at", "=", after.startedAt), eb("a.id", ">", after.id)]),
      ]),
    );
  return rows.orderBy("a.started_at").orderBy("a.id").limit(query.limit).execute();
}
