import type { Executor } from "../../db/executor.ts";
import {
  type AttemptRow,
  attemptsOfDelivery,
  type DeliveryRow,
  eventsOfAppBetween,
  findDeliveryOfEndpoint,
  listDeliveriesOfEndpoint,
  queueDelivery,
} from "../../db/webhook-deliveries-repo.ts";
import { type EndpointRow, findEndpointOfApp } from "../../db/webhook-endpoints-repo.ts";
import { KassaError } from "../../domain/errors.ts";
import { filterTakes } from "../../domain/webhooks.ts";
import type { AppDeps } from "../deps.ts";
import { decodeCursor, pageOfRows } from "../page-cursor.ts";

/**
 * What the merchant sees of webhook deliveries (issue 11: replay, and the console later):
 * one delivery per event and endpoint, its attempts, and the two replays: one delivery, or
 * every event an endpoint takes within a time range. A replay starts the delivery's
 * schedule again from its first attempt; the receiver gets the same `webhook-id`, so its
 * deduplication drops what it already had (docs/webhooks.md).
 */

export interface DeliveryView {
  id: string;
  endpointId: string;
  eventId: string;
  eventType: string;
  /** `pending`, `succeeded`, `failed` (the whole schedule failed) or `cancelled` (endpoint off). */
  status: string;
  attemptCount: number;
  nextAttemptAt: string | null;
  lastAttemptAt: string | null;
  lastStatusCode: number | null;
  lastError: string | null;
  succeededAt: string | null;
  createdAt: string;
}

export interface AttemptView {
  id: string;
  trigger: string;
  url: string;
  startedAt: string;
  latencyMs: number;
  statusCode: number | null;
  responseExcerpt: string | null;
  error: string | null;
  succeeded: boolean;
}

/** The most events one replay-since call queues; `nextSince` says where to go on. */
export const MAX_EVENTS_PER_REPLAY = 1_000;
/** Attempts shown with a delivery: a whole schedule is ten, so replays fit beside it. */
const ATTEMPTS_SHOWN = 50;
const DELIVERY_ID = /^whd_[0-9a-z]{26}$/;

const iso = (ms: number | null) => (ms === null ? null : new Date(ms).toISOString());

function viewDelivery(row: DeliveryRow & { event_type: string }): DeliveryView {
  return {
    id: row.id,
    endpointId: row.endpoint_id,
    eventId: row.event_id,
    eventType: row.event_type,
    status: row.status,
    attemptCount: row.attempt_count,
    nextAttemptAt: row.status === "pending" ? iso(row.next_attempt_at) : null,
    lastAttemptAt: iso(row.last_attempt_at),
    lastStatusCode: row.last_status_code,
    lastError: row.last_error,
    succeededAt: iso(row.succeeded_at),
    createdAt: new Date(row.created_at).toISOString(),
  };
}

function viewAttempt(row: AttemptRow): AttemptView {
  return {
    id: row.id,
    trigger: row.trigger,
    url: row.url,
    startedAt: new Date(row.started_at).toISOString(),
    latencyMs: row.latency_ms,
    statusCode: row.status_code,
    responseExcerpt: row.response_excerpt,
    error: row.error,
    succeeded: row.succeeded === 1,
  };
}

async function endpointOf(db: Executor, appId: string, endpointId: string): Promise<EndpointRow> {
  const endpoint = await findEndpointOfApp(db, appId, endpointId);
  if (!endpoint) throw new KassaError("WEBHOOK_ENDPOINT_NOT_FOUND");
  return endpoint;
}

/** A replay sends now; an endpoint that is off would cancel it unsent, so it is refused instead. */
async function enabledEndpointOf(db: Executor, appId: string, endpointId: string): Promise<EndpointRow> {
  const endpoint = await endpointOf(db, appId, endpointId);
  if (endpoint.enabled !== 1) throw new KassaError("WEBHOOK_ENDPOINT_DISABLED");
  return endpoint;
}

