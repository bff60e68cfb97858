import { crashPoint } from "../../crash-point.ts";
import { inTransaction } from "../../db/transaction.ts";
import { deliveryToSend, insertAttempt, settleDelivery } from "../../db/webhook-deliveries-repo.ts";
import {
  disableEndpointBecause,
  markEndpointFailing,
  markEndpointHealthy,
} from "../../db/webhook-endpoints-repo.ts";
import { makeId } from "../../domain/ids.ts";
import { ENDPOINT_DISABLE_AFTER_MS, meaningOf, nextAttemptDelay } from "../../domain/webhooks.ts";
import { type SendResult, sendWebhook } from "../../webhooks/sender.ts";
import { webhookHeaders } from "../../webhooks/signing.ts";
import { raiseAlert } from "../alerting/raise-alert.ts";
import type { AppDeps } from "../deps.ts";
import { webhookMessage } from "./message.ts";
import { signingSecrets } from "./secrets.ts";
import { MAX_IN_FLIGHT_PER_ENDPOINT } from "./webhook-deps.ts";

type ToSend = NonNullable<Awaited<ReturnType<typeof deliveryToSend>>>;

/** When the delivery's job runs next (null: it is done), and why. */
export interface AttemptOutcome {
  runAgainAt: number | null;
  note: string;
}

const DONE: AttemptOutcome = { runAgainAt: null, note: "done" };
/** A job that found its endpoint at its in-flight cap looks again this much later. */
const BUSY_RETRY_MS = 500;

/**
 * One attempt of one delivery (the `webhook.deliver` job): sign, send, record (issue 11).
 * No transaction is open while the request is out (design.md convention 3); a worker that
 * dies in between leaves the job to be claimed again when its lease lapses, so a receiver
 * may see an event twice (at least once; it deduplicates on `webhook-id`), never lose one.
 */
export async function attemptDelivery(deps: AppDeps, deliveryId: string): Promise<AttemptOutcome> {
  const found = await deliveryToSend(deps.db, deliveryId);
  if (found?.delivery.status !== "pending") return DONE;
  const { endpoint } = found;
  if (endpoint.deleted_at !== null || endpoint.enabled !== 1) {
    await settleDelivery(deps.db, {
      deliveryId,
      set: {
        status: "cancelled",
        next_attempt_at: null,
        last_error: endpoint.deleted_at !== null ? "the endpoint was deleted" : "the endpoint is disabled",
        updated_at: deps.clock.now(),
      },
    });
    return DONE;
  }
  const inFlight = deps.webhooks.inFlight;
  const busy = inFlight.get(endpoint.id) ?? 0;
  if (busy >= MAX_IN_FLIGHT_PER_ENDPOINT)
    return { runAgainAt: deps.clock.now() + BUSY_RETRY_MS, note: "endpoint at its in-flight cap" };
  inFlight.set(endpoint.id, busy + 1);
  try {
    const startedAt = deps.clock.now();
    const started = performance.now();
    const result = await send(deps, found, startedAt);
    if (result.kind === "answered") crashPoint("webhook.delivered");
    return await record(deps, found, {
      result,
      startedAt,
      latencyMs: Math.round(performance.now() - started),
    });
  } finally {
    const left = (inFlight.get(endpoint.id) ?? 1) - 1;
    if (left > 0) inFlight.set(endpoint.id, left);
    else inFlight.delete(endpoint.id);
  }
}

async function send(deps: AppDeps, { endpoint, event }: ToSend, now: number): Promise<SendResult> {
  const secrets = signingSecrets(deps.webhooks.secretBox, endpoint, now);
  // Nothing goes out unsigned: without its secrets the attempt fails and is retried.
  if (!secrets.ok) return { kind: "failed", error: secrets.error, timedOut: false };
  const body = JSON.stringify(webhookMessage(event));
  const timestamp = Math.floor(deps.webhooks.wallClock.now() / 1000);
  return sendWebhook({
    url: endpoint.url,
    headers: webhookHeaders(secrets.secrets, { id: event.id, timestamp, body }),
    body,
    timeoutMs: deps.webhooks.timeoutMs,
    allowLoopback: deps.webhooks.mode === "demo",
  });
}

async function record(
  deps: AppDeps,
  { delivery, endpoint }: ToSend,
  attempt: { result: SendResult; startedAt: number; latencyMs: number },
): Promise<AttemptOutcome> {
  const { result, startedAt } = attempt;
  const status = result.kind === "answered" ? result.status : null;
  const meaning = status === null ? "retry" : meaningOf(status);
  const error =
    result.kind === "answered" ? (meaning === "delivered" ? null : `answered ${status}`) : result.error;
  const now = deps.clock.now();
  const delay =
    meaning === "retry"
      ? nextAttemptDelay(delivery.step, Math.random(), {
          overloaded: status === 429 || (result.kind === "failed" && result.timedOut),
          retryAfterMs: result.kind === "answered" ? result.retryAfterMs : undefined,
        })
      : undefined;
  const settled = {
    attempt_count: delivery.attempt_count + 1,
    last_attempt_at: startedAt,
    last_status_code: status,
    last_error: error,
    replay_requested_at: null,
    updated_at: now,
  };
  const nextAt = delay === undefined ? null : now + delay;
  await inTransaction(deps.db, async (trx) => {
    await insertAttempt(trx, {
      id: makeId("webhookAttempt", deps.ids),
      delivery_id: delivery.id,
      endpoint_id: endpoint.id,
      trigger: delivery.replay_requested_at === null ? "scheduled" : "replay",
      url: endpoint.url,
      started_at: startedAt,
      latency_ms: attempt.latencyMs,
      status_code: status,
      response_excerpt: result.kind === "answered" ? result.excerpt : null,
      error,
      succeeded: meaning === "delivered" ? 1 : 0,
    });
    if (meaning === "delivered") {
      await settleDelivery(trx, {
        deliveryId: delivery.id,
        set: { ...settled, status: "succeeded", succeeded_at: now, next_attempt_at: null },
      });
      await markEndpointHealthy(trx, endpoint.id);
      return;
    }
    await settleDelivery(trx, {
      deliveryId: delivery.id,
      set: {
        ...settled,
        status: nextAt === null ? "failed" : "pending",
        step: delivery.step + 1,
        next_attempt_at: nextAt,
      },
    });
    const failingSince = await markEndpointFailing(trx, endpoint.id, startedAt);
    const reason =
      meaning === "gone" ? "gone" : now - failingSince >= ENDPOINT_DISABLE_AFTER_MS ? "failing" : undefined;
    if (reason && (await disableEndpointBecause(trx, { endpointId: endpoint.id, reason, now }))) {
      deps.log.warn({ endpointId: endpoint.id, appId: endpoint.app_id, reason }, "webhook endpoint disabled");
      await raiseAlert(deps, trx, {
        kind: "webhook_endpoint_disabled",
        subjectId: endpoint.id,
        appId: endpoint.app_id,
        detail: { appId: endpoint.app_id, reason, failingSince, lastError: error },
      });
    }
  });
  if (meaning !== "delivered")
    deps.log.info(
      { deliveryId: delivery.id, endpointId: endpoint.id, attempt: settled.attempt_count, error, nextAt },
      "webhook attempt failed",
    );
  return nextAt === null ? DONE : { runAgainAt: nextAt, note: error ?? "retry" };
}
