import type { ConsoleRefundSettings } from "../config.ts";
import type { RetentionSettings } from "../config-retention.ts";
import type { DialectName } from "../db/connect.ts";
import type { Executor } from "../db/executor.ts";
import type { Clock } from "../domain/clock.ts";
import type { IdSource } from "../domain/ids.ts";
import type { LedgerCauseType, Posting } from "../domain/ledger.ts";
import type { RiskSettings } from "../domain/risk.ts";
import type { RateLimiter } from "../limits/rate-limiter.ts";
import type { AppRegistry } from "./app-registry.ts";
import type { KeyMode } from "./merchant/api-keys.ts";
import type { SingleFlight } from "./single-flight.ts";
import type { WebhookDeps } from "./webhooks/webhook-deps.ts";

/** What every use case is handed (design.md convention 1): no globals, nothing read from env. */
export interface AppDeps {
  db: Executor;
  dialect: DialectName;
  clock: Clock;
  ids: IdSource;
  /** The apps served, and their payment and login channels by (app, channel). */
  apps: AppRegistry;
  settings: AppSettings;
  log: AppLog;
  /** Shared counts (Redis with several instances): budgets on calls to the channel. */
  limiter: RateLimiter;
  /** Concurrent identical work in this process runs once (confirm's channel queries). */
  flights: SingleFlight;
  /** Merchant webhooks: the master key's box, the URL rules, the attempt deadline. */
  webhooks: WebhookDeps;
  /** What the use cases report to /metrics (observability/metrics.ts); they never read it back. */
  observe: AppObservers;
}

export interface AppObservers {
  /**
   * A risk rule at work (domain/risk.ts): `fired` when a count crossed its threshold,
   * `throttled` for a pay call a hold refused, `not_evaluated` when the limiter failed and
   * the signal went uncounted.
   */
  riskDecision(decision: { rule: string; action: "fired" | "throttled" | "not_evaluated" }): void;
  /**
   * A ledger entry booked (book-entry.ts), reported once the transaction that wrote it has
   * committed (db/transaction.ts afterCommit), never for one that rolled back.
   */
  ledgerEntryPosted(entry: { cause: LedgerCauseType; postings: readonly Posting[] }): void;
}

export interface AppSettings {
  /** Merchant API keys this process accepts: `live` in production, `test` in demo mode. */
  apiKeyMode: KeyMode;
  orderTtlMs: number;
  sessionTtlMs: number;
  /** Unpaid orders one user may have open at once (issue 7: one user could hold the catalog). */
  maxOpenOrdersPerUser: number;
  /** Units one user may hold across all their unpaid orders. */
  maxHeldUnitsPerUser: number;
  /** Custom top-up amounts a payer may choose (tiers are the merchant's, in the database). */
  walletTopUp: { minFen: number; maxFen: number };
  /** How long `confirm` waits for the channel's word before answering with what it knows. */
  confirmWaitMs: number;
  /** Refunds made in the console (issue 12): support's limit, and the maker-checker threshold. */
  consoleRefunds: ConsoleRefundSettings;
  /** How long the daily data.purge job keeps what it removes (config-retention.ts). */
  retention: RetentionSettings;
  /** Where new alerts go besides the log, the console and `alert.raised` (app/alerting/). */
  alerting: AlertingSettings;
  /** Each risk rule's threshold, window and throttle (domain/risk.ts, docs/risk.md). */
  risk: RiskSettings;
}

export interface AlertingSettings {
  /** KASSA_WECOM_ROBOT_URL: a WeCom group robot's webhook; it holds the robot's key, so never logged. */
  wecomRobotUrl: string | undefined;
}

/** The structured logger the use cases write to (pino in production). */
export interface AppLog {
  info(fields: Record<string, unknown>, message: string): void;
  warn(fields: Record<string, unknown>, message: string): void;
  error(fields: Record<string, unknown>, message: string): void;
}
