import { Counter, collectDefaultMetrics, Gauge, Histogram, Registry } from "prom-client";
import type { AppObservers } from "../app/deps.ts";
import type { ConnectionUse, DatabaseHandle } from "../db/connect.ts";
import type { Executor } from "../db/executor.ts";
import { unsealedBacklog } from "../db/ledger-seal.ts";
import type { Clock } from "../domain/clock.ts";
import { accountKind } from "../domain/ledger.ts";
import type { ChannelCallObserver } from "./metered-channel.ts";

/**
 * Kassa's Prometheus metrics (issue 13, /metrics). One registry per running Kassa, never
 * prom-client's global one: tests run several instances in one process.
 *
 * Two kinds: what happens in this process (HTTP requests, as a latency histogram by route
 * template and status; calls to the channels, by endpoint and outcome, and the codes they
 * answered with when a call went wrong; risk decisions; ledger entries committed; its
 * connections to the database; Node's own process metrics), and what the database holds right now,
 * counted at scrape time: work in flight (payments waiting or closing, refunds processing or
 * abnormal, jobs due and running and how late the oldest is, webhook deliveries pending or
 * failed, ledger entries awaiting their seal, open alerts). Only in-flight rows are counted, never a whole history, so a scrape
 * stays cheap as the tables grow.
 */
export interface KassaMetrics {
  registry: Registry;
  observeRequest(request: { method: string; route: string; status: number; seconds: number }): void;
  /** Each call to a channel (metered-channel.ts wraps every app's channels with it). */
  observeChannelCall: ChannelCallObserver;
  /** Each notification a channel sent, by what it was about and what became of it. */
  observeNotification(notification: { subject: string; outcome: string }): void;
  /** The use cases' own reports (AppDeps.observe): risk decisions, committed ledger entries. */
  app: AppObservers;
}

const IN_FLIGHT = {
  payments: ["PENDING", "CLOSING"],
  refunds: ["PROCESSING", "ABNORMAL"],
  webhook_deliveries: ["pending", "failed"],
} as const;

