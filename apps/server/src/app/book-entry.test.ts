import { readdirSync, readFileSync } from "node:fs";
import { join, relative } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createTestDatabase, type TestDatabase } from "../../test/database.ts";
import type { DatabaseHandle } from "../db/connect.ts";
import type { Executor } from "../db/executor.ts";
import { accountBalance } from "../db/ledger-repo.ts";
import { inTransaction } from "../db/transaction.ts";
import type { WalletCreditedPayload } from "../domain/events.ts";
import type { Posting } from "../domain/ledger.ts";
import { type LedgerFact, ledgerEntryFor } from "../domain/ledger-postings.ts";
import { randomIdSource } from "../random-ids.ts";
import { bookEntry } from "./book-entry.ts";
import { checkLedger } from "./check-ledger.ts";

/**
 * bookEntry on the real database (SQLite, or PostgreSQL with DATABASE_URL): a wallet credit
 * posts with exactly one `wallet.credited`, carrying the balance after it; a cause booked
 * already tells nothing; concurrent credits of one wallet on several connections number their
 * events 1..n, each with its own balance. The flows (test/flows/wallet-events.test.ts) drive it
 * through real payments and refunds.
 */
let database: TestDatabase;
let others: DatabaseHandle[];
const APP = "app_default";
const T = 1_764_000_000_000;

beforeAll(async () => {
  database = await createTestDatabase();
  others = [database.connectAgain(), database.connectAgain(), database.connectAgain()];
});
afterAll(async () => {
  for (const other of others ?? []) await other.close();
  await database?.close();
});

let counter = 0;
const fresh = (prefix: string) => `${prefix}_${++counter}_${Date.now()}`;
const adjust = (userId: string, amountFen: number, adjustmentId = fresh("adj")): LedgerFact => ({
  rule: "wallet_adjusted",
  adjustmentId,
  userId,
  amountFen,
});
/** What bookEntry reported to /metrics, in order (AppObservers.ledgerEntryPosted). */
const reported: Array<{ cause: string; postings: readonly Posting[] }> = [];
const deps = {
  ids: randomIdSource,
  observe: {
    riskDecision: () => undefined,
    ledgerEntryPosted: (entry: (typeof reported)[number]) => reported.push(entry),
  },
};
const bookIn = (trx: Executor, fact: LedgerFact) =>
  bookEntry(trx, deps, { appId: APP, orderId: null, now: T + counter, ...ledgerEntryFor(fact) });
const book = (db: Executor, fact: LedgerFact) => inTransaction(db, (trx) => bookIn(trx, fact));
async function creditsOf(userId: string) {
  const rows = await database.db
    .selectFrom("outbox_events")
    .select(["type", "aggregate_id", "aggregate_seq", "payload"])
    .where("aggregate_id", "=", `wallet:${userId}`)
    .orderBy("aggregate_seq")
    .execute();
  return rows.map((row) => ({
    type: row.type,
    sequence: Number(row.aggregate_seq),
    payload: JSON.parse(row.payload) as WalletCreditedPayload,
  }));
}

describe("bookEntry", () => {
  it("writes one wallet.credited per credit, with the balance after it, and none for a debit", async () => {
    const userId = fresh("usr");
    expect(await book(database.db, adjust(userId, 700, "adj_credit_once"))).toBe("posted");
    expect(await book(database.db, adjust(userId, -200))).toBe("posted");
    expect(await book(database.db, adjust(userId, 50))).toBe("posted");
    const credits = await creditsOf(userId);
    expect(credits).toEqual([
      {
        type: "wallet.credited",
        sequence: 1,
        payload: {
          userId,
          amountFen: 700,
          balanceFen: 700,
          cause: { type: "wallet_adjustment", id: "adj_credit_once" },
          orderId: null,
          description: "wallet credited by an operator",
        },
      },
      expect.objectContaining({
        sequence: 2,
        payload: expect.objectContaining({ amountFen: 50, balanceFen: 550 }),
      }),
    ]);
    expect((await checkLedger(database.db)).problems).toEqual([]);
  });

  it("tells nothing when the cause was booked already (a duplicate posts nothing)", async () => {
    const userId = fresh("usr");
    const fact = adjust(userId, 300);
    expect(await book(database.db, fact)).toBe("posted");
    expect(await book(database.db, fact)).toBe("already_posted");
    expect(await creditsOf(userId)).toHaveLength(1);
    expect(await accountBalance(database.db, APP, `wallet:${userId}`)).toBe(300);
  });

  it("numbers concurrent credits of one wallet 1..n, each with its own balance", async () => {
    const userId = fresh("usr");
    const connections = [database.db, ...others.map((other) => other.db)];
    const results = await Promise.all(
      Array.from({ length: 12 }, (_, index) => book(connections[index % 4]!, adjust(userId, 100))),
    );
    expect(results.every((result) => result === "posted")).toBe(true);
    const credits = await creditsOf(userId);
    expect(credits.map((credit) => credit.sequence)).toEqual(Array.from({ length: 12 }, (_, i) => i + 1));
    // In sequence order, each saw the balance its own credit left: the wallet's row lock ordered them.
    expect(credits.map((credit) => credit.payload.balanceFen)).toEqual(
      Array.from({ length: 12 }, (_, i) => (i + 1) * 100),
    );
    expect((await checkLedger(database.db)).problems).toEqual([]);
  });
});

