import { sql } from "kysely";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createTestDatabase, type TestDatabase } from "../../test/database.ts";
import { DEFAULT_RETENTION } from "../config-retention.ts";
import { postEntry } from "../db/ledger-repo.ts";
import { PURGED_OPENID_PREFIX, type RetentionTarget } from "../db/retention-repo.ts";
import type { Database } from "../db/schema.ts";
import { ledgerEntryFor } from "../domain/ledger-postings.ts";
import { checkLedger } from "./check-ledger.ts";
import { purgeExpiredData } from "./purge.ts";

/**
 * purgeExpiredData on every table it cuts, with rows on both sides of each retention (the
 * defaults: sessions 30 days after they end, keys 7, notifications 90, attempts 30, finished
 * deliveries and their events 90, payers 1095 days inactive), on SQLite and PostgreSQL.
 */
const DAY = 86_400_000;
const NOW = 1_800_000_000_000;
const ago = (days: number) => NOW - days * DAY;
const APP = "app_default";
let database: TestDatabase;

async function user(id: string, createdDaysAgo: number) {
  await database.db
    .insertInto("users")
    .values({ id, app_id: APP, appid: "wx_test", openid: `o_${id}`, created_at: ago(createdDaysAgo) })
    .execute();
}

async function order(
  id: string,
  userId: string,
  status: "PAID" | "PENDING" | "CLOSED",
  updatedDaysAgo: number,
  kind = "purchase",
) {
  await database.db
    .insertInto("orders")
    .values({
      id,
      app_id: APP,
      user_id: userId,
      status,
      amount_fen: 100,
      description: "Tea",
      expires_at: ago(updatedDaysAgo) + 1_800_000,
      created_at: ago(updatedDaysAgo),
      updated_at: ago(updatedDaysAgo),
      kind: kind as "purchase",
    })
    .execute();
}

const attempt = (id: string, days: number) => ({
  id,
  delivery_id: "whd_1",
  endpoint_id: "whe_1",
  trigger: "scheduled",
  url: "https://hooks.example/k",
  started_at: ago(days),
  latency_ms: 20,
  status_code: 200,
  response_excerpt: "ok",
  error: null,
  succeeded: 1,
});

