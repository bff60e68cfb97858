import { spawnSync } from "node:child_process";
import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";
import { startKassa } from "../main.ts";
import { DatabaseUnavailableError } from "./connection-problem.ts";

/**
 * Real failures, not imitations: a port nothing listens on, a database name the local
 * PostgreSQL does not have, a role it does not know, a SQLite path under a regular file.
 * These tests name their own DATABASE_URL, so they run the same whatever DATABASE_URL says.
 */
const LOCAL_POSTGRES = "postgres://postgres@127.0.0.1:5432";
const dataDir = mkdtempSync(join(tmpdir(), "kassa-connection-problem-"));

async function startFailure(databaseUrl: string): Promise<unknown> {
  try {
    const running = await startKassa({
      env: { DATABASE_URL: databaseUrl, KASSA_DATA_DIR: dataDir },
      cwd: dataDir,
    });
    await running.close();
  } catch (error) {
    return error;
  }
  throw new Error(`Kassa started on ${databaseUrl}`);
}

describe("a database Kassa cannot use stops the start with one plain sentence", () => {
  it("says PostgreSQL refused the connection at host:port, without the password", async () => {
    const error = await startFailure("postgres://kassa:pw-never-shown@127.0.0.1:1/kassa");
    expect(error).toBeInstanceOf(DatabaseUnavailableError);
    expect((error as Error).message).toBe(
      "Kassa cannot start: cannot connect to PostgreSQL at 127.0.0.1:1 (connection refused): start PostgreSQL there, or fix the host and port in DATABASE_URL",
    );
  });

  it("says the database does not exist, by name", async () => {
    const error = await startFailure(`${LOCAL_POSTGRES}/kassa_does_not_exist_xyz`);
    expect(error).toBeInstanceOf(DatabaseUnavailableError);
    expect((error as Error).message).toMatch(
      /^Kassa cannot start: database kassa_does_not_exist_xyz does not exist on PostgreSQL at 127\.0\.0\.1:5432: create it/,
    );
  });

  it("says PostgreSQL refused the user", async () => {
    const error = await startFailure("postgres://kassa_no_such_role_xyz@127.0.0.1:5432/postgres");
    expect(error).toBeInstanceOf(DatabaseUnavailableError);
    expect((error as Error).message).toMatch(
      /^Kassa cannot start: PostgreSQL at 127\.0\.0\.1:5432 refused user kassa_no_such_role_xyz \(role "kassa_no_such_role_xyz" does not exist\)/,
    );
  });

  it("says the SQLite path cannot be written, and how to fix it", async () => {
    const aFile = join(dataDir, "not-a-directory");
    writeFileSync(aFile, "");
    const underAFile = await startFailure(join(aFile, "kassa.sqlite"));
    expect(underAFile).toBeInstanceOf(DatabaseUnavailableError);
    expect((underAFile as Error).message).toContain(
      `cannot open the SQLite database ${join(aFile, "kassa.sqlite")} (`,
    );
    expect((underAFile as Error).message).toContain("set DATABASE_URL (or KASSA_DATA_DIR)");

    const aDirectory = await startFailure(dataDir);
    expect(aDirectory).toBeInstanceOf(DatabaseUnavailableError);
    expect((aDirectory as Error).message).toContain(`cannot open the SQLite database ${dataDir} (`);
  });

  it("the CLI prints the sentence without a stack and exits 1", () => {
    const root = resolve(fileURLToPath(import.meta.url), "../../../../..");
    const cli = spawnSync(
      process.execPath,
      [join(root, "node_modules/tsx/dist/cli.mjs"), join(root, "apps/server/src/cli.ts")],
      {
        cwd: dataDir,
        env: { PATH: process.env.PATH ?? "", DATABASE_URL: "postgres://postgres@127.0.0.1:1/kassa" },
        encoding: "utf8",
        timeout: 60_000,
      },
    );
    expect(cli.status).toBe(1);
    expect(cli.stderr).toContain("cannot connect to PostgreSQL at 127.0.0.1:1 (connection refused)");
    expect(cli.stderr).not.toMatch(/^\s+at /m);
    // Only the step it was on (start-banner.ts startProgress), and never the URL.
    expect(cli.stdout).toBe("Migrating the database (PostgreSQL)...\n");
  });
});
