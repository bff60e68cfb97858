import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { MIGRATIONS } from "./db/migrations/index.ts";
import { startKassa } from "./main.ts";
import { startProgress } from "./start-banner.ts";

/**
 * A first `npm start` says what it is doing, step by step, before the banner (issue 13: it
 * was 12 s of silence). This test names its own data directory and no DATABASE_URL, so it
 * starts on a fresh SQLite file whichever database the suite runs on: a first start.
 */
const dataDir = mkdtempSync(join(tmpdir(), "kassa-start-progress-"));
afterAll(() => rmSync(dataDir, { recursive: true, force: true }));

describe("npm start's progress", () => {
  it("names each step of a first start in order: migrating, the simulator, seeding, listening, the demo operator", async () => {
    const lines: string[] = [];
    const running = await startKassa({
      env: { KASSA_DATA_DIR: dataDir, PORT: "0", LOG_LEVEL: "silent" },
      cwd: dataDir,
      sandboxPort: 0,
      startWorker: false,
      progress: (line) => lines.push(line),
    });
    try {
      expect(lines).toEqual([
        `Migrating the database (${join(dataDir, "kassa.sqlite")})...`,
        `Database ready: ${Object.keys(MIGRATIONS).length} migrations applied.`,
        startProgress.simulator,
        startProgress.seeding,
        "Starting Kassa on 127.0.0.1:0...",
        startProgress.operator,
      ]);
      expect(running.demoOperator).toBeDefined();
    } finally {
      await running.close();
    }
    // A whole first start (simulator keys, seeding, a password hash) on two shared cores.
  }, 60_000);

  it("never shows a PostgreSQL URL, which may hold a password", () => {
    expect(startProgress.migrating("postgres://kassa:s3cret@db:5432/kassa")).toBe(
      "Migrating the database (PostgreSQL)...",
    );
    expect(startProgress.migrated(0)).toBe("Database up to date.");
  });
});