export async function listDeliveries(
  deps: AppDeps,
  query: {
    appId: string;
    endpointId: string;
    status?: string | undefined;
    cursor?: string | undefined;
    limit: number;
  },
): Promise<{ data: DeliveryView[]; hasMore: boolean; nextCursor: string | null }> {
  await endpointOf(deps.db, query.appId, query.endpointId);
  const rows = await listDeliveriesOfEndpoint(deps.db, {
    endpointId: query.endpointId,
    status: query.status,
    before: query.cursor === undefined ? undefined : decodeCursor(query.cursor, DELIVERY_ID),
    limit: query.limit + 1,
  });
  const { page, nextCursor } = pageOfRows(rows, query.limit, (row) => ({
    createdAt: row.created_at,
    id: row.id,
  }));
  return {
    data: page.map(viewDelivery),
    hasMore: rows.length > query.limit,
    nextCursor,
  };
}

export async function getDelivery(
  deps: AppDeps,
  input: { appId: string; endpointId: string; deliveryId: string },
): Promise<DeliveryView & { attempts: AttemptView[] }> {
  await endpointOf(deps.db, input.appId, input.endpointId);
  const row = await findDeliveryOfEndpoint(deps.db, input.endpointId, input.deliveryId);
  if (!row) throw new KassaError("WEBHOOK_DELIVERY_NOT_FOUND");
  const attempts = await attemptsOfDelivery(deps.db, row.id, ATTEMPTS_SHOWN);
  return { ...viewDelivery(row), attempts: attempts.map(viewAttempt) };
}

/** Send one delivery again, now, from the first step of its schedule (also one that succeeded). */
export async function replayDelivery(
  deps: AppDeps,
  trx: Executor,
  input: { appId: string; endpointId: string; deliveryId: string },
): Promise<DeliveryView> {
  await enabledEndpointOf(trx, input.appId, input.endpointId);
  const row = await findDeliveryOfEndpoint(trx, input.endpointId, input.deliveryId);
  if (!row) throw new KassaError("WEBHOOK_DELIVERY_NOT_FOUND");
  await queueDelivery(trx, {
    appId: input.appId,
    eventId: row.event_id,
    endpointId: row.endpoint_id,
    now: deps.clock.now(),
    replay: true,
  });
  const queued = await findDeliveryOfEndpoint(trx, input.endpointId, input.deliveryId);
  return viewDelivery(queued ?? row);
}

/**
 * Every event of the app in [since, until) that the endpoint takes, sent again (or for the
 * first time: an endpoint made today can be given yesterday's events). At most
 * MAX_EVENTS_PER_REPLAY per call; when there were more, `nextSince` is the time to call again
 * from (events of that very millisecond may come twice: the receiver deduplicates on
 * `webhook-id`).
 */
export async function replayEndpointSince(
  deps: AppDeps,
  trx: Executor,
  input: { appId: string; endpointId: string; since: number; until: number | undefined },
): Promise<{ queued: number; since: string; until: string; nextSince: string | null }> {
  const endpoint = await enabledEndpointOf(trx, input.appId, input.endpointId);
  const now = deps.clock.now();
  const until = Math.min(input.until ?? now, now);
  if (input.since >= until)
    throw new KassaError("REQUEST_INVALID", {
      issues: [
        { field: "body/since", issue: "must be before `until` (or before now when `until` is left out)" },
      ],
    });
  const events = await eventsOfAppBetween(trx, {
    appId: input.appId,
    from: input.since,
    to: until,
    limit: MAX_EVENTS_PER_REPLAY,
  });
  let queued = 0;
  for (const event of events) {
    if (!filterTakes(endpoint.event_types, event.type)) continue;
    await queueDelivery(trx, {
      appId: input.appId,
      eventId: event.id,
      endpointId: endpoint.id,
      now,
      replay: true,
    });
    queued += 1;
  }
  const last = events.at(-1);
  return {
    queued,
    since: new Date(input.since).toISOString(),
    until: new Date(until).toISOString(),
    nextSince:
      events.length === MAX_EVENTS_PER_REPLAY && last ? new Date(last.created_at).toISOString() : null,
  };
}
