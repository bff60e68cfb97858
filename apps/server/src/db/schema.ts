import type { Generated } from "kysely";
import type { AlertStatus } from "../domain/alert.ts";
import type { BookingStatus, CancelCause } from "../domain/booking/booking.ts";
import type { SlotStatus } from "../domain/booking/slot.ts";
import type { AccountType, LedgerCauseType, NormalSide } from "../domain/ledger.ts";
import type { OrderKind, OrderStatus } from "../domain/order.ts";
import type { ChannelName, ExternalChannelName, PaymentStatus } from "../domain/payment.ts";
import type { RefundStatus } from "../domain/refund.ts";
import type { RefundApprovalStatus } from "../domain/refund-approval.ts";
import type { TipStatus } from "../domain/tip/tip.ts";

/**
 * The tables as Kysely sees them. Money is integer fen and times are epoch milliseconds,
 * both `bigint` columns (design.md convention 13: portable across SQLite and PostgreSQL).
 */
export interface Database {
  merchants: MerchantsTable;
  apps: AppsTable;
  users: UsersTable;
  sessions: SessionsTable;
  products: ProductsTable;
  orders: OrdersTable;
  order_lines: OrderLinesTable;
  payments: PaymentsTable;
  refunds: RefundsTable;
  payment_refund_totals: PaymentRefundTotalsTable;
  idempotency_keys: IdempotencyKeysTable;
  channel_notifications: ChannelNotificationsTable;
  outbox_events: OutboxEventsTable;
  jobs: JobsTable;
  alerts: AlertsTable;
  api_keys: ApiKeysTable;
  ledger_accounts: LedgerAccountsTable;
  ledger_heads: LedgerHeadsTable;
  ledger_entries: LedgerEntriesTable;
  ledger_seals: LedgerSealsTable;
  ledger_unsealed: LedgerUnsealedTable;
  ledger_postings: LedgerPostingsTable;
  operators: OperatorsTable;
  operator_sessions: OperatorSessionsTable;
  audit_log: AuditLogTable;
  payment_queries: PaymentQueriesTable;
  reconciliation_runs: ReconciliationRunsTable;
  reconciliation_differences: ReconciliationDifferencesTable;
  reconciliation_statement_rows: ReconciliationStatementRowsTable;
  webhook_endpoints: WebhookEndpointsTable;
  webhook_deliveries: WebhookDeliveriesTable;
  webhook_attempts: WebhookAttemptsTable;
  wallet_tiers: WalletTiersTable;
  wallet_adjustments: WalletAdjustmentsTable;
  booking_services: BookingServicesTable;
  booking_slots: BookingSlotsTable;
  bookings: BookingsTable;
  tip_recipients: TipRecipientsTable;
  tips: TipsTable;
  tip_daily_totals: TipDailyTotalsTable;
  tip_payouts: TipPayoutsTable;
  refund_approvals: RefundApprovalsTable;
}

/** A merchant: who is paid. Its WeChat Pay mchid; its credentials come from configuration. */
export interface MerchantsTable {
  id: string;
  name: string;
  wechatpay_mchid: string | null;
  created_at: number;
}

/** An app: one mini program of a merchant. Every user, product, order and event has one. */
export interface AppsTable {
  id: string;
  merchant_id: string;
  name: string;
  wechat_appid: string | null;
  created_at: number;
}

export interface UsersTable {
  id: string;
  app_id: string;
  /** The channel the user logs in and pays through (migration 0020). */
  channel: Generated<ExternalChannelName>;
  /** The channel's app id the openid belongs to (an openid is per app): WeChat's appid, Alipay's app_id. */
  appid: string;
  /** Only ever on the server: never returned by the API, never logged in full. */
  openid: string;
  created_at: number;
  /** Set when purge replaced the openid with a tombstone (migration 0019); NULL otherwise. */
  purged_at: number | null;
}

export interface SessionsTable {
  /** SHA-256 of the token: a database leak does not leak usable sessions. */
  token_hash: string;
  user_id: string;
  created_at: number;
  expires_at: number;
}

export interface ProductsTable {
  id: string;
  app_id: string;
  name: string;
  price_fen: number;
  /** Units that can still be sold; held units are already subtracted. */
  stock: number;
  active: number;
  created_at: number;
}

