import type { Executor } from "../db/executor.ts";
import { checkLedger } from "./check-ledger.ts";

export const LEDGER_USAGE = "Usage:\n  npm run kassa -- ledger check";

/**
 * `npm run kassa -- ledger check`: checkLedger on the database `npm start` uses, for an
 * operator or a cron job. Exit code 0 when the books hold, 1 when a rule is broken (a broken
 * chain, an unbalanced entry, a balance that is not its postings' sum, an order whose money
 * the ledger does not match), 2 for a usage mistake.
 */
export async function runLedgerCommand(
  argv: readonly string[],
  io: { db: Executor; out: (line: string) => void; err: (line: string) => void },
): Promise<number> {
  if (argv.length !== 2 || argv[0] !== "ledger" || argv[1] !== "check") {
    io.err(LEDGER_USAGE);
    return 2;
  }
  const report = await checkLedger(io.db);
  const waiting = report.unsealed > 0 ? ` (${report.unsealed} awaiting their seal)` : "";
  const counts = `${report.entries} entries${waiting}, ${report.accounts} accounts, ${report.apps} apps`;
  if (report.problems.length === 0) {
    io.out(`ledger check: the books hold (${counts})`);
    return 0;
  }
  for (const problem of report.problems) io.err(`ledger check: ${problem}`);
  io.err(
    `ledger check: ${report.problems.length} problems found (${counts}); docs/ledger.md says what each means`,
  );
  return 1;
}
