import type BetterSqlite3 from "better-sqlite3";
import { CompiledQuery, type DatabaseConnection, type Driver, type QueryResult, SqliteDialect } from "kysely";
import type { ConnectionUse } from "./connect.ts";

/**
 * Kysely's SQLite dialect, changed in one way: waiting for a lock held by another process
 * (a second Kassa, a CLI, an operator's `sqlite3` shell) never blocks the event loop.
 *
 * better-sqlite3 is synchronous, so SQLite's own `busy_timeout` waits *inside* the call and
 * freezes every request meanwhile (issue 7: a held write lock froze the server for 4.5 s,
 * and WeChat Pay counted the notification as failed). Here `busy_timeout` is 0: a busy
 * database answers SQLITE_BUSY at once, and the driver waits with timers, letting go of
 * the one connection in between so other requests (reads, in WAL mode) go on. It retries
 * only where that is safe: a statement outside a transaction (it changed nothing), and
 * `BEGIN IMMEDIATE`, which takes the write lock up front, so a transaction never meets a
 * busy lock half-way (WAL's SQLITE_BUSY_SNAPSHOT cannot happen to it).
 */
export const SQLITE_BUSY_WAIT_MS = 2_500;

export class AsyncWaitingSqliteDialect extends SqliteDialect {
  readonly #database: BetterSqlite3.Database;
  readonly #mutex = new Mutex();
  readonly #lockWaits = { count: 0 };

  constructor(database: BetterSqlite3.Database) {
    super({ database });
    this.#database = database;
  }

  override createDriver(): Driver {
    return new AsyncWaitingSqliteDriver(this.#database, this.#mutex, this.#lockWaits);
  }

  /** The one connection: in use or idle, the queries queued for it, and the waits for another process's lock. */
  connectionUse(): ConnectionUse {
    return {
      total: 1,
      idle: this.#mutex.held ? 0 : 1,
      waiting: this.#mutex.waiting,
      lockWaits: this.#lockWaits.count,
    };
  }
}

class AsyncWaitingSqliteDriver implements Driver {
  readonly #mutex: Mutex;
  readonly #connection: WaitingConnection;

  constructor(database: BetterSqlite3.Database, mutex: Mutex, lockWaits: { count: number }) {
    this.#mutex = mutex;
    this.#connection = new WaitingConnection(database, mutex, lockWaits);
  }

  async init(): Promise<void> {}

  async acquireConnection(): Promise<DatabaseConnection> {
    // SQLite has one connection here; callers take turns on it (as Kysely's own driver).
    await this.#mutex.lock();
    return this.#connection;
  }

  async beginTransaction(): Promise<void> {
    await this.#connection.executeWaiting(CompiledQuery.raw("begin immediate"));
    this.#connection.inTransaction = true;
  }

  async commitTransaction(): Promise<void> {
    await this.#connection.executeQuery(CompiledQuery.raw("commit"));
    this.#connection.inTransaction = false;
  }

  async rollbackTransaction(): Promise<void> {
    this.#connection.inTransaction = false;
    await this.#connection.executeQuery(CompiledQuery.raw("rollback"));
  }

  async releaseConnection(): Promise<void> {
    this.#mutex.unlock();
  }

  async destroy(): Promise<void> {
    this.#connection.close();
  }
}

class WaitingConnection implements DatabaseConnection {
  inTransaction = false;

  constructor(
    private readonly database: BetterSqlite3.Database,
    private readonly mutex: Mutex,
    private readonly lockWaits: { count: number },
  ) {}

  executeQuery<R>(query: CompiledQuery): Promise<QueryResult<R>> {
    if (this.inTransaction) return Promise.resolve(this.#run<R>(query));
    return this.executeWaiting<R>(query);
  }

  /** Run; while another process holds the lock, wait with timers, the connection let go. */
  async executeWaiting<R>(query: CompiledQuery): Promise<QueryResult<R>> {
    const started = Date.now();
    for (let attempt = 0; ; attempt += 1) {
      try {
        return this.#run<R>(query);
      } catch (error) {
        if (!isBusy(error) || Date.now() - started >= SQLITE_BUSY_WAIT_MS) throw error;
      }
      // One statement's wait, counted once however many times it tries again.
      if (attempt === 0) this.lockWaits.count += 1;
      this.mutex.unlock();
      await new Promise((resolve) => setTimeout(resolve, Math.min(25, 2 ** attempt)));
      await this.mutex.lock();
    }
  }

  async *streamQuery<R>(query: CompiledQuery): AsyncIterableIterator<QueryResult<R>> {
    const statement = this.database.prepare(query.sql);
    for (const row of statement.iterate(query.parameters as unknown[])) yield { rows: [row as R] };
  }

  close(): void {
    this.database.close();
  }

  #run<R>(query: CompiledQuery): QueryResult<R> {
    const statement = this.database.prepare(query.sql);
    const parameters = query.parameters as unknown[];
    if (statement.reader) return { rows: statement.all(parameters) as R[] };
    const { changes, lastInsertRowid } = statement.run(parameters);
    return { numAffectedRows: BigInt(changes), insertId: BigInt(lastInsertRowid), rows: [] };
  }
}

function isBusy(error: unknown): boolean {
  const code = (error as { code?: unknown } | null)?.code;
  return typeof code === "string" && code.startsWith("SQLITE_BUSY");
}

/** Kysely's turn-taking for the one connection, as in its own SQLite driver. */
class Mutex {
  #held: Promise<void> | undefined;
  #release: (() => void) | undefined;
  /** Callers in lock() that have not got it yet. */
  waiting = 0;

  get held(): boolean {
    return this.#held !== undefined;
  }

  async lock(): Promise<void> {
    if (this.#held) {
      this.waiting += 1;
      try {
        while (this.#held) await this.#held;
      } finally {
        this.waiting -= 1;
      }
    }
    this.#held = new Promise((resolve) => {
      this.#release = resolve;
    });
  }

  unlock(): void {
    const release = this.#release;
    this.#held = undefined;
    this.#release = undefined;
    release?.();
  }
}
