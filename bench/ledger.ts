import { randomBytes } from "node:crypto";
import { rmSync } from "node:fs";
import { loadavg, tmpdir } from "node:os";
import { join } from "node:path";
import { performance } from "node:perf_hooks";
import { sql } from "kysely";
import { checkLedger } from "../apps/server/src/app/check-ledger.ts";
import { connectDatabase, type DatabaseHandle } from "../apps/server/src/db/connect.ts";
import { accountBalance, postEntry } from "../apps/server/src/db/ledger-repo.ts";
import { migrateToLatest } from "../apps/server/src/db/migrate.ts";
import { inTransaction } from "../apps/server/src/db/transaction.ts";
import { KassaError } from "../apps/server/src/domain/errors.ts";
import { type LedgerFact, ledgerEntryFor } from "../apps/server/src/domain/ledger-postings.ts";

/**
 * `npm run bench:ledger` (issue 9 "Done when"): the ledger's cost, as ratios against a
 * baseline in the same run, on SQLite (WAL, synchronous=FULL) and on PostgreSQL.
 *
 * 1. Posting throughput: ENTRIES entries of two postings, one transaction each, through
 *    postEntry (head lock, hash chain, balances, append-only triggers), against a plain
 *    insert of the same rows (one entry row, two posting rows) into tables with no
 *    triggers, locks, hashes or balances. Rounds interleave the two, so both share each
 *    slow patch of the machine.
 * 2. A wallet-spend storm: SPENDERS concurrent spends of one wallet that covers a quarter of
 *    them; it checks exactly that many were booked, the rest refused by the CHECK, the
 *    balance 0, and the books hold; against the same number of concurrent plain inserts.
 *
 *   npm run bench:ledger                                   # ENTRIES=2000 ROUNDS=4 SPENDERS=200
 *   PG_URL=postgres://postgres@127.0.0.1:5432/test npm run bench:ledger   # that server (default)
 *   PG_URL= npm run bench:ledger                           # SQLite only
 */
const ENTRIES = Number(process.env.ENTRIES ?? 2_000);
const ROUNDS = Number(process.env.ROUNDS ?? 4);
const SPENDERS = Number(process.env.SPENDERS ?? 200);
const PG_URL = process.env.PG_URL ?? "postgres://postgres@127.0.0.1:5432/test";
const APP = "app_default";
const load = () =>
  loadavg()
    .map((x) => x.toFixed(2))
    .join(" ");

type Db = DatabaseHandle["db"];
let serial = 0;
/** A fresh number for each id the bench makes. */
const next = (): number => {
  serial += 1;
  return serial;
};

async function openDatabase(kind: "sqlite" | "postgres") {
  const suffix = randomBytes(6).toString("hex");
  if (kind === "sqlite") {
    const path = join(tmpdir(), `kassa-bench-ledger-${suffix}.sqlite`);
    const handle = connectDatabase({ url: path });
    const close = async () => {
      await handle.close();
      for (const file of [path, `${path}-wal`, `${path}-shm`]) rmSync(file, { force: true });
    };
    return { handle, close };
  }
  const schema = `kassa_bench_${suffix}`;
  const admin = connectDatabase({ url: PG_URL, poolSize: 1 });
  await sql`create schema ${sql.id(schema)}`.execute(admin.db);
  const handle = connectDatabase({ url: PG_URL, schema, poolSize: 8 });
  const close = async () => {
    await handle.close();
    await sql`drop schema ${sql.id(schema)} cascade`.execute(admin.db);
    await admin.close();
  };
  return { handle, close };
}

/** The baseline's tables: the same columns, none of the ledger's rules. */
async function createPlainTables(db: Db): Promise<void> {
  await sql`create table plain_entries (app_id text not null, seq bigint not null, cause_type text not null, cause_id text not null, order_id text, description text not null, posted_at bigint not null, prev_hash text not null, hash text not null, primary key (app_id, seq))`.execute(
    db,
  );
  await sql`create table plain_postings (app_id text not null, entry_seq bigint not null, line integer not null, account_code text not null, amount_fen bigint not null, primary key (app_id, entry_seq, line))`.execute(
    db,
  );
}

const sale = (): LedgerFact => ({
  rule: "purchase_captured",
  paymentId: `pay_bench_${next()}`,
  channel: "wechatpay",
  amountFen: 1_200,
});

async function postOne(db: Db, fact: LedgerFact): Promise<void> {
  const draft = ledgerEntryFor(fact);
  await inTransaction(db, (trx) => postEntry(trx, { appId: APP, orderId: null, now: Date.now(), ...draft }));
}

