import { setTimeout as sleep } from "node:timers/promises";
import { parseArgs } from "node:util";
import type { Executor } from "../../db/executor.ts";
import { inTransaction } from "../../db/transaction.ts";
import { attemptsOfEndpointAfter } from "../../db/webhook-deliveries-repo.ts";
import { KassaError } from "../../domain/errors.ts";
import { EVENT_TYPES, type EventType } from "../../domain/events.ts";
import type { IdSource } from "../../domain/ids.ts";
import type { EventFilter } from "../../domain/webhooks.ts";
import { createEndpoint, deleteEndpoint, type EndpointMakerDeps } from "./endpoints.ts";

export const LISTEN_USAGE = `Usage:
  npm run kassa -- listen --forward-to <url> [--app <appId>] [--events order.paid,order.closed]

Makes a webhook endpoint for the app at <url> (a receiver on this machine: demo mode allows
http and loopback), prints its signing secret, and prints every attempt Kassa makes to it until
Ctrl+C, which deletes the endpoint. The running Kassa (npm start) sends the events.`;

export interface ListenIo {
  db: Executor;
  ids: IdSource;
  now: () => number;
  webhooks: EndpointMakerDeps["webhooks"];
  out: (line: string) => void;
  err: (line: string) => void;
  /** Ends the listening (SIGINT/SIGTERM in the CLI; the test's own). */
  signal: AbortSignal;
  pollMs?: number;
}

/**
 * `npm run kassa -- listen` (issue 11), as `stripe listen` is for Stripe: a developer's
 * receiver on localhost gets the app's events, signed like any endpoint's, without making an
 * endpoint by hand. It is a real endpoint in the database, so the running server's worker
 * delivers to it on the real path; this command only makes it, shows what happens, and
 * removes it. Exit code: 0 after Ctrl+C, 1 refused (a URL Kassa may not send to), 2 usage.
 */
export async function runListenCommand(argv: readonly string[], io: ListenIo): Promise<number> {
  let values: { "forward-to"?: string; app?: string; events?: string };
  try {
    values = parseArgs({
      args: [...argv.slice(1)],
      strict: true,
      options: { "forward-to": { type: "string" }, app: { type: "string" }, events: { type: "string" } },
    }).values;
  } catch (error) {
    io.err(`${(error as Error).message}\n${LISTEN_USAGE}`);
    return 2;
  }
  const url = values["forward-to"];
  const events = eventsOf(values.events);
  if (!url || "problem" in events) {
    io.err(`${"problem" in events ? events.problem : "listen needs --forward-to <url>"}\n${LISTEN_USAGE}`);
    return 2;
  }
  const appId = values.app ?? "app_default";
  const deps = { ids: io.ids, clock: { now: io.now }, webhooks: io.webhooks };
  let endpoint: { id: string; secret: string };
  try {
    endpoint = await inTransaction(io.db, (trx) =>
      createEndpoint(deps, trx, {
        appId,
        url,
        eventTypes: events.filter,
        description: "npm run kassa -- listen",
        enabled: true,
      }),
    );
  } catch (error) {
    if (!(error instanceof KassaError)) throw error;
    io.err(`${error.code}: ${error.message}`);
    return 1;
  }
  io.out(
    `Ready. Forwarding ${appId}'s events (${events.filter === "*" ? "all types" : events.filter.join(", ")}) to ${url}`,
  );
  io.out(
    `Your webhook signing secret is ${endpoint.secret} (its endpoint ${endpoint.id} lives while this runs)`,
  );
  io.out("The running Kassa (npm start) sends them. Ctrl+C to stop.");
  try {
    await printAttempts(io, endpoint.id);
  } finally {
    await inTransaction(io.db, (trx) => deleteEndpoint(deps, trx, { appId, endpointId: endpoint.id }));
    io.out(`Stopped; endpoint ${endpoint.id} deleted.`);
  }
  return 0;
}

function eventsOf(list: string | undefined): { filter: EventFilter } | { problem: string } {
  if (list === undefined || list === "*") return { filter: "*" };
  const types = list.split(",").map((type) => type.trim());
  const unknown = types.filter((type) => !(EVENT_TYPES as string[]).includes(type));
  if (unknown.length > 0)
    return {
      problem: `--events: unknown type ${unknown.join(", ")}; the types are ${EVENT_TYPES.join(", ")}`,
    };
  return { filter: types as EventType[] };
}

/** One line per attempt, as it is recorded: time, event, answer or error, latency. */
async function printAttempts(io: ListenIo, endpointId: string): Promise<void> {
  let after: { startedAt: number; id: string } | undefined;
  while (!io.signal.aborted) {
    const attempts = await attemptsOfEndpointAfter(io.db, { endpointId, after, limit: 100 });
    for (const attempt of attempts) {
      const answer =
        attempt.status_code === null ? `no answer: ${attempt.error}` : `[${attempt.status_code}]`;
      const replay = attempt.trigger === "replay" ? " (replay)" : "";
      io.out(
        `${new Date(attempt.started_at).toISOString()}  ${attempt.event_type} ${attempt.event_id}${replay} -> ${answer} ${attempt.latency_ms} ms`,
      );
      after = { startedAt: attempt.started_at, id: attempt.id };
    }
    if (attempts.length === 0)
      await sleep(io.pollMs ?? 500, undefined, { signal: io.signal }).catch(() => undefined);
  }
}
