import { describe, expect, it } from "vitest";
import { runSimulation } from "./run-simulation.ts";

/**
 * A few seeds of the whole-system simulation per push (issue 16.2: "CI runs a few seeds per
 * push"); `npm run simulate` runs the long ones. Each seed drives payers and refunds through
 * Kassa child processes and the simulator with its faults on, kills Kassa once, and checks
 * every invariant of convergence.ts against the simulator's record. SQLite by default, and on
 * PostgreSQL (`npm run test:postgres`) also with three instances on one database.
 */
const postgres = process.env.DATABASE_URL?.startsWith("postgres") === true;
const lines: string[] = [];
const log = (line: string) => lines.push(line);

// Each seed starts Kassa as a child process twice or more and lets virtual time run until
// everything settles: about a minute alone, more beside CI's other test files.
describe("seeded whole-system simulation", { timeout: 300_000 }, () => {
  for (const seed of ["ci-1", "ci-2"])
    it(`seed ${seed}: 40 payers, faults on, one SIGKILL; every invariant holds`, async () => {
      const report = await runSimulation({
        seed,
        orders: 40,
        instances: 1,
        concurrency: 4,
        restarts: 1,
        speed: 60,
        log,
      });
      expect(
        report.violations,
        `replay: npm run simulate -- --seed ${seed} --orders 40 --concurrency 4 --restarts 1`,
      ).toEqual([]);
      // The run did what it claims: payments, refunds, faults and duplicates happened.
      expect(report.outcomes.paid ?? 0).toBeGreaterThan(10);
      expect(report.refundsMade).toBeGreaterThan(0);
      expect(report.faultsInjected).toBeGreaterThan(10);
      expect(report.duplicateNotifications).toBeGreaterThan(report.outcomes.paid ?? 0);
      expect(report.restarts).toBe(1);
    });

  it.skipIf(!postgres)("three instances on one PostgreSQL database: every invariant holds", async () => {
    const report = await runSimulation({
      seed: "ci-3",
      orders: 60,
      instances: 3,
      concurrency: 6,
      restarts: 2,
      speed: 60,
      log,
    });
    expect(
      report.violations,
      "replay: npm run simulate -- --seed ci-3 --orders 60 --instances 3 --concurrency 6 --restarts 2",
    ).toEqual([]);
    expect(report.outcomes.paid ?? 0).toBeGreaterThan(20);
  });
});