export interface OrdersTable {
  id: string;
  app_id: string;
  user_id: string;
  status: OrderStatus;
  amount_fen: number;
  description: string;
  /** After this the order is closed and its stock released, epoch ms. */
  expires_at: number;
  created_at: number;
  updated_at: number;
  /** A purchase, or a top-up of the payer's wallet (migration 0008). */
  kind: Generated<OrderKind>;
  /** What a top-up credits on top of its amount; 0 for a purchase. */
  bonus_fen: Generated<number>;
  /** The tier a top-up was priced from; null for a custom amount or a purchase. */
  top_up_tier_id: string | null;
}

/** One attempt to collect an order's amount through one channel (migration 0002). */
export interface PaymentsTable {
  id: string;
  app_id: string;
  order_id: string;
  channel: ChannelName;
  /** Unique: our idempotency key at the channel (§5.1). */
  out_trade_no: string;
  status: PaymentStatus;
  amount_fen: number;
  /** The channel's time_expire (§5.1), epoch ms. */
  expires_at: number;
  prepay_id: string | null;
  /** prepay_id lives 2 hours (§5.1); we stop reusing it a little before. */
  prepay_expires_at: number | null;
  /** One pay call at a time prepays, and a close waits while it may be in flight. */
  prepay_lease_until: number | null;
  transaction_id: string | null;
  bank_type: string | null;
  paid_at: number | null;
  /** When the channel gave the prepay reference (migration 0005; NULL for older payments). */
  prepaid_at: number | null;
  created_at: number;
  updated_at: number;
  /**
   * When the channel first said this payment failed (WeChat Pay `PAYERROR`, migration 0022):
   * set once, by compare-and-set, so the risk rules count each payment's failure once.
   */
  channel_failed_at: number | null;
}

/** One refund of a paid payment (migration 0007); what names it at the channel never changes. */
export interface RefundsTable {
  id: string;
  app_id: string;
  order_id: string;
  payment_id: string;
  channel: ChannelName;
  /** Unique, assigned once: our idempotency key at the channel (§5.4). */
  out_refund_no: string;
  amount_fen: number;
  reason: string | null;
  status: RefundStatus;
  channel_refund_id: string | null;
  return_stock: number;
  settled_offline: number;
  last_error: string | null;
  created_at: number;
  updated_at: number;
  succeeded_at: number | null;
  closed_at: number | null;
}

/** Per refunded payment: 0 <= refunded <= reserved <= captured, by a CHECK (migration 0007). */
export interface PaymentRefundTotalsTable {
  payment_id: string;
  app_id: string;
  order_id: string;
  captured_fen: number;
  reserved_fen: Generated<number>;
  refunded_fen: Generated<number>;
  stock_returned: Generated<number>;
  updated_at: number;
}

export interface OrderLinesTable {
  order_id: string;
  product_id: string;
  name: string;
  quantity: number;
  unit_price_fen: number;
}

export interface IdempotencyKeysTable {
  user_id: string;
  key: string;
  /** SHA-256 of method, path and body: a different body under the same key is refused. */
  request_hash: string;
  /** NULL while the first request is still running. */
  response_status: number | null;
  response_body: string | null;
  created_at: number;
  /** A crashed first attempt releases its key after this time. */
  locked_until: number;
}

export interface ChannelNotificationsTable {
  /** WeChat Pay's notification id (§4.1): recorded in the transaction that applies it. */
  notification_id: string;
  channel: string;
  event_type: string;
  out_trade_no: string;
  outcome: string;
  received_at: number;
}

export interface OutboxEventsTable {
  id: string;
  app_id: string;
  type: string;
  aggregate_id: string;
  payload: string;
  created_at: number;
  published_at: number | null;
  /** Set by the database on insert (migration 0005): the order events were written in. */
  seq: Generated<number>;
  /** The event's number among its object's events, 1, 2, ... (migration 0009): webhooks' `sequence`. */
  aggregate_seq: number | null;
}

export interface JobsTable {
  id: string;
  kind: string;
  /** At most one live job per (kind, subject): a second schedule is a no-op. */
  dedupe_key: string;
  payload: string;
  run_at: number;
  attempts: number;
  locked_by: string | null;
  locked_until: number | null;
  last_error: string | null;
  created_at: number;
  /** Which worker claims it (migration 0009): `default`, or `webhooks` for deliveries. */
  queue: Generated<string>;
}