beforeAll(async () => {
  database = await createTestDatabase();
  const db = database.db;
  // Payers: two long inactive (one with a tip), one with a recent order, one with an old
  // unfinished order, one with money in the wallet, one with a slot still to come, one new.
  await user("usr_gone", 2000);
  await user("usr_tipper", 2000);
  await user("usr_recent_order", 2000);
  await user("usr_unfinished", 2000);
  await user("usr_wallet", 2000);
  await user("usr_new", 10);
  await user("usr_booked", 2000);
  await order("ord_gone", "usr_gone", "PAID", 1500);
  await order("ord_recent", "usr_recent_order", "PAID", 10);
  await order("ord_unfinished", "usr_unfinished", "PENDING", 1500);
  await order("ord_tip", "usr_tipper", "PAID", 1500, "tip");
  await db
    .insertInto("tip_recipients")
    .values({
      id: "tpr_1",
      app_id: APP,
      name: "Barista",
      preset_amounts: "[100]",
      min_fen: 100,
      max_fen: 10_000,
      daily_cap_fen: 50_000,
      time_zone: "Asia/Shanghai",
      active: 1,
      created_at: ago(2000),
      updated_at: ago(2000),
    })
    .execute();
  await db
    .insertInto("tips")
    .values({
      order_id: "ord_tip",
      app_id: APP,
      recipient_id: "tpr_1",
      user_id: "usr_tipper",
      amount_fen: 100,
      message: "thanks, from table 4",
      day: "2022-01-01",
      status: "PAID",
      created_at: ago(1500),
      updated_at: ago(1500),
    })
    .execute();
  // Booked years ago for a slot that has not ended yet: they will come to it.
  await order("ord_booking", "usr_booked", "PAID", 1500, "booking");
  await db
    .insertInto("booking_services")
    .values({
      id: "bks_1",
      app_id: APP,
      name: "Tasting",
      cancellation_policy: "{}",
      created_at: ago(1500),
      updated_at: ago(1500),
    })
    .execute();
  await db
    .insertInto("booking_slots")
    .values({
      id: "bsl_1",
      app_id: APP,
      service_id: "bks_1",
      starts_at: NOW + DAY,
      ends_at: NOW + DAY + 3_600_000,
      time_zone: "Asia/Shanghai",
      capacity: 4,
      seats_held: 1,
      price_fen: 100,
      status: "OPEN",
      created_at: ago(1500),
      updated_at: ago(1500),
      cancelled_at: null,
    })
    .execute();
  await db
    .insertInto("bookings")
    .values({
      order_id: "ord_booking",
      app_id: APP,
      slot_id: "bsl_1",
      user_id: "usr_booked",
      seats: 1,
      unit_price_fen: 100,
      ticket_code: "T-1",
      status: "CONFIRMED",
      cancel_cause: null,
      refund_id: null,
      checked_in_at: null,
      cancelled_at: null,
      created_at: ago(1500),
      updated_at: ago(1500),
    })
    .execute();
  // The wallet's money is the ledger's: posted as an adjustment, years ago.
  await db.transaction().execute((trx) =>
    postEntry(trx, {
      appId: APP,
      orderId: null,
      now: ago(1500),
      ...ledgerEntryFor({
        rule: "wallet_adjusted",
        adjustmentId: "adj_1",
        userId: "usr_wallet",
        amountFen: 250,
      }),
    }),
  );

  await db
    .insertInto("sessions")
    .values([
      { token_hash: "s_ended_long_ago", user_id: "usr_new", created_at: ago(47), expires_at: ago(40) },
      { token_hash: "s_ended_lately", user_id: "usr_new", created_at: ago(10), expires_at: ago(3) },
    ])
    .execute();
  await db
    .insertInto("operators")
    .values({
      id: "opr_1",
      login: "ops",
      password_hash: "x",
      role: "admin",
      app_ids: null,
      totp_secret: null,
      failed_logins: 0,
      locked_until: null,
      created_at: ago(100),
      disabled_at: null,
    })
    .execute();
  const operatorSession = (token_hash: string, expires: number, revoked: number | null) => ({
    token_hash,
    operator_id: "opr_1",
    created_at: ago(60),
    last_seen_at: ago(60),
    expires_at: ago(expires),
    revoked_at: revoked === null ? null : ago(revoked),
  });
  await db
    .insertInto("operator_sessions")
    .values([
      operatorSession("os_revoked_long_ago", -10, 45),
      operatorSession("os_expired_long_ago", 31, null),
      operatorSession("os_live", -1, null),
    ])
    .execute();
  const key = (name: string, createdDaysAgo: number, lockedUntil: number) => ({
    user_id: "usr_new",
    key: name,
    request_hash: "h",
    response_status: 201,
    response_body: "{}",
    created_at: ago(createdDaysAgo),
    locked_until: lockedUntil,
  });
  await db
    .insertInto("idempotency_keys")
    .values([key("k_old", 8, ago(8)), key("k_old_still_locked", 8, NOW + 60_000), key("k_young", 6, ago(6))])
    .execute();
  await db
    .insertInto("channel_notifications")
    .values(
      [91, 92, 93, 94, 95, 89].map((days) => ({
        notification_id: `n_${days}`,
        channel: "wechatpay",
        event_type: "TRANSACTION.SUCCESS",
        out_trade_no: `ord_${days}`,
        outcome: "applied",
        received_at: ago(days),
      })),
    )
    .execute();
  await db
    .insertInto("webhook_endpoints")
    .values({
      id: "whe_1",
      app_id: APP,
      url: "https://hooks.example/k",
      description: "",
      event_types: "*",
      enabled: 1,
      disabled_reason: null,
      secret_sealed: null,
      secret_fingerprint: "f",
      previous_secret_sealed: null,
      previous_secret_expires_at: null,
      failing_since: null,
      created_at: ago(40),
      updated_at: ago(40),
      deleted_at: null,
    })
    .execute();
  await db
    .insertInto("outbox_events")
    .values({
      id: "evt_1",
      app_id: APP,
      type: "order.paid",
      aggregate_id: "ord_gone",
      payload: "{}",
      created_at: ago(40),
      published_at: null,
      aggregate_seq: 1,
    })
    .execute();
  await db
    .insertInto("webhook_deliveries")
    .values({
      id: "whd_1",
      app_id: APP,
      endpoint_id: "whe_1",
      event_id: "evt_1",
      status: "succeeded",
      step: 0,
      attempt_count: 2,
      next_attempt_at: null,
      last_attempt_at: ago(1),
      last_status_code: 200,
      last_error: null,
      succeeded_at: ago(1),
      replay_requested_at: null,
      created_at: ago(40),
      updated_at: ago(1),
    })
    .execute();
  await db
    .insertInto("webhook_attempts")
    .values([attempt("wha_old", 31), attempt("wha_young", 1)])
    .execute();
  await eventsAndDeliveries();
});