describe("bookEntry's report to /metrics", () => {
  it("comes once the caller's transaction committed, with the entry's cause and postings, and not for a duplicate", async () => {
    const userId = fresh("usr");
    const fact = adjust(userId, 400);
    reported.length = 0;
    await inTransaction(database.db, async (trx) => {
      expect(await bookIn(trx, fact)).toBe("posted");
      // Still inside the transaction: nothing is committed, so nothing is told yet.
      expect(reported).toEqual([]);
    });
    expect(reported).toEqual([
      {
        cause: "wallet_adjustment",
        postings: [
          { account: "adjustments", amountFen: 400 },
          { account: `wallet:${userId}`, amountFen: -400 },
        ],
      },
    ]);
    expect(await book(database.db, fact)).toBe("already_posted");
    expect(reported).toHaveLength(1);
  });

  it("never comes for an entry whose transaction rolled back", async () => {
    const userId = fresh("usr");
    reported.length = 0;
    await expect(
      inTransaction(database.db, async (trx) => {
        expect(await bookIn(trx, adjust(userId, 250))).toBe("posted");
        throw new Error("a later step of the same transaction failed");
      }),
    ).rejects.toThrow("a later step");
    expect(reported).toEqual([]);
    expect(await accountBalance(database.db, APP, `wallet:${userId}`)).toBe(0);
  });

  it("refuses a transaction inTransaction did not open, which could not say when it commits", async () => {
    await expect(
      database.db.transaction().execute((trx) => bookIn(trx, adjust(fresh("usr"), 100))),
    ).rejects.toThrow("afterCommit needs a transaction opened by inTransaction");
  });
});

describe("the one path", () => {
  it("of a transaction is inTransaction: the server's code opens none itself but check-ledger's read-only one", () => {
    const root = new URL("..", import.meta.url).pathname;
    const openers = sourceFiles(root).filter(
      (path) =>
        !path.startsWith("db/migrations/") &&
        /\.transaction\(\)/.test(readFileSync(join(root, path), "utf8")),
    );
    // Migrations run before any use case and book nothing.
    expect(openers.sort()).toEqual(["app/check-ledger.ts", "db/transaction.ts"]);
  });

  it("is bookEntry: nothing else in the server's code calls postEntry (a wallet credit always tells)", () => {
    const root = new URL("..", import.meta.url).pathname;
    const callers = sourceFiles(root).filter((path) =>
      /\bpostEntry\b/.test(readFileSync(join(root, path), "utf8")),
    );
    // Only the repository that defines it, and the wrapper. Tests may post directly.
    expect(callers.sort()).toEqual(["app/book-entry.ts", "db/ledger-repo.ts"]);
  });
});

/** The server's source files under `root`, tests left out, as paths relative to it. */
function sourceFiles(root: string): string[] {
  const files: string[] = [];
  const walk = (dir: string) => {
    for (const entry of readdirSync(dir, { withFileTypes: true })) {
      const path = join(dir, entry.name);
      if (entry.isDirectory()) walk(path);
      else if (entry.name.endsWith(".ts") && !entry.name.endsWith(".test.ts"))
        files.push(relative(root, path));
    }
  };
  walk(root);
  return files;
}