export interface AlertsTable {
  id: string;
  kind: string;
  subject_id: string;
  detail: string;
  created_at: number;
  /** Migration 0011: the app it is about, when one is (NULL for earlier alerts). */
  app_id: string | null;
  acknowledged_at: number | null;
  /** The operator who acknowledged it. */
  acknowledged_by: string | null;
  note: string | null;
  /** Migration 0018: open, acknowledged, resolved (domain/alert.ts). */
  status: Generated<AlertStatus>;
  resolved_at: number | null;
  resolved_by: string | null;
  resolution_note: string | null;
  /** Raised again while live: how many times in all, and the last time. */
  repeat_count: Generated<number>;
  last_seen_at: number | null;
  /** (kind, subject, app) while not resolved, unique: one live alert per key. */
  live_key: string | null;
}

/** A merchant API key of an app (migration 0005): only the secret's SHA-256 is stored. */
export interface ApiKeysTable {
  /** `key_` + random: what a list shows and `keys revoke` takes. */
  id: string;
  app_id: string;
  name: string;
  secret_hash: string;
  /** The secret's first characters (`sk_test_AbCd`), so a person can tell keys apart. */
  secret_hint: string;
  /** Comma-separated, sorted: `read` or `read,write`. */
  scopes: string;
  created_at: number;
  /** Updated at most once a minute per key. */
  last_used_at: number | null;
  revoked_at: number | null;
}

/** A ledger account of an app (migration 0006): its balance is kept on its normal side. */
export interface LedgerAccountsTable {
  app_id: string;
  /** `wechatpay:clearing`, `sales`, `wallet:usr_…` (domain/ledger.ts). */
  code: string;
  type: AccountType;
  normal_side: NormalSide;
  currency: string;
  /** 0 for a wallet: a CHECK refuses its balance below zero. */
  may_go_negative: number;
  balance_fen: number;
  created_at: number;
}

/** Per app, the last sealed position and hash; the sealer locks it (db/ledger-seal.ts). */
export interface LedgerHeadsTable {
  app_id: string;
  /** The last position in the app's chain (ledger_seals.position). */
  seq: number;
  hash: string;
}

/** The journal: append-only (triggers), unique per (app, cause_type, cause_id). */
export interface LedgerEntriesTable {
  app_id: string;
  /**
   * The entry's number, given at posting: unique and increasing per app, not contiguous on
   * PostgreSQL (migration 0016). Its place in the chain is its seal's position.
   */
  seq: number;
  cause_type: LedgerCauseType;
  cause_id: string;
  /** The order the money was for, when there is one (checkLedger compares per order). */
  order_id: string | null;
  description: string;
  posted_at: number;
}

/** The hash chain (migration 0016): per app, positions 1, 2, 3, ... with no gaps; append-only. */
export interface LedgerSealsTable {
  app_id: string;
  position: number;
  entry_seq: number;
  prev_hash: string;
  hash: string;
  sealed_at: number;
}

/** Entries posted and not yet sealed: the sealer's queue, emptied by the seal's transaction. */
export interface LedgerUnsealedTable {
  app_id: string;
  entry_seq: number;
}

/** An entry's lines: signed fen, debit positive; append-only. */
export interface LedgerPostingsTable {
  app_id: string;
  entry_seq: number;
  /** 1, 2, ... in the order the rule wrote them (the hash covers that order). */
  line: number;
  account_code: string;
  amount_fen: number;
}
/** An operator of the console and admin API (migration 0011). */
export interface OperatorsTable {
  /** `opr_` + random. */
  id: string;
  login: string;
  /** `scrypt$N$r$p$salt$hash`, base64url parts (app/admin/passwords.ts). */
  password_hash: string;
  role: string;
  /** JSON list of the app ids it may see; NULL for every app. */
  app_ids: string | null;
  /** Base32 TOTP secret (RFC 6238), when the second factor is set. */
  totp_secret: string | null;
  failed_logins: number;
  locked_until: number | null;
  created_at: number;
  disabled_at: number | null;
}

/** An operator's session: only the hash of its cookie's token is kept. */
export interface OperatorSessionsTable {
  token_hash: string;
  operator_id: string;
  created_at: number;
  last_seen_at: number;
  /** Absolute expiry; the idle timeout is counted from last_seen_at. */
  expires_at: number;
  revoked_at: number | null;
}

/** One operator action, append-only and hash-chained (migration 0011). */
export interface AuditLogTable {
  seq: number;
  operator_id: string | null;
  action: string;
  object_type: string;
  object_id: string;
  app_id: string | null;
  /** JSON of the object before and after, when the action changed one. */
  before: string | null;
  after: string | null;
  address: string | null;
  at: number;
  prev_hash: string;
  hash: string;
}

