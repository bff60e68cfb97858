import { chmodSync, closeSync, mkdirSync, openSync } from "node:fs";
import { dirname } from "node:path";
import SqliteDatabase from "better-sqlite3";
import { Kysely } from "kysely";
import pg from "pg";
import { OwnSchemaPostgresDialect } from "./own-schema-introspector.ts";
import type { Database } from "./schema.ts";
import { AsyncWaitingSqliteDialect } from "./sqlite-dialect.ts";

/**
 * One Kysely over either database (design.md "SQL"): SQLite embedded by default, PostgreSQL
 * when a `postgres://` URL is configured. Queries are the same on both; where a dialect
 * must differ, the difference lives in one small function that asks `dialectOf`.
 */
export type DialectName = "sqlite" | "postgres";

export interface DatabaseHandle {
  db: Kysely<Database>;
  dialect: DialectName;
  /** How this process's connections are used right now (/metrics reads it at each scrape). */
  connections(): ConnectionUse;
  close(): Promise<void>;
}

/**
 * This process's connections to the database, as the driver knows them: on PostgreSQL pg's
 * Pool (totalCount, idleCount, waitingCount); on SQLite the one connection Kassa keeps, which
 * queries take turns on (sqlite-dialect.ts), so `total` is 1 and `waiting` the queries queued
 * for it.
 */
export interface ConnectionUse {
  total: number;
  idle: number;
  /** Queries waiting for a connection: a pool too small, or a transaction held too long. */
  waiting: number;
  /**
   * SQLite only: statements that, since start, found the write lock held by another process
   * (a CLI, an operator's shell) and waited for it with timers. PostgreSQL has no such lock.
   */
  lockWaits?: number;
}

export interface ConnectOptions {
  /** `postgres://...` or a SQLite file path (`:memory:` for a throwaway database). */
  url: string;
  /** PostgreSQL only: the schema to use (tests give each file its own). */
  schema?: string;
  poolSize?: number;
}

export function connectDatabase(options: ConnectOptions): DatabaseHandle {
  if (/^postgres(ql)?:\/\//.test(options.url)) return connectPostgres(options);
  return connectSqlite(options.url);
}

function connectSqlite(path: string): DatabaseHandle {
  // ":memory:" and "" are SQLite's names for databases without a file of ours.
  if (path !== ":memory:" && path !== "") createPrivately(path);
  const sqlite = new SqliteDatabase(path);
  // Money must survive a power cut: WAL with synchronous=FULL fsyncs every commit
  // (design.md "databases"; ~2.6k mark-paid tx/s measured on this machine).
  sqlite.pragma("journal_mode = WAL");
  sqlite.pragma("synchronous = FULL");
  sqlite.pragma("foreign_keys = ON");
  // A second process (a CLI next to the server) holding the lock is waited for with timers,
  // never inside SQLite, which would block the event loop (sqlite-dialect.ts).
  sqlite.pragma("busy_timeout = 0");
  const dialect = new AsyncWaitingSqliteDialect(sqlite);
  const db = new Kysely<Database>({ dialect });
  return { db, dialect: "sqlite", connections: () => dialect.connectionUse(), close: () => db.destroy() };
}

/**
 * The database holds payers' openids, their orders and the channel's notifications: only
 * Kassa's user may read it. SQLite would create it 0644 (umask 022), so create it 0600
 * first; SQLite then gives -wal and -shm the main file's permissions (os_unix.c
 * findCreateFileMode; checked by connect.test.ts). chmod also fixes a database an older
 * Kassa left world-readable, with any -wal/-shm still there. Directories Kassa creates
 * are 0700; existing ones are left alone.
 */
function createPrivately(path: string): void {
  mkdirSync(dirname(path), { recursive: true, mode: 0o700 });
  closeSync(openSync(path, "a", 0o600));
  for (const file of [path, `${path}-wal`, `${path}-shm`]) {
    try {
      chmodSync(file, 0o600);
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== "ENOENT") throw error;
    }
  }
}

/** int8 comes back from pg as a string; every int8 we store (fen, epoch ms) is a safe integer. */
function parseInt8(text: string): number {
  const value = Number(text);
  if (!Number.isSafeInteger(value)) throw new RangeError(`int8 ${text} exceeds Number's safe range`);
  return value;
}

function connectPostgres(options: ConnectOptions): DatabaseHandle {
  const types = {
    getTypeParser: ((oid: number, format?: "text" | "binary") =>
      oid === pg.types.builtins.INT8
        ? parseInt8
        : pg.types.getTypeParser(oid, format)) as typeof pg.types.getTypeParser,
  };
  const pool = new pg.Pool({
    connectionString: options.url,
    max: options.poolSize ?? 10,
    types,
    ...(options.schema ? { options: `-c search_path=${options.schema}` } : {}),
  });
  // An idle connection that dies (PostgreSQL restarted, the network cut) is an 'error' event on
  // the pool, which would end the process unheard. pg has already dropped that client and the
  // next query connects afresh; meanwhile queries fail, and /readyz says so.
  pool.on("error", () => undefined);
  const db = new Kysely<Database>({ dialect: new OwnSchemaPostgresDialect({ pool }) });
  return {
    db,
    dialect: "postgres",
    connections: () => ({ total: pool.totalCount, idle: pool.idleCount, waiting: pool.waitingCount }),
    close: () => db.destroy(),
  };
}
