import type { ChildProcess } from "node:child_process";
import { mkdtempSync, rmSync } from "node:fs";
import { readFile } from "node:fs/promises";
import { createServer } from "node:net";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { fileURLToPath, pathToFileURL } from "node:url";
import type { RunningSandbox } from "@kassa/sandbox";
import { expect } from "vitest";
import { runKassaCommand } from "../../src/app/merchant/keys-command.ts";
import { DEMO_MERCHANT } from "../../src/channels/demo-sandbox.ts";
import type { CrashPointName } from "../../src/crash-point.ts";
import { randomIdSource } from "../../src/random-ids.ts";
import { findViolations } from "../convergence.ts";
import type { TestDatabase } from "../database.ts";
import { type ChildExit, startKassaProcess } from "../kassa-child-process.ts";
import { type Answer, requestJson } from "../kassa-harness.ts";

const root = resolve(fileURLToPath(import.meta.url), "../../../../..");

/**
 * kassa-process.ts and all of Kassa's source bundled into one file (esbuild, tsx's own),
 * dependencies left to node_modules. Node starts it in ~1.5 s where tsx, compiling each of
 * Kassa's files on the fly, takes ~4.5 s: with two starts per crash point, the difference is
 * the file's time budget. The code is the same; only when it is compiled differs. Returns
 * the program's path; `removeProgram` deletes it.
 */
export async function buildKassaProgram(): Promise<string> {
  const { build } = await import("esbuild");
  // Under node_modules, so the bundle's imports of dependencies resolve as the source's do.
  const outfile = join(root, "node_modules/.cache/kassa-crash", `kassa-process-${process.pid}.mjs`);
  await build({
    entryPoints: [join(root, "apps/server/test/crash/kassa-process.ts")],
    bundle: true,
    platform: "node",
    format: "esm",
    target: "node20",
    outfile,
    logLevel: "warning",
    plugins: [
      {
        name: "dependencies-external",
        setup(build) {
          // Bare imports stay imports, except the workspace's own packages, which are TypeScript.
          build.onResolve({ filter: /^[^./]/ }, (args) =>
            args.path.startsWith("@kassa/") ? undefined : { external: true },
          );
          // Each file keeps its own import.meta.url: the demo and console pages read their
          // assets relative to their source file.
          build.onLoad({ filter: /\.ts$/ }, async (args) => ({
            contents: (await readFile(args.path, "utf8")).replaceAll(
              "import.meta.url",
              JSON.stringify(pathToFileURL(args.path).href),
            ),
            loader: "ts",
          }));
        },
      },
    ],
  });
  return outfile;
}

export function removeProgram(program: string): void {
  rmSync(program, { force: true });
}

/** A free loopback port: Kassa keeps it across its restart, so notify URLs already given still reach it. */
export async function freePort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((done) => server.listen(0, "127.0.0.1", done));
  const address = server.address();
  await new Promise((done) => server.close(done));
  if (!address || typeof address === "string") throw new Error("no port");
  return address.port;
}

/**
 * One Kassa process (kassa-process.ts) on the test's database and simulator. `crashAt` arms a
 * crash point (src/crash-point.ts); `exited` says how the process ended.
 */
export class KassaProcess {
  private constructor(
    readonly child: ChildProcess,
    readonly url: string,
    readonly exited: Promise<ChildExit>,
    private readonly output: () => string,
  ) {}

  static async start(input: {
    program: string;
    database: TestDatabase;
    sandbox: RunningSandbox;
    port: number;
    dataDir: string;
    crashAt?: `${CrashPointName}${"" | `:${number}`}`;
    /** More of Kassa's settings (the simulation raises its rate limits); these win. */
    env?: Record<string, string>;
  }): Promise<KassaProcess> {
    const { child, url, exited, output } = await startKassaProcess({
      command: process.execPath,
      args: [input.program],
      cwd: root,
      env: {
        PATH: process.env.PATH ?? "",
        PORT: String(input.port),
        KASSA_DATA_DIR: input.dataDir,
        LOG_LEVEL: "warn",
        KASSA_MAX_OPEN_ORDERS_PER_USER: "1000",
        // Orders live 5 (virtual) minutes: longer than a prepay lease (60 s), short for expiry.
        KASSA_ORDER_TTL_MINUTES: "5",
        CRASH_SIMULATOR_URL: input.sandbox.url,
        CRASH_SIMULATOR_DIR: input.sandbox.dataDir,
        CRASH_DATABASE_URL: input.database.url,
        ...(input.database.schema ? { CRASH_DATABASE_SCHEMA: input.database.schema } : {}),
        ...(input.crashAt ? { KASSA_CRASH_AT: input.crashAt } : {}),
        ...input.env,
      },
    });
    return new KassaProcess(child, url, exited, output);
  }