/** One query of the channel about a payment, and what it answered (migration 0012). */
export interface PaymentQueriesTable {
  id: string;
  app_id: string;
  payment_id: string;
  /** Who asked: confirm, query-back, close, close-again, reconciliation... */
  reason: string;
  /** The channel's answer (paid, unpaid, closed, not_found), or failed when it gave none. */
  outcome: string;
  queried_at: number;
}

/** One app's reconciliation of one channel's day (migration 0010), with its latest report. */
export interface ReconciliationRunsTable {
  id: string;
  app_id: string;
  channel: string;
  /** `YYYY-MM-DD`, Beijing time: how the channel cuts its bills. */
  day: string;
  status: "waiting" | "running" | "completed";
  /** Passes begun; a re-run is the next pass. */
  pass: Generated<number>;
  bill_payments: Generated<number>;
  bill_payments_fen: Generated<number>;
  bill_refunds: Generated<number>;
  bill_refunds_fen: Generated<number>;
  bill_fees_fen: Generated<number>;
  bill_unreadable: Generated<number>;
  kassa_payments: Generated<number>;
  kassa_payments_fen: Generated<number>;
  kassa_refunds: Generated<number>;
  kassa_refunds_fen: Generated<number>;
  fees_posted_fen: Generated<number>;
  differences_open: Generated<number>;
  differences_resolved: Generated<number>;
  last_error: Generated<string | null>;
  created_at: number;
  started_at: Generated<number | null>;
  completed_at: Generated<number | null>;
}

export interface ReconciliationDifferencesTable {
  id: string;
  run_id: string;
  app_id: string;
  class: string;
  /** What the difference is about, unique per run and class: a number or a bill line. */
  subject: string;
  out_trade_no: string | null;
  out_refund_no: string | null;
  bill_amount_fen: number | null;
  kassa_amount_fen: number | null;
  ledger_amount_fen: number | null;
  /** JSON: what each side says. */
  detail: string;
  action: string;
  status: "open" | "resolved";
  pass: number;
  alert_id: string | null;
  created_at: number;
  resolved_at: number | null;
}

/** The channel's rows of one pass, staged for matching in SQL; emptied when the pass ends. */
export interface ReconciliationStatementRowsTable {
  run_id: string;
  kind: "payment" | "refund" | "fee";
  /** out_trade_no of a payment, out_refund_no of a refund, the movement id of a fee. */
  entry_key: string;
  out_trade_no: string | null;
  out_refund_no: string | null;
  channel_id: string | null;
  reference: string | null;
  status: string | null;
  amount_fen: number;
  fee_milli_fen: number;
  at: number;
}

/** A merchant's receiver of an app's events (migration 0009; app/webhooks/). */
export interface WebhookEndpointsTable {
  /** `whe_` + random. */
  id: string;
  app_id: string;
  url: string;
  description: string;
  /** `*` for every type, or the types, sorted, comma-separated. */
  event_types: string;
  enabled: number;
  /** Why it is off: `merchant` (asked), `failing` (failed for days), `gone` (answered 410). */
  disabled_reason: string | null;
  /** The signing secret, sealed under the master key; NULL once deleted. */
  secret_sealed: string | null;
  /** What a person may see of the secret. */
  secret_fingerprint: string;
  /** The secret before the last rotation, signed with too until `previous_secret_expires_at`. */
  previous_secret_sealed: string | null;
  previous_secret_expires_at: number | null;
  /** The first failed attempt since the last success; NULL while it succeeds. */
  failing_since: number | null;
  created_at: number;
  updated_at: number;
  deleted_at: number | null;
}

/** One event to one endpoint, until it is delivered, given up or cancelled. */
export interface WebhookDeliveriesTable {
  /** `whd_` + a digest of (event, endpoint). */
  id: string;
  app_id: string;
  endpoint_id: string;
  event_id: string;
  /** `pending`, `succeeded`, `failed` (every attempt of the schedule failed), `cancelled`. */
  status: string;
  /** Failed attempts since the schedule (re)started: which delay comes next. */
  step: number;
  attempt_count: number;
  next_attempt_at: number | null;
  last_attempt_at: number | null;
  last_status_code: number | null;
  last_error: string | null;
  succeeded_at: number | null;
  /** Set by a replay until its attempt is made: that attempt's trigger is `replay`. */
  replay_requested_at: number | null;
  created_at: number;
  updated_at: number;
}

