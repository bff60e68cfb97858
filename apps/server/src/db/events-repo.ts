import type { EventType, OutboxEvent } from "../domain/events.ts";
import type { Executor } from "./executor.ts";
import { fanOutEvent } from "./webhook-deliveries-repo.ts";

/**
 * Record a channel notification id. Run it in the transaction that applies the
 * notification: the primary key makes a second delivery a no-op (exactly once, §4.6).
 * Returns false when this id was already recorded.
 */
export async function recordNotification(
  db: Executor,
  row: {
    notificationId: string;
    channel: string;
    eventType: string;
    outTradeNo: string;
    outcome: string;
    now: number;
  },
): Promise<boolean> {
  const result = await db
    .insertInto("channel_notifications")
    .values({
      notification_id: row.notificationId,
      channel: row.channel,
      event_type: row.eventType,
      out_trade_no: row.outTradeNo,
      outcome: row.outcome,
      received_at: row.now,
    })
    .onConflict((conflict) => conflict.column("notification_id").doNothing())
    .executeTakeFirst();
  return result.numInsertedOrUpdatedRows === 1n;
}

/**
 * An outbox event for merchant webhooks, written in the transaction of the change it
 * reports, with its deliveries to the app's endpoints (webhook-deliveries-repo.ts).
 *
 * `aggregate_seq` numbers the object's events 1, 2, ... (the webhook's `sequence`). Call this
 * after the change's compare-and-set UPDATE of the object's row: that row lock orders the
 * object's writers, so each reads the number the one before it committed. The unique index
 * (migration 0009) refuses a duplicate number rather than letting one through.
 */
export async function appendOutboxEvent<T extends EventType>(
  db: Executor,
  event: OutboxEvent<T>,
): Promise<void> {
  const last = await db
    .selectFrom("outbox_events")
    .select((eb) => eb.fn.max("aggregate_seq").as("seq"))
    .where("aggregate_id", "=", event.aggregateId)
    .executeTakeFirst();
  await db
    .insertInto("outbox_events")
    .values({
      id: event.id,
      app_id: event.appId,
      type: event.type,
      aggregate_id: event.aggregateId,
      aggregate_seq: Number(last?.seq ?? 0) + 1,
      payload: JSON.stringify(event.payload),
      created_at: event.now,
      published_at: null,
    })
    .execute();
  await fanOutEvent(db, { id: event.id, appId: event.appId, type: event.type, now: event.now });
}