  get logs(): string {
    return this.output();
  }

  async request(
    method: string,
    path: string,
    options: { token?: string; body?: unknown; headers?: Record<string, string> } = {},
  ): Promise<Answer> {
    return requestJson(this.url, method, path, options);
  }

  /** The request the crash point kills: it never gets an answer. */
  async requestThatDies(
    method: string,
    path: string,
    options: { token?: string; body?: unknown; headers?: Record<string, string> } = {},
  ) {
    await expect(this.request(method, path, options)).rejects.toThrow();
    await this.expectKilled();
  }

  async expectKilled(): Promise<void> {
    expect(await this.exited, this.output()).toEqual({ code: null, signal: "SIGKILL" });
  }

  async stop(): Promise<void> {
    if (this.child.exitCode !== null || this.child.signalCode !== null) return;
    this.child.kill("SIGTERM");
    await this.exited;
  }

  async login(sandbox: RunningSandbox): Promise<string> {
    const code = await sandbox.admin.mintLoginCode({ appid: DEMO_MERCHANT.appid });
    const answer = await this.request("POST", "/v1/session", { body: { code: code.code } });
    expect(answer.status, JSON.stringify(answer.body)).toBe(201);
    return (answer.body as { token: string }).token;
  }
}

/** A merchant API key made as `npm run kassa -- keys create` makes one, on the test's database. */
export async function makeApiKey(database: TestDatabase, now: () => number): Promise<string> {
  const out: string[] = [];
  const code = await runKassaCommand(["keys", "create", "--app", "app_default", "--scopes", "read,write"], {
    db: database.db,
    mode: "test",
    now,
    ids: randomIdSource,
    out: (line) => out.push(line),
    err: (line) => out.push(line),
  });
  const secret = out.map((line) => line.trim()).find((line) => line.startsWith("sk_"));
  if (code !== 0 || !secret) throw new Error(`keys create failed: ${out.join("\n")}`);
  return secret;
}

/** Pay at the simulator's cashier with the paySign Kassa handed out, as a payer does. */
export async function payAtCashier(sandbox: RunningSandbox, params: object): Promise<void> {
  const paid = await fetch(`${sandbox.url}/cashier/api/pay`, {
    method: "POST",
    headers: { "content-type": "application/json" },
    body: JSON.stringify({ ...params, bankType: "CMB_CREDIT" }),
  });
  expect(paid.status).toBe(200);
}

/** Poll until `check` holds (Kassa's jobs and the simulator's notifications are their own processes). */
export async function until(what: string, check: () => Promise<boolean>, timeoutMs = 8_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error(`never: ${what}`);
    await new Promise((wait) => setTimeout(wait, 25));
  }
}

export function tempDir(): string {
  return mkdtempSync(join(tmpdir(), "kassa-crash-"));
}

export function removeDir(dir: string): void {
  rmSync(dir, { recursive: true, force: true });
}

/** Converged after a crash: nothing in convergence.ts's list of violations. */
export async function expectConverged(
  database: TestDatabase,
  sandbox: RunningSandbox,
  stockBefore: Map<string, number>,
): Promise<void> {
  expect(await findViolations(database, sandbox, stockBefore)).toEqual([]);
}

export async function stockOf(database: TestDatabase): Promise<Map<string, number>> {
  const rows = await database.db.selectFrom("products").select(["id", "stock"]).execute();
  return new Map(rows.map((row) => [row.id, row.stock]));
}