/**
 * Events 100 days old (past the 90 of the default), their deliveries on both sides of what
 * may go: finished ones, one still retrying and one asked to be replayed; events with no
 * delivery left, an object's newest event, and the `order.closed` of an order paid after it.
 */
async function eventsAndDeliveries() {
  const db = database.db;
  await order("ord_closed_long_ago", "usr_gone", "CLOSED", 1500);
  const event = (
    id: string,
    aggregate: string,
    seq: number | null,
    days: number,
    type = "wallet.credited",
  ) => ({
    id,
    app_id: APP,
    type,
    aggregate_id: aggregate,
    payload: "{}",
    created_at: ago(days),
    published_at: null,
    aggregate_seq: seq,
  });
  await db
    .insertInto("outbox_events")
    .values([
      event("evt_w1", "wallet:usr_wallet", 1, 100),
      event("evt_w2", "wallet:usr_wallet", 2, 100),
      event("evt_w3", "wallet:usr_wallet", 3, 100),
      event("evt_w4", "wallet:usr_wallet", 4, 100),
      event("evt_w5", "wallet:usr_wallet", 5, 100),
      event("evt_w6", "wallet:usr_wallet", 6, 89),
      // The only, so the newest, event of its object: the next one is numbered from it.
      event("evt_t1", "wallet:usr_tipper", 1, 100),
      // ord_recent was paid after this close: a refund asks whether the close gave stock back.
      event("evt_c1", "ord_recent", 1, 100, "order.closed"),
      event("evt_c2", "ord_recent", 2, 100, "order.paid"),
      // An event from before numbering (migration 0009) of an order that stayed closed.
      event("evt_x1", "ord_closed_long_ago", null, 100, "order.closed"),
    ])
    .execute();
  const delivery = (id: string, eventId: string, status: string, days: number, replayAsked = false) => ({
    id,
    app_id: APP,
    endpoint_id: "whe_1",
    event_id: eventId,
    status,
    step: status === "pending" ? 9 : 0,
    attempt_count: 9,
    next_attempt_at: status === "pending" ? NOW + DAY : null,
    last_attempt_at: ago(days),
    last_status_code: status === "succeeded" ? 200 : 500,
    last_error: null,
    succeeded_at: status === "succeeded" ? ago(days) : null,
    replay_requested_at: replayAsked ? ago(days) : null,
    created_at: ago(100),
    updated_at: ago(days),
  });
  await db
    .insertInto("webhook_deliveries")
    .values([
      delivery("whd_w1", "evt_w1", "succeeded", 99),
      delivery("whd_w2", "evt_w2", "failed", 95),
      // Still being retried, its last change older than the cut-off: never due.
      delivery("whd_w3", "evt_w3", "pending", 95),
      delivery("whd_w4", "evt_w4", "failed", 95, true),
    ])
    .execute();
  await db
    .insertInto("webhook_attempts")
    .values({ ...attempt("wha_w2", 95), delivery_id: "whd_w2" })
    .execute();
}
afterAll(async () => {
  await database?.close();
});