export function createMetrics(
  database: Pick<DatabaseHandle, "db" | "connections">,
  clock: Clock,
): KassaMetrics {
  const db = database.db;
  const registry = new Registry();
  collectDefaultMetrics({ register: registry, prefix: "kassa_" });
  // Before the gauges that query: a scrape reads the pool first, before its own queries take
  // connections from it (prom-client collects in the order metrics were registered).
  connectionMetrics(registry, database.connections);
  const requests = new Histogram({
    name: "kassa_http_request_duration_seconds",
    help: "HTTP requests by method, route template and status, with their latency",
    labelNames: ["method", "route", "status"] as const,
    buckets: [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10],
    registers: [registry],
  });

  const channelCalls = new Histogram({
    name: "kassa_channel_call_duration_seconds",
    help: "Calls to a payment channel by channel, endpoint and outcome (ok, unavailable, outcome_unknown, rejected, refused, error), with their latency",
    labelNames: ["channel", "endpoint", "outcome"] as const,
    buckets: [0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10],
    registers: [registry],
  });
  // What a channel answered when a call did not end well, by its own code: a bounded set
  // (WeChat's documented error codes, the notification checks), so it can be a label. Ids and
  // messages never are.
  const channelErrorCodes = new Counter({
    name: "kassa_channel_error_codes_total",
    help: "Channel calls that did not end ok, by the code the channel gave (SYSTEM_ERROR, ORDER_CLOSED, a refused notification's failed check)",
    labelNames: ["channel", "endpoint", "code"] as const,
    registers: [registry],
  });

  // Rules are a fixed set (domain/risk.ts), so they can be a label; subjects never are.
  const riskDecisions = new Counter({
    name: "kassa_risk_decisions_total",
    help: "Risk rules at work, by rule and action: fired (a count crossed its threshold), throttled (a pay call a hold refused), not_evaluated (the limiter failed)",
    labelNames: ["rule", "action"] as const,
    registers: [registry],
  });

  // Causes are a fixed set (domain/ledger.ts LEDGER_CAUSE_TYPES) and account kinds name no
  // payer (accountKind), so both can be labels. Counted after commit (book-entry.ts).
  const ledgerEntries = new Counter({
    name: "kassa_ledger_entries_total",
    help: "Ledger entries this process booked and committed, by cause (payment_captured, refund_succeeded, wallet_payment, ...)",
    labelNames: ["cause"] as const,
    registers: [registry],
  });
  const ledgerPostings = new Counter({
    name: "kassa_ledger_postings_total",
    help: "Postings of the committed ledger entries, by cause and account kind (sales, wechatpay:clearing, wallet, tips, ...)",
    labelNames: ["cause", "account_kind"] as const,
    registers: [registry],
  });

  const notifications = new Counter({
    name: "kassa_notifications_total",
    help: "Channel notifications by subject (payment, refund, other, unverified) and outcome (applied, duplicate_notification, mismatch_refused, refused, ...)",
    labelNames: ["subject", "outcome"] as const,
    registers: [registry],
  });

  for (const [table, statuses] of Object.entries(IN_FLIGHT)) {
    new Gauge({
      name: `kassa_${table}_in_flight`,
      help: `${table.replace("_", " ")} not yet settled, by status (counted at scrape time)`,
      labelNames: ["status"] as const,
      registers: [registry],
      async collect() {
        const rows = await db
          .selectFrom(table as keyof typeof IN_FLIGHT)
          .select((eb) => ["status", eb.fn.countAll<number>().as("count")])
          .where("status", "in", [...statuses])
          .groupBy("status")
          .execute();
        const counts = new Map(rows.map((row) => [row.status, Number(row.count)]));
        for (const status of statuses) this.set({ status }, counts.get(status) ?? 0);
      },
    });
  }

  new Gauge({
    name: "kassa_jobs",
    help: "Jobs by queue and state: due (its time has come, not claimed), running (claimed), scheduled (later)",
    labelNames: ["queue", "state"] as const,
    registers: [registry],
    async collect() {
      this.reset();
      const now = clock.now();
      for (const job of await jobStates(db, now)) this.set({ queue: job.queue, state: job.state }, job.count);
    },
  });
  new Gauge({
    name: "kassa_jobs_lag_seconds",
    help: "How long the oldest due job of each queue has waited past its time (0 when none is due)",
    labelNames: ["queue"] as const,
    registers: [registry],
    async collect() {
      this.reset();
      const now = clock.now();
      const rows = await db
        .selectFrom("jobs")
        .select((eb) => ["queue", eb.fn.min<number>("run_at").as("oldest")])
        .where("run_at", "<=", now)
        .where((eb) => eb.or([eb("locked_until", "is", null), eb("locked_until", "<=", now)]))
        .groupBy("queue")
        .execute();
      for (const row of rows) this.set({ queue: row.queue }, Math.max(0, (now - Number(row.oldest)) / 1000));
    },
  });
  new Gauge({
    name: "kassa_ledger_unsealed_entries",
    help: "Ledger entries posted and not yet sealed into the hash chain (normally 0 or a handful)",
    registers: [registry],
    async collect() {
      this.set((await unsealedBacklog(db)).count);
    },
  });
  new Gauge({
    name: "kassa_ledger_seal_lag_seconds",
    help: "How long the oldest entry awaiting its seal has waited (0 when none waits)",
    registers: [registry],
    async collect() {
      const { oldestPostedAt } = await unsealedBacklog(db);
      this.set(oldestPostedAt === null ? 0 : Math.max(0, (clock.now() - oldestPostedAt) / 1000));
    },
  });
  new Gauge({
    name: "kassa_alerts_open",
    help: "Alerts no operator has acknowledged yet",
    registers: [registry],
    async collect() {
      const row = await db
        .selectFrom("alerts")
        .select((eb) => eb.fn.countAll<number>().as("count"))
        .where("status", "=", "open")
        .executeTakeFirst();
      this.set(Number(row?.count ?? 0));
    },
  });

  return {
    registry,
    observeRequest: ({ method, route, status, seconds }) =>
      requests.observe({ method, route, status: String(status) }, seconds),
    observeChannelCall: ({ channel, endpoint, outcome, code, seconds }) => {
      channelCalls.observe({ channel, endpoint, outcome }, seconds);
      if (code !== undefined) channelErrorCodes.inc({ channel, endpoint, code });
    },
    observeNotification: ({ subject, outcome }) => notifications.inc({ subject, outcome }),
    app: {
      riskDecision: ({ rule, action }) => riskDecisions.inc({ rule, action }),
      ledgerEntryPosted: ({ cause, postings }) => {
        ledgerEntries.inc({ cause });
        for (const posting of postings)
          ledgerPostings.inc({ cause, account_kind: accountKind(posting.account) });
      },
    },
  };
}

/**
 * This process's connections to the database, read from the driver at scrape time
 * (connect.ts ConnectionUse): pg's pool on PostgreSQL, the one shared connection on SQLite.
 * SQLite's waits for another process's write lock are counted too; PostgreSQL has none, so
 * that counter is not shown there rather than shown as a 0 that means nothing.
 */
function connectionMetrics(registry: Registry, connections: () => ConnectionUse): void {
  const gauges = [
    [
      "kassa_db_pool_connections",
      "Connections this process holds open to the database (SQLite: its one)",
      "total",
    ],
    ["kassa_db_pool_idle_connections", "Of those, the ones no query is using", "idle"],
    [
      "kassa_db_pool_waiting_queries",
      "Queries waiting for a connection: the pool is too small or a transaction is held too long",
      "waiting",
    ],
  ] as const;
  for (const [name, help, field] of gauges) {
    new Gauge({
      name,
      help,
      registers: [registry],
      collect() {
        this.set(connections()[field]);
      },
    });
  }
  if (connections().lockWaits === undefined) return;
  new Counter({
    name: "kassa_db_sqlite_lock_waits_total",
    help: "SQLite statements that found the write lock held by another process (a CLI, a shell) and waited for it",
    registers: [registry],
    collect() {
      this.reset();
      this.inc(connections().lockWaits ?? 0);
    },
  });
}

async function jobStates(db: Executor, now: number) {
  const rows = await db
    .selectFrom("jobs")
    .select((eb) => [
      "queue",
      eb
        .case()
        .when(eb("locked_until", ">", now))
        .then("running")
        .when("run_at", "<=", now)
        .then("due")
        .else("scheduled")
        .end()
        .as("state"),
      eb.fn.countAll<number>().as("count"),
    ])
    .groupBy(["queue", "state"])
    .execute();
  return rows.map((row) => ({ queue: row.queue, state: String(row.state), count: Number(row.count) }));
}
