import { chmodSync, existsSync, mkdtempSync, rmSync, statSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import SqliteDatabase from "better-sqlite3";
import { sql } from "kysely";
import { afterAll, describe, expect, it } from "vitest";
import { connectDatabase } from "./connect.ts";

const dirs: string[] = [];
const freshDir = () => {
  const dir = mkdtempSync(join(tmpdir(), "kassa-connect-"));
  dirs.push(dir);
  return dir;
};
afterAll(() => {
  for (const dir of dirs) rmSync(dir, { recursive: true, force: true });
});

/** Permission bits in octal ("600"), so a failure reads like `ls -l`. */
const modeOf = (path: string) => (statSync(path).mode & 0o777).toString(8);
const sqliteFiles = (path: string) => [path, `${path}-wal`, `${path}-shm`];

describe("the SQLite database's files hold secrets and are private to Kassa's user", () => {
  it("creates the database, and after a write its -wal and -shm, 0600, and the directory it creates 0700", async () => {
    const directory = join(freshDir(), "data");
    const path = join(directory, "kassa.sqlite");
    const database = connectDatabase({ url: path });
    try {
      await sql`CREATE TABLE secrets (value TEXT)`.execute(database.db);
      await sql`INSERT INTO secrets (value) VALUES ('app secret')`.execute(database.db);
      // SQLite creates -wal and -shm itself, with the main file's permissions: this checks that.
      for (const file of sqliteFiles(path)) expect([file, modeOf(file)]).toEqual([file, "600"]);
      expect(modeOf(directory)).toBe("700");
    } finally {
      await database.close();
    }
  });

  it("makes an existing world-readable database and its -wal and -shm 0600 on the next start", async () => {
    const path = join(freshDir(), "kassa.sqlite");
    // A database left by an older Kassa: 0644, with a connection (a CLI) holding -wal and -shm.
    const older = new SqliteDatabase(path);
    older.pragma("journal_mode = WAL");
    older.exec("CREATE TABLE secrets (value TEXT); INSERT INTO secrets VALUES ('app secret')");
    try {
      for (const file of sqliteFiles(path)) {
        chmodSync(file, 0o644);
        expect([file, existsSync(file), modeOf(file)]).toEqual([file, true, "644"]);
      }
      const database = connectDatabase({ url: path });
      try {
        for (const file of sqliteFiles(path)) expect([file, modeOf(file)]).toEqual([file, "600"]);
        const rows = await sql<{ value: string }>`SELECT value FROM secrets`.execute(database.db);
        expect(rows.rows).toEqual([{ value: "app secret" }]);
      } finally {
        await database.close();
      }
    } finally {
      older.close();
    }
  });
});