const TABLES = [
  "users",
  "sessions",
  "operator_sessions",
  "idempotency_keys",
  "channel_notifications",
  "webhook_attempts",
  "webhook_deliveries",
  "outbox_events",
  "tips",
  "orders",
  "ledger_entries",
  "ledger_postings",
  "ledger_accounts",
] as const satisfies readonly (keyof Database)[];

async function everyRow() {
  const rows: Record<string, unknown[]> = {};
  for (const table of TABLES) rows[table] = await database.db.selectFrom(table).selectAll().execute();
  return rows;
}

const EXPECTED: Record<RetentionTarget, number> = {
  sessions: 1,
  operator_sessions: 2,
  idempotency_keys: 1,
  channel_notifications: 5,
  // wha_old, and wha_w2 of a delivery given up 95 days ago.
  webhook_attempts: 2,
  webhook_deliveries: 2,
  outbox_events: 4,
  inactive_users: 2,
};

describe("purge (issue 13, data retention)", () => {
  it("counts in a dry run what is past each retention, and changes nothing", async () => {
    const before = await everyRow();
    const report = await purgeExpiredData(database.db, {
      now: NOW,
      retention: DEFAULT_RETENTION,
      dryRun: true,
    });
    expect(report.dryRun).toBe(true);
    expect(Object.fromEntries(report.lines.map((line) => [line.table, line.rows]))).toEqual(EXPECTED);
    expect(report.lines.find((line) => line.table === "channel_notifications")).toMatchObject({
      retentionDays: 90,
      before: ago(90),
    });
    expect(await everyRow()).toEqual(before);
  });

  it("removes what is older in bounded batches, keeps what is younger, and anonymises only inactive payers", async () => {
    const db = database.db;
    const ledgerBefore = await Promise.all([
      db.selectFrom("ledger_entries").selectAll().execute(),
      db.selectFrom("ledger_postings").selectAll().execute(),
      db.selectFrom("ledger_accounts").selectAll().execute(),
      db.selectFrom("orders").selectAll().orderBy("id").execute(),
    ]);
    const batches: string[] = [];
    const report = await purgeExpiredData(db, {
      now: NOW,
      retention: DEFAULT_RETENTION,
      batchSize: 2,
      onBatch: (table, rows) => batches.push(`${table}:${rows}`),
    });
    expect(Object.fromEntries(report.lines.map((line) => [line.table, line.rows]))).toEqual(EXPECTED);
    // Five notifications at two a statement: three statements, never one large delete.
    expect(batches.filter((batch) => batch.startsWith("channel_notifications"))).toEqual([
      "channel_notifications:2",
      "channel_notifications:4",
      "channel_notifications:5",
    ]);

    const keys = async (table: keyof Database, column: string) =>
      (await sql<{ k: string }>`select ${sql.ref(column)} as k from ${sql.table(table)}`.execute(db)).rows
        .map((row) => row.k)
        .sort();
    expect(await keys("sessions", "token_hash")).toEqual(["s_ended_lately"]);
    expect(await keys("operator_sessions", "token_hash")).toEqual(["os_live"]);
    expect(await keys("idempotency_keys", "key")).toEqual(["k_old_still_locked", "k_young"]);
    expect(await keys("channel_notifications", "notification_id")).toEqual(["n_89"]);
    expect(await keys("webhook_attempts", "id")).toEqual(["wha_young"]);
    // Finished 95 and 99 days ago went; the one still retrying and the one asked to replay stay.
    expect(await keys("webhook_deliveries", "id")).toEqual(["whd_1", "whd_w3", "whd_w4"]);
    // Gone: two whose deliveries went, one never delivered, and a closed order's legacy event.
    // Kept: evt_1 (40 days, its delivery), evt_w3 (undispatched: still retrying), evt_w4 (a replay),
    // evt_w6 (young), evt_t1 (its wallet's newest), evt_c1 (the close of an order paid after it), evt_c2 (newest).
    expect(await keys("outbox_events", "id")).toEqual([
      "evt_1",
      "evt_c1",
      "evt_c2",
      "evt_t1",
      "evt_w3",
      "evt_w4",
      "evt_w6",
    ]);

    const users = await db.selectFrom("users").select(["id", "openid", "purged_at"]).orderBy("id").execute();
    expect(users).toEqual([
      { id: "usr_booked", openid: "o_usr_booked", purged_at: null },
      { id: "usr_gone", openid: `${PURGED_OPENID_PREFIX}usr_gone`, purged_at: NOW },
      { id: "usr_new", openid: "o_usr_new", purged_at: null },
      { id: "usr_recent_order", openid: "o_usr_recent_order", purged_at: null },
      { id: "usr_tipper", openid: `${PURGED_OPENID_PREFIX}usr_tipper`, purged_at: NOW },
      { id: "usr_unfinished", openid: "o_usr_unfinished", purged_at: null },
      { id: "usr_wallet", openid: "o_usr_wallet", purged_at: null },
    ]);
    expect(await db.selectFrom("tips").select(["order_id", "amount_fen", "message"]).execute()).toEqual([
      { order_id: "ord_tip", amount_fen: 100, message: null },
    ]);
    // The books, their accounts and every order are exactly as they were, and still check.
    expect(
      await Promise.all([
        db.selectFrom("ledger_entries").selectAll().execute(),
        db.selectFrom("ledger_postings").selectAll().execute(),
        db.selectFrom("ledger_accounts").selectAll().execute(),
        db.selectFrom("orders").selectAll().orderBy("id").execute(),
      ]),
    ).toEqual(ledgerBefore);
    expect((await checkLedger(db)).problems).toEqual([]);
  });

  it("finds nothing more on a second run", async () => {
    const report = await purgeExpiredData(database.db, { now: NOW, retention: DEFAULT_RETENTION });
    expect(report.lines.map((line) => line.rows)).toEqual([0, 0, 0, 0, 0, 0, 0, 0]);
  });

  it("takes a finished delivery's attempts with it even when attempts are kept longer, and its event in the same run", async () => {
    const db = database.db;
    await db
      .insertInto("outbox_events")
      .values(
        [1, 2].map((seq) => ({
          id: `evt_late_${seq}`,
          app_id: APP,
          type: "order.paid",
          aggregate_id: "ord_late",
          payload: "{}",
          created_at: ago(seq === 1 ? 100 : 1),
          published_at: null,
          aggregate_seq: seq,
        })),
      )
      .execute();
    await db
      .insertInto("webhook_deliveries")
      .values({
        id: "whd_late",
        app_id: APP,
        endpoint_id: "whe_1",
        event_id: "evt_late_1",
        status: "failed",
        step: 0,
        attempt_count: 1,
        next_attempt_at: null,
        last_attempt_at: ago(95),
        last_status_code: 500,
        last_error: null,
        succeeded_at: null,
        replay_requested_at: null,
        created_at: ago(100),
        updated_at: ago(95),
      })
      .execute();
    await db
      .insertInto("webhook_attempts")
      .values({ ...attempt("wha_late", 95), delivery_id: "whd_late" })
      .execute();
    const report = await purgeExpiredData(db, {
      now: NOW,
      retention: { ...DEFAULT_RETENTION, webhookAttemptsDays: 36_500 },
    });
    expect(Object.fromEntries(report.lines.map((line) => [line.table, line.rows]))).toMatchObject({
      webhook_attempts: 0,
      webhook_deliveries: 1,
      outbox_events: 1,
    });
    expect(
      await db.selectFrom("webhook_attempts").select("id").where("id", "=", "wha_late").execute(),
    ).toEqual([]);
    expect(
      (
        await db.selectFrom("outbox_events").select("id").where("aggregate_id", "=", "ord_late").execute()
      ).map((row) => row.id),
    ).toEqual(["evt_late_2"]);
  });
});
