import { chmod, mkdir, open, readFile, rename } from "node:fs/promises";
import { join } from "node:path";
import { SandboxError } from "./errors.ts";

/**
 * The simulator's durable state: named tables of JSON records plus a few meta values,
 * kept in memory and written to `<dataDir>/state.json` as one snapshot.
 *
 * Why a JSON snapshot and not SQLite: a dev tool's state is small (merchants, orders,
 * codes, jobs), a snapshot needs no native module (better-sqlite3 must compile where no
 * prebuilt binary downloads), and a person can read and diff it. Durability: each write
 * goes to a temporary file, is fsynced, then renamed over the old one and the directory is
 * fsynced, so a crash leaves either the old or the new snapshot, never half of one.
 * Handlers `await store.commit()` before answering; commits that arrive while a write is
 * running share the next write (group commit), so a burst costs two writes, not N.
 *
 * state.json holds the platform's private keys, merchants' APIv3 keys and app secrets, so
 * it is 0600 (its temporary file is the one renamed into place) and a data directory the
 * store creates is 0700, as merchants/<mchid>/ and merchant.json are.
 */

const FORMAT = "kassa-sandbox-state";
const VERSION = 1;

interface Snapshot {
  format: typeof FORMAT;
  version: number;
  meta: Record<string, unknown>;
  tables: Record<string, Record<string, unknown>>;
}

/** A keyed collection of records. Mutate records in place, then `store.commit()`. */
export class Table<T> {
  readonly #rows: Map<string, T>;

  constructor(rows: Map<string, T>) {
    this.#rows = rows;
  }

  get(key: string): T | undefined {
    return this.#rows.get(key);
  }

  has(key: string): boolean {
    return this.#rows.has(key);
  }

  set(key: string, value: T): void {
    this.#rows.set(key, value);
  }

  delete(key: string): boolean {
    return this.#rows.delete(key);
  }

  values(): T[] {
    return [...this.#rows.values()];
  }

  /** Iterate without copying (for scans on hot paths). */
  iterate(): IterableIterator<T> {
    return this.#rows.values();
  }

  get size(): number {
    return this.#rows.size;
  }
}

export class SnapshotStore {
  readonly file: string;
  readonly #meta: Map<string, unknown>;
  readonly #tables = new Map<string, Map<string, unknown>>();
  readonly #beforeWrite: (() => void)[] = [];
  #tail: Promise<void> = Promise.resolve();
  #next: Promise<void> | undefined;
  readonly #durability: "fsync" | "relaxed";
  #relaxedTimer: NodeJS.Timeout | undefined;

  private constructor(file: string, snapshot: Snapshot | undefined, durability: "fsync" | "relaxed") {
    this.file = file;
    this.#durability = durability;
    this.#meta = new Map(Object.entries(snapshot?.meta ?? {}));
    for (const [name, rows] of Object.entries(snapshot?.tables ?? {})) {
      this.#tables.set(name, new Map(Object.entries(rows)));
    }
  }

  /** Open `<dataDir>/state.json`, or start empty when there is none yet. */
  static async open(dataDir: string, durability: "fsync" | "relaxed" = "fsync"): Promise<SnapshotStore> {
    await mkdir(dataDir, { recursive: true, mode: 0o700 });
    const file = join(dataDir, "state.json");
    let text: string | undefined;
    try {
      text = await readFile(file, "utf8");
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== "ENOENT") throw unreadable(file, error);
    }
    // An older simulator wrote it 0644: fix that now, not only at the next write.
    if (text !== undefined) await chmod(file, 0o600);
    return new SnapshotStore(file, text === undefined ? undefined : parseSnapshot(file, text), durability);
  }

  /** True when the data directory had no state yet (a first start). */
  get isNew(): boolean {
    return this.#meta.size === 0 && this.#tables.size === 0;
  }

  table<T>(name: string): Table<T> {
    let rows = this.#tables.get(name);
    if (!rows) {
      rows = new Map();
      this.#tables.set(name, rows);
    }
    return new Table(rows as Map<string, T>);
  }

  getMeta<T>(key: string): T | undefined {
    return this.#meta.get(key) as T | undefined;
  }

  setMeta(key: string, value: unknown): void {
    this.#meta.set(key, value);
  }

  /** Run before each write: state kept elsewhere (clock anchors, random streams) saves itself here. */
  onBeforeWrite(hook: () => void): void {
    this.#beforeWrite.push(hook);
  }

  /**
   * Resolves once everything changed so far is on disk ("fsync"), or at once with a write
   * scheduled within a second ("relaxed"; `flush()` on close writes what is left).
   */
  commit(): Promise<void> {
    if (this.#durability === "relaxed") {
      this.#relaxedTimer ??= setTimeout(() => {
        this.#relaxedTimer = undefined;
        this.#queueWrite().catch(() => undefined);
      }, 1_000);
      return Promise.resolve();
    }
    return this.#queueWrite();
  }

  /** Write everything now, whatever the durability (on close). */
  flush(): Promise<void> {
    clearTimeout(this.#relaxedTimer);
    this.#relaxedTimer = undefined;
    return this.#queueWrite();
  }

  #queueWrite(): Promise<void> {
    if (!this.#next) {
      const next = this.#tail.then(() => {
        this.#next = undefined; // changes made from here on need the following write
        return this.#write();
      });
      this.#next = next;
      this.#tail = next.catch(() => undefined);
    }
    return this.#next;
  }

  async #write(): Promise<void> {
    for (const hook of this.#beforeWrite) hook();
    const snapshot: Snapshot = {
      format: FORMAT,
      version: VERSION,
      meta: Object.fromEntries(this.#meta),
      tables: Object.fromEntries([...this.#tables].map(([name, rows]) => [name, Object.fromEntries(rows)])),
    };
    const temporary = `${this.file}.${process.pid}.tmp`;
    try {
      const handle = await open(temporary, "w", 0o600);
      try {
        await handle.chmod(0o600); // open's mode applies only when it creates: a crash may have left one
        await handle.writeFile(`${JSON.stringify(snapshot, null, 1)}\n`);
        if (this.#durability === "fsync") await handle.sync();
      } finally {
        await handle.close();
      }
      await rename(temporary, this.file);
      if (this.#durability === "fsync") {
        const directory = await open(join(this.file, ".."), "r");
        try {
          await directory.sync(); // the rename itself must survive a power cut
        } finally {
          await directory.close();
        }
      }
    } catch (error) {
      throw new SandboxError("STATE_WRITE_FAILED", `${this.file}: ${(error as Error).message}`, {
        cause: error,
      });
    }
  }
}

function parseSnapshot(file: string, text: string): Snapshot {
  let value: Partial<Snapshot>;
  try {
    value = JSON.parse(text) as Partial<Snapshot>;
  } catch (error) {
    throw unreadable(file, error);
  }
  if (value.format !== FORMAT || value.version !== VERSION || typeof value.tables !== "object") {
    throw new SandboxError(
      "STATE_UNREADABLE",
      `${file} is not a version ${VERSION} sandbox state; move it away or point --data at another directory`,
    );
  }
  return value as Snapshot;
}

function unreadable(file: string, cause: unknown): SandboxError {
  return new SandboxError("STATE_UNREADABLE", `${file}: ${(cause as Error).message}`, { cause });
}
