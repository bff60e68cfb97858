import { expect } from "vitest";
import { checkLedger } from "../src/app/check-ledger.ts";
import type { Executor } from "../src/db/executor.ts";

/** The end of every money flow test: the books hold (app/check-ledger.ts), and say how many entries. */
export async function expectLedgerHolds(db: Executor): Promise<number> {
  const report = await checkLedger(db);
  expect(report.problems).toEqual([]);
  return report.entries;
}
