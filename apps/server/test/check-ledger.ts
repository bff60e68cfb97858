import { expect } from "vitest";
import { checkLedger } from "../src/app/check-ledger.ts";
import type { Executor } from "../src/db/executor.ts";
import { sealLedger } from "../src/db/ledger-seal.ts";

/**
 * The end of every money flow test: the books hold (app/check-ledger.ts) as the flow left
 * them, with entries still awaiting their seal; then, sealed, they hold again with none
 * waiting. Returns how many entries there are.
 */
export async function expectLedgerHolds(db: Executor): Promise<number> {
  const before = await checkLedger(db);
  expect(before.problems).toEqual([]);
  await sealLedger(db, { now: Date.now() });
  const after = await checkLedger(db);
  expect(after.problems).toEqual([]);
  expect(after.unsealed).toBe(0);
  return after.entries;
}
