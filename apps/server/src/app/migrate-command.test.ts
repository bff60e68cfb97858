import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createTestDatabase, type TestDatabase } from "../../test/database.ts";
import { MIGRATIONS } from "../db/migrations/index.ts";
import { runMigrateCommand } from "./migrate-command.ts";

/**
 * `npm run kassa -- migrate` on a database as the previous version left it (up to 0017):
 * `--status` names what is pending and exits 1; `migrate` applies it, naming each; then both
 * say the database is up to date.
 */
let database: TestDatabase;
const names = Object.keys(MIGRATIONS);
const pendingAtStart = names.slice(names.indexOf("0017-tips") + 1);

beforeAll(async () => {
  database = await createTestDatabase({ upTo: "0017-tips" });
});
afterAll(async () => {
  await database?.close();
});

async function run(argv: string[]) {
  const out: string[] = [];
  const err: string[] = [];
  const code = await runMigrateCommand(argv, {
    database,
    out: (line) => out.push(line),
    err: (line) => err.push(line),
  });
  return { code, out, err };
}

describe("kassa migrate", () => {
  it("--status lists applied and pending migrations, changes nothing, and exits 1 while some are pending", async () => {
    const status = await run(["migrate", "--status"]);
    expect(status.code).toBe(1);
    expect(status.out[0]).toMatch(/^applied {2}0001-init {2}\d{4}-\d\d-\d\dT/);
    expect(status.out.filter((line) => line.startsWith("pending"))).toEqual(
      pendingAtStart.map((name) => `pending  ${name}`),
    );
    expect(status.out.at(-1)).toBe(
      `migrate --status: ${names.length - pendingAtStart.length} applied, ${pendingAtStart.length} pending; npm run kassa -- migrate applies them`,
    );
    expect((await run(["migrate", "--status"])).code).toBe(1);
  });

  it("applies each pending migration and names it; a second run has nothing to do", async () => {
    expect(await run(["migrate"])).toEqual({
      code: 0,
      out: [
        ...pendingAtStart.map((name) => `migrate: applied ${name}`),
        `migrate: ${pendingAtStart.length} applied; the database is up to date (${names.length} migrations)`,
      ],
      err: [],
    });
    expect(await run(["migrate", "--json"])).toEqual({
      code: 0,
      out: [JSON.stringify({ applied: [], total: names.length })],
      err: [],
    });
    const status = await run(["migrate", "--status", "--json"]);
    expect(status.code).toBe(0);
    const parsed = JSON.parse(status.out[0] ?? "{}") as {
      pending: number;
      migrations: { name: string; appliedAt: string }[];
    };
    expect(parsed.pending).toBe(0);
    expect(parsed.migrations.map((migration) => migration.name)).toEqual(names);
    expect(parsed.migrations.every((migration) => !Number.isNaN(Date.parse(migration.appliedAt)))).toBe(true);
  });

  it("answers a usage mistake with the usage", async () => {
    expect(await run(["migrate", "--stats"])).toMatchObject({
      code: 2,
      err: [expect.stringContaining("migrate [--status]")],
    });
  });
});
