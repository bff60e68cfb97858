import { type Kysely, Migrator, sql } from "kysely";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createTestDatabase, type TestDatabase } from "../../../test/database.ts";
import { migrateTo, migrateToLatest } from "../migrate.ts";
import { openRun, recordDifference } from "../reconciliation-runs-repo.ts";
import { MIGRATIONS } from "./index.ts";

/**
 * Migration 0010 on a database as the code before it left it (at 0006): its payments stay
 * as they were, a day's run is unique per (app, channel, day), a difference per (run, class,
 * subject), and the migration goes down and up again. SQLite and PostgreSQL.
 */
let database: TestDatabase;
const T = 1_764_000_000_000;

beforeAll(async () => {
  database = await createTestDatabase({ upTo: "0006-ledger" });
  const db = database.db;
  await sql`insert into users (id, app_id, appid, openid, created_at) values ('usr_1', 'app_default', 'wx1', 'o-1', ${T})`.execute(
    db,
  );
  await sql`insert into orders (id, app_id, user_id, status, amount_fen, description, expires_at, created_at, updated_at) values ('ord_1', 'app_default', 'usr_1', 'PAID', 1200, 'x', ${T}, ${T}, ${T})`.execute(
    db,
  );
  await sql`insert into payments (id, app_id, order_id, channel, out_trade_no, status, amount_fen, expires_at, paid_at, created_at, updated_at) values ('pay_1', 'app_default', 'ord_1', 'wechatpay', 'ord_1', 'PAID', 1200, ${T}, ${T}, ${T}, ${T})`.execute(
    db,
  );
  await migrateToLatest(database);
});
afterAll(async () => {
  await database?.close();
});

const difference = (runId: string, id: string) => ({
  id,
  runId,
  appId: "app_default",
  class: "missing_in_bill" as const,
  subject: "ord_1",
  outTradeNo: "ord_1",
  outRefundNo: undefined,
  billAmountFen: undefined,
  kassaAmountFen: 1200,
  ledgerAmountFen: undefined,
  detail: {},
  action: "look",
  status: "open" as const,
  pass: 1,
  now: T,
});

describe("migration 0010: reconciliation", () => {
  it("keeps the payments, and makes one run per (app, channel, day) however often it is opened", async () => {
    const payment = await database.db.selectFrom("payments").selectAll().executeTakeFirstOrThrow();
    expect(payment).toMatchObject({ id: "pay_1", status: "PAID", amount_fen: 1200, paid_at: T });
    const day = { appId: "app_default", channel: "wechatpay", day: "2026-03-14", now: T };
    const first = await openRun(database.db, { id: "rcn_1", ...day });
    const second = await openRun(database.db, { id: "rcn_2", ...day });
    expect(second.id).toBe(first.id);
    expect(first).toMatchObject({ status: "waiting", pass: 0, bill_payments: 0, differences_open: 0 });
  });

  it("records a difference once per (run, class, subject), telling the first time from the next", async () => {
    const run = await openRun(database.db, {
      id: "rcn_3",
      appId: "app_default",
      channel: "wechatpay",
      day: "2026-03-15",
      now: T,
    });
    expect(await recordDifference(database.db, difference(run.id, "rdf_1"))).toEqual({
      id: "rdf_1",
      created: true,
      reopened: false,
    });
    expect(await recordDifference(database.db, { ...difference(run.id, "rdf_2"), pass: 2 })).toEqual({
      id: "rdf_1",
      created: false,
      reopened: false,
    });
    const rows = await database.db
      .selectFrom("reconciliation_differences")
      .selectAll()
      .where("run_id", "=", run.id)
      .execute();
    expect(rows).toEqual([expect.objectContaining({ id: "rdf_1", pass: 2, kassa_amount_fen: 1200 })]);
  });

  it("carries forward a database that ran the later-numbered 0011 and 0012 before 0010 landed", async () => {
    const older = await createTestDatabase({ upTo: "0006-ledger" });
    try {
      const { rows } = await sql<{ schema: string | null }>`select current_schema() as schema`
        .execute(older.db)
        .catch(() => ({ rows: [{ schema: null }] }));
      const withoutThis = Object.fromEntries(
        Object.entries(MIGRATIONS).filter(([name]) => name !== "0010-reconciliation"),
      );
      const before = new Migrator({
        db: older.db as Kysely<unknown>,
        provider: { getMigrations: async () => withoutThis },
        ...(older.dialect === "postgres" && rows[0]?.schema ? { migrationTableSchema: rows[0].schema } : {}),
      });
      expect((await before.migrateToLatest()).error).toBeUndefined();
      const applied = await migrateToLatest(older);
      expect(applied.map((result) => result.migrationName)).toEqual(["0010-reconciliation"]);
    } finally {
      await older.close();
    }
  });

  /**
   * This database's tables only: on PostgreSQL the introspection lists every schema's, and
   * the tests running beside this one have their own schemas with these same tables.
   */
  async function ownTables(): Promise<string[]> {
    const schema =
      database.dialect === "postgres"
        ? (await sql<{ name: string }>`select current_schema() as name`.execute(database.db)).rows[0]?.name
        : undefined;
    const tables = await database.db.introspection.getTables();
    return tables
      .filter((table) => schema === undefined || table.schema === schema)
      .map((table) => table.name);
  }

  it("goes down to 0006 and up again", async () => {
    await migrateTo(database, "0006-ledger");
    expect(await ownTables()).not.toContain("reconciliation_runs");
    await migrateToLatest(database);
    expect(await ownTables()).toEqual(
      expect.arrayContaining([
        "reconciliation_runs",
        "reconciliation_differences",
        "reconciliation_statement_rows",
      ]),
    );
  });
});
