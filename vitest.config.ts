import { defineConfig } from "vitest/config";

/**
 * `npm run test:postgres` sets DATABASE_URL to run the suite again on PostgreSQL. Files that
 * never open Kassa's database gain nothing from a second pass, so that pass leaves them out:
 * the WeChat Pay and Alipay clients and the simulator (packages/*: the simulator keeps its own store, never
 * DATABASE_URL), the pure domain rules (apps/server/src/domain), and the browser tests, which
 * drive pages whose admin and merchant API the flow tests already run on PostgreSQL.
 */
const onPostgres = /^postgres(ql)?:/.test(process.env.DATABASE_URL ?? "");
const sameOnEveryDatabase = [
  "packages/**",
  "apps/server/src/domain/**",
  "apps/server/test/browser/**",
  // The example mini program's pages call the mini program API the flow tests already run on PostgreSQL.
  "examples/**",
];

export default defineConfig({
  test: {
    include: [
      "packages/*/src/**/*.test.ts",
      "packages/*/test/**/*.test.ts",
      "apps/*/src/**/*.test.ts",
      "apps/*/test/**/*.test.ts",
      "examples/*/test/**/*.test.ts",
    ],
    exclude: ["**/node_modules/**", ...(onPostgres ? sameOnEveryDatabase : [])],
    // A focused test would silently hide the rest of the suite on CI.
    allowOnly: false,
    testTimeout: 20_000,
    // A flow file's beforeAll starts Kassa and its simulator (two instances, for some): with
    // three workers on two cores that passed 10 s, vitest's default, on a loaded machine.
    hookTimeout: 60_000,
    // Vitest's default is one worker per core less one: a single worker on CI's two cores. The
    // flow tests spend most of their time waiting on HTTP, the simulator and the database, so
    // three share two cores well (2026-12-02, a clean clone's .ci/run: 21m50s in all, where one
    // worker had taken 20.5 min with 40 fewer files).
    maxWorkers: 3,
  },
});
