import { sql } from "kysely";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createTestDatabase, type TestDatabase } from "../../test/database.ts";
import { postEntry } from "../db/ledger-repo.ts";
import { sealLedger } from "../db/ledger-seal.ts";
import { ledgerEntryFor } from "../domain/ledger-postings.ts";
import { runLedgerCommand } from "./ledger-command.ts";

/** `npm run kassa -- ledger check`: 0 while the books hold, 1 with the problems once they do not, 2 for a typo. */
let database: TestDatabase;

beforeAll(async () => {
  database = await createTestDatabase();
  await database.db.transaction().execute((trx) =>
    postEntry(trx, {
      appId: "app_default",
      orderId: null,
      now: 1_764_000_000_000,
      ...ledgerEntryFor({ rule: "wallet_adjusted", adjustmentId: "adj_1", userId: "usr_1", amountFen: 250 }),
    }),
  );
});
afterAll(async () => {
  await database?.close();
});

async function run(argv: string[]) {
  const out: string[] = [];
  const err: string[] = [];
  const code = await runLedgerCommand(argv, {
    db: database.db,
    out: (line) => out.push(line),
    err: (line) => err.push(line),
  });
  return { code, out, err };
}

describe("ledger check", () => {
  it("says the books hold, with what it read, also while an entry awaits its seal", async () => {
    expect(await run(["ledger", "check"])).toEqual({
      code: 0,
      out: ["ledger check: the books hold (1 entries (1 awaiting their seal), 2 accounts, 1 apps)"],
      err: [],
    });
    await sealLedger(database.db, { now: 1_764_000_000_001 });
    expect(await run(["ledger", "check"])).toEqual({
      code: 0,
      out: ["ledger check: the books hold (1 entries, 2 accounts, 1 apps)"],
      err: [],
    });
  });

  it("answers a usage mistake with the usage", async () => {
    expect(await run(["ledger", "chek"])).toMatchObject({
      code: 2,
      err: [expect.stringContaining("ledger check")],
    });
  });

  it("exits 1 and names the entry when its posting was edited behind the triggers' back", async () => {
    const on = database.dialect === "postgres" ? sql` on ledger_postings` : sql``;
    await sql`drop trigger ledger_postings_no_update${on}`.execute(database.db);
    await sql`update ledger_postings set amount_fen = 300 where line = 1`.execute(database.db);
    const { code, err } = await run(["ledger", "check"]);
    expect(code).toBe(1);
    expect(err).toEqual(
      expect.arrayContaining([
        expect.stringMatching(/position 1 .*postings sum to 50/),
        expect.stringMatching(/problems found \(1 entries, 2 accounts, 1 apps\)/),
      ]),
    );
  });
});