async function plainOne(db: Db, fact: LedgerFact): Promise<void> {
  const draft = ledgerEntryFor(fact);
  const seq = next();
  await inTransaction(db, async (trx) => {
    await sql`insert into plain_entries values (${APP}, ${seq}, ${draft.cause.type}, ${draft.cause.id}, ${null}, ${draft.description}, ${Date.now()}, ${"0".repeat(64)}, ${"0".repeat(64)})`.execute(
      trx,
    );
    for (const [index, posting] of draft.postings.entries())
      await sql`insert into plain_postings values (${APP}, ${seq}, ${index + 1}, ${posting.account}, ${posting.amountFen})`.execute(
        trx,
      );
  });
}

async function timed(work: () => Promise<void>): Promise<number> {
  const started = performance.now();
  await work();
  return (performance.now() - started) / 1000;
}

async function throughput(db: Db) {
  const ledger: number[] = [];
  const plain: number[] = [];
  const perRound = Math.ceil(ENTRIES / ROUNDS);
  for (let round = 0; round < ROUNDS; round += 1) {
    // Alternate which goes first, so neither always gets the warmer machine.
    const order = round % 2 === 0 ? ["ledger", "plain"] : ["plain", "ledger"];
    for (const which of order) {
      const seconds = await timed(async () => {
        for (let i = 0; i < perRound; i += 1) await (which === "ledger" ? postOne : plainOne)(db, sale());
      });
      (which === "ledger" ? ledger : plain).push(perRound / seconds);
    }
  }
  return { ledger: median(ledger), plain: median(plain), ratios: ledger.map((x, i) => x / plain[i]!) };
}

async function storm(db: Db) {
  const user = `usr_bench_storm_${next()}`;
  const covered = Math.floor(SPENDERS / 4);
  await postOne(db, {
    rule: "wallet_adjusted",
    adjustmentId: `wad_${user}`,
    userId: user,
    amountFen: covered * 100,
  });
  let refused = 0;
  const spend = (i: number) =>
    postOne(db, { rule: "wallet_paid", paymentId: `pay_${user}_${i}`, userId: user, amountFen: 100 }).catch(
      (error) => {
        if (!(error instanceof KassaError && error.code === "WALLET_INSUFFICIENT_FUNDS")) throw error;
        refused += 1;
      },
    );
  const ledgerSeconds = await timed(async () => {
    await Promise.all(Array.from({ length: SPENDERS }, (_, i) => spend(i)));
  });
  const balance = await accountBalance(db, APP, `wallet:${user}`);
  if (refused !== SPENDERS - covered || balance !== 0)
    throw new Error(
      `CHECK FAILED: ${SPENDERS - refused} spends booked of ${covered} covered, balance ${balance}`,
    );
  const plainSeconds = await timed(async () => {
    await Promise.all(Array.from({ length: SPENDERS }, () => plainOne(db, sale())));
  });
  return { ledger: SPENDERS / ledgerSeconds, plain: SPENDERS / plainSeconds, booked: covered, refused };
}

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)]!;
}

const fmt = (x: number) => Math.round(x).toLocaleString("en");

console.log(`load before: ${load()}; ENTRIES=${ENTRIES} ROUNDS=${ROUNDS} SPENDERS=${SPENDERS}`);
console.log("\n| database | case | ledger /s | plain insert /s | ledger ÷ plain (per-round range) | notes |");
console.log("|---|---|---|---|---|---|");
for (const kind of PG_URL ? (["sqlite", "postgres"] as const) : (["sqlite"] as const)) {
  const { handle, close } = await openDatabase(kind);
  try {
    await migrateToLatest(handle);
    await createPlainTables(handle.db);
    const posted = await throughput(handle.db);
    const range = `${Math.min(...posted.ratios).toFixed(2)}–${Math.max(...posted.ratios).toFixed(2)}`;
    console.log(
      `| ${kind} | posting, 1 entry (2 postings) per transaction | ${fmt(posted.ledger)} | ${fmt(posted.plain)} | ${(posted.ledger / posted.plain).toFixed(2)} (${range}) | medians of ${ROUNDS} interleaved rounds |`,
    );
    const stormed = await storm(handle.db);
    console.log(
      `| ${kind} | ${SPENDERS} concurrent wallet spends, balance covers ${stormed.booked} | ${fmt(stormed.ledger)} | ${fmt(stormed.plain)} | ${(stormed.ledger / stormed.plain).toFixed(2)} | ${stormed.booked} booked, ${stormed.refused} refused by the CHECK, balance 0 |`,
    );
    const report = await checkLedger(handle.db);
    if (
      report.problems.some(
        (problem) => !problem.includes("payment_captured") && !problem.includes("wallet_payment"),
      )
    )
      throw new Error(`CHECK FAILED: ${report.problems.slice(0, 3).join("; ")}`);
  } finally {
    await close();
  }
}
console.log(`\nload after: ${load()}`);
