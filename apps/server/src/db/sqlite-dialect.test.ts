import { rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import SqliteDatabase from "better-sqlite3";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { connectDatabase, type DatabaseHandle } from "./connect.ts";
import { migrateToLatest } from "./migrate.ts";
import { SQLITE_BUSY_WAIT_MS } from "./sqlite-dialect.ts";

/**
 * Issue 7, item 8: another process holding SQLite's write lock must not freeze Kassa. These
 * tests hold the lock from a second connection (as a CLI or an operator's shell would) and
 * check that timers still fire and reads still answer while a write waits for it.
 * SQLite only: PostgreSQL has no file lock.
 */
let path: string;
let kassa: DatabaseHandle;
let locker: SqliteDatabase.Database;

beforeEach(async () => {
  path = join(tmpdir(), `kassa-lock-${process.pid}-${Math.random().toString(36).slice(2)}.sqlite`);
  kassa = connectDatabase({ url: path });
  await migrateToLatest(kassa);
  locker = new SqliteDatabase(path);
});
afterEach(async () => {
  if (locker.inTransaction) locker.exec("rollback");
  locker.close();
  await kassa.close();
  for (const file of [path, `${path}-wal`, `${path}-shm`]) rmSync(file, { force: true });
});

const insertProduct = (id: string) =>
  kassa.db
    .insertInto("products")
    .values({ id, app_id: "app_default", name: id, price_fen: 100, stock: 1, active: 1, created_at: 0 })
    .execute();
const countProducts = async () =>
  Number(
    (
      await kassa.db
        .selectFrom("products")
        .select((eb) => eb.fn.countAll<number>().as("n"))
        .executeTakeFirstOrThrow()
    ).n,
  );
const tick = () => new Promise((resolve) => setTimeout(resolve, 50));

describe("a write lock held by another process", () => {
  it("leaves the event loop and reads free while a statement waits, and the write lands once it is released", async () => {
    locker.exec("begin immediate");
    let written = false;
    const write = insertProduct("prd_waiting").then(() => {
      written = true;
    });
    await tick(); // a timer fires: the event loop is not blocked inside SQLite
    expect(await countProducts()).toBe(0); // and a read gets the connection meanwhile
    expect(written).toBe(false);
    locker.exec("commit");
    await write;
    expect(await countProducts()).toBe(1);
    // /metrics' kassa_db_sqlite_lock_waits_total: the one statement that waited, once.
    expect(kassa.connections().lockWaits).toBe(1);
  });

  it("makes a transaction wait for the lock at its start, with timers, then run whole", async () => {
    locker.exec("begin immediate");
    const transaction = kassa.db.transaction().execute(async (trx) => {
      await trx
        .insertInto("products")
        .values({
          id: "prd_tx",
          app_id: "app_default",
          name: "tx",
          price_fen: 1,
          stock: 1,
          active: 1,
          created_at: 0,
        })
        .execute();
      return "done";
    });
    await tick();
    expect(await countProducts()).toBe(0);
    locker.exec("commit");
    expect(await transaction).toBe("done");
    expect(await countProducts()).toBe(1);
  });

  it(`gives up with SQLITE_BUSY after about ${SQLITE_BUSY_WAIT_MS} ms while timers keep running`, async () => {
    locker.exec("begin immediate");
    let ticks = 0;
    const timer = setInterval(() => {
      ticks += 1;
    }, 100);
    try {
      await expect(insertProduct("prd_never")).rejects.toMatchObject({ code: "SQLITE_BUSY" });
    } finally {
      clearInterval(timer);
    }
    // With SQLite's own busy wait the loop would have been frozen: no tick at all.
    expect(ticks).toBeGreaterThan(5);
    locker.exec("rollback");
    expect(await countProducts()).toBe(0);
  });
});
