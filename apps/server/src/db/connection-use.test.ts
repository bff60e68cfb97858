import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createTestDatabase, type TestDatabase } from "../../test/database.ts";
import { type ConnectionUse, connectDatabase, type DatabaseHandle } from "./connect.ts";

/**
 * connections(), what /metrics' kassa_db_pool_* gauges read at each scrape: at rest every
 * connection is idle and nothing waits; while transactions hold every connection, none is idle
 * and the next query is counted waiting. SQLite has its one connection; on PostgreSQL a pool
 * of two (pg's own counts).
 */
let database: TestDatabase;
let handle: DatabaseHandle;
let size: number;

beforeAll(async () => {
  database = await createTestDatabase();
  size = database.dialect === "postgres" ? 2 : 1;
  handle =
    database.dialect === "postgres"
      ? connectDatabase({
          url: database.url,
          ...(database.schema ? { schema: database.schema } : {}),
          poolSize: size,
        })
      : database.connectAgain();
});
afterAll(async () => {
  await handle?.close();
  await database?.close();
});

const read = () => handle.db.selectFrom("products").select("id").execute();

async function until(check: (use: ConnectionUse) => boolean): Promise<ConnectionUse> {
  for (const started = Date.now(); Date.now() - started < 5_000; ) {
    const use = handle.connections();
    if (check(use)) return use;
    await new Promise((resolve) => setTimeout(resolve, 5));
  }
  throw new Error(`connections never got there: ${JSON.stringify(handle.connections())}`);
}

describe("a database handle's connections", () => {
  it("are all idle at rest, none idle while transactions hold them, and the next query waits", async () => {
    await read();
    const rest = handle.connections();
    expect(rest.total).toBeGreaterThanOrEqual(1);
    expect(rest).toMatchObject({ idle: rest.total, waiting: 0 });

    let release = () => {};
    const gate = new Promise<void>((resolve) => {
      release = resolve;
    });
    const holders = Array.from({ length: size }, () =>
      handle.db.transaction().execute(async (trx) => {
        await trx.selectFrom("products").select("id").execute();
        await gate;
      }),
    );
    await until((use) => use.total === size && use.idle === 0);
    const queued = read();
    const held = await until((use) => use.waiting === 1);
    expect(held).toEqual({
      total: size,
      idle: 0,
      waiting: 1,
      // SQLite also counts waits for another process's lock: none here, its own queries queue in-process.
      ...(database.dialect === "sqlite" ? { lockWaits: 0 } : {}),
    });

    release();
    await Promise.all(holders);
    await queued;
    expect(await until((use) => use.waiting === 0 && use.idle === use.total)).toMatchObject({ total: size });
  });
});