/** One try of a delivery: what was sent where, and what came back. */
export interface WebhookAttemptsTable {
  id: string;
  delivery_id: string;
  endpoint_id: string;
  /** `scheduled`, or `replay` (asked through the merchant API). */
  trigger: string;
  url: string;
  started_at: number;
  latency_ms: number;
  /** NULL when no answer came (refused address, connection error, timeout). */
  status_code: number | null;
  /** The answer's first bytes, as text. */
  response_excerpt: string | null;
  error: string | null;
  succeeded: number;
}

/** A fixed top-up amount a merchant offers, with its bonus (migration 0008). */
export interface WalletTiersTable {
  id: string;
  app_id: string;
  amount_fen: number;
  bonus_fen: number;
  /** 1 offered to payers, 0 withdrawn (kept: top-ups name the tier they were priced from). */
  active: number;
  created_at: number;
  updated_at: number;
}

/** An operator's manual credit (+) or debit (-) of one wallet, with why (migration 0008). */
export interface WalletAdjustmentsTable {
  id: string;
  app_id: string;
  user_id: string;
  amount_fen: number;
  reason: string;
  created_at: number;
}

/** What a merchant sells by the slot, with its cancellation policy as JSON (migration 0014). */
export interface BookingServicesTable {
  id: string;
  app_id: string;
  name: string;
  /** JSON of domain/booking/cancellation-policy.ts `CancellationPolicy`. */
  cancellation_policy: string;
  created_at: number;
  updated_at: number;
}

/** One time slot of a service; `seats_held <= capacity` is a CHECK (migration 0014). */
export interface BookingSlotsTable {
  id: string;
  app_id: string;
  service_id: string;
  starts_at: number;
  ends_at: number;
  time_zone: string;
  capacity: number;
  /** Seats of bookings that hold some (HELD, CONFIRMED, CHECKED_IN). */
  seats_held: Generated<number>;
  price_fen: number;
  status: SlotStatus;
  created_at: number;
  updated_at: number;
  cancelled_at: number | null;
}

/** One booking, keyed by its order (migration 0014). */
export interface BookingsTable {
  order_id: string;
  app_id: string;
  slot_id: string;
  user_id: string;
  seats: number;
  unit_price_fen: number;
  ticket_code: string;
  status: BookingStatus;
  cancel_cause: CancelCause | null;
  refund_id: string | null;
  checked_in_at: number | null;
  cancelled_at: number | null;
  created_at: number;
  updated_at: number;
}

/** A console refund above the threshold, waiting for a second operator (migration 0015). */
export interface RefundApprovalsTable {
  id: string;
  app_id: string;
  order_id: string;
  amount_fen: number;
  reason: string | null;
  return_stock: number;
  status: RefundApprovalStatus;
  requested_by: string;
  requested_at: number;
  decided_by: string | null;
  decided_at: number | null;
  decision_note: string | null;
  refund_id: string | null;
}

/** Whom a payer can tip, with the tipping rules (migration 0017). */
export interface TipRecipientsTable {
  id: string;
  app_id: string;
  name: string;
  /** JSON array of whole fen, ascending (domain/tip/tipping-rules.ts). */
  preset_amounts: string;
  min_fen: number;
  max_fen: number;
  daily_cap_fen: number;
  time_zone: string;
  active: number;
  created_at: number;
  updated_at: number;
}

/** One tip, keyed by its order (migration 0017). */
export interface TipsTable {
  order_id: string;
  app_id: string;
  recipient_id: string;
  user_id: string;
  amount_fen: number;
  /** Plain text, never HTML. */
  message: string | null;
  /** YYYY-MM-DD in the recipient's time zone. */
  day: string;
  status: TipStatus;
  created_at: number;
  updated_at: number;
}

/** What one payer's pending and paid tips to one recipient add up to on one day (migration 0017). */
export interface TipDailyTotalsTable {
  recipient_id: string;
  user_id: string;
  day: string;
  held_fen: number;
  updated_at: number;
}

/** A payout to a recipient, made outside Kassa; its ledger entry is cause `tip_payout` (migration 0017). */
export interface TipPayoutsTable {
  id: string;
  app_id: string;
  recipient_id: string;
  amount_fen: number;
  reference: string | null;
  created_at: number;
}
