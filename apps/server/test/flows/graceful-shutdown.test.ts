import { execFileSync } from "node:child_process";
import { mkdtempSync, rmSync } from "node:fs";
import { connect } from "node:net";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { fileURLToPath, pathToFileURL } from "node:url";
import { afterAll, describe, expect, it } from "vitest";
import { type KassaChildProcess, startKassaProcess } from "../kassa-child-process.ts";
import { KassaUnderTest } from "../kassa-harness.ts";
import { addEndpoint, cancelOrder, ReceiverPool } from "../webhook-flows.ts";

/**
 * SIGTERM and SIGINT (issue 13): Kassa stops taking requests, answers those in flight, gives
 * back the leases of jobs that outlast KASSA_SHUTDOWN_TIMEOUT_SECONDS, closes the database and
 * exits 0. The signal goes to the real `npm start` program (cli.ts in node with tsx's loader, as npm runs it),
 * and to the compiled build production runs (`npm run build`, then `node apps/server/dist/cli.js`).
 */
const root = resolve(fileURLToPath(import.meta.url), "../../../../..");
const dataDirs: string[] = [];
afterAll(() => {
  for (const dir of dataDirs) rmSync(dir, { recursive: true, force: true });
});

/**
 * cli.ts in a child process, on free ports, once its banner says where it listens: in node
 * with tsx's loader as npm runs it, `npm start` itself, or the compiled build. Its own data directory and no
 * DATABASE_URL: a fresh SQLite file, whichever database the suite runs on.
 */
async function startCli(
  env: Record<string, string> = {},
  how: "tsx" | "npm start" | "compiled" = "tsx",
  dataDir = mkdtempSync(join(tmpdir(), "kassa-shutdown-")),
): Promise<KassaChildProcess> {
  dataDirs.push(dataDir);
  const settings = { PORT: "0", KASSA_SIMULATOR_PORT: "0", LOG_LEVEL: "warn", ...env };
  const program = {
    // `node --import tsx`, as `npm start` runs it (by path: the child's cwd is its data directory).
    tsx: [
      "--import",
      pathToFileURL(join(root, "node_modules/tsx/dist/loader.mjs")).href,
      join(root, "apps/server/src/cli.ts"),
    ],
    compiled: ["--enable-source-maps", join(root, "apps/server/dist/cli.js")],
  };
  return how !== "npm start"
    ? startKassaProcess({
        command: process.execPath,
        args: program[how],
        cwd: dataDir,
        env: { PATH: process.env.PATH ?? "", ...settings },
      })
    : startKassaProcess({
        command: "npm",
        args: ["start"],
        cwd: root,
        env: {
          PATH: process.env.PATH ?? "",
          HOME: process.env.HOME ?? dataDir,
          KASSA_DATA_DIR: dataDir,
          ...settings,
        },
      });
}

describe("graceful shutdown", () => {
  it("answers a request still being sent when SIGTERM arrives, refuses new connections, and exits 0", async () => {
    const { child, url, output, exited } = await startCli();
    const { port } = new URL(url);
    const body = JSON.stringify({ code: "not-a-real-login-code" });
    const socket = connect({ host: "127.0.0.1", port: Number(port) });
    await new Promise((ready) => socket.once("connect", ready));
    let answer = "";
    socket.on("data", (chunk: Buffer) => {
      answer += chunk.toString("utf8");
    });
    const closed = new Promise((done) => socket.once("close", done));
    // Half the body now: the request is in flight, its handler cannot run yet.
    socket.write(
      `POST /v1/session HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/json\r\nContent-Length: ${body.length}\r\n\r\n${body.slice(0, 5)}`,
    );
    await new Promise((wait) => setTimeout(wait, 200));
    child.kill("SIGTERM");
    // Stopped taking requests: a new connection is refused while the old request waits.
    for (let tries = 0; ; tries += 1) {
      const refused = await new Promise<boolean>((done) => {
        const probe = connect({ host: "127.0.0.1", port: Number(port) });
        probe.once("connect", () => {
          probe.destroy();
          done(false);
        });
        probe.once("error", () => done(true));
      });
      if (refused) break;
      if (tries > 100) throw new Error("Kassa still accepts connections after SIGTERM");
      await new Promise((wait) => setTimeout(wait, 20));
    }
    expect(answer).toBe("");
    // The rest of the body, without closing our side (a half-close aborts a request in Node).
    socket.write(body.slice(5));
    for (let tries = 0; !/\r\n\r\n[\s\S]*\}/.test(answer); tries += 1) {
      if (tries > 500) throw new Error(`no answer to the request in flight; Kassa said:\n${output()}`);
      await new Promise((wait) => setTimeout(wait, 20));
    }
    socket.end();
    await closed;
    // The request was answered as any other: Kassa's error for a login code WeChat does not know.
    expect(answer).toMatch(/^HTTP\/1\.1 (4\d\d) /);
    expect(answer).toMatch(/"code":"[A-Z_]+"/);
    expect(await exited).toEqual({ code: 0, signal: null });
    expect(output()).toContain(
      "SIGTERM: stopping; requests and jobs in flight get up to 10 s (KASSA_SHUTDOWN_TIMEOUT_SECONDS)",
    );
    expect(output()).toContain("Kassa stopped.");
  }, 60_000);

  it("cuts a request still unanswered at the deadline, and still exits 0", async () => {
    const { child, url, exited } = await startCli({ KASSA_SHUTDOWN_TIMEOUT_SECONDS: "1" });
    const socket = connect({ host: "127.0.0.1", port: Number(new URL(url).port) });
    await new Promise((ready) => socket.once("connect", ready));
    socket.on("error", () => undefined);
    const closed = new Promise((done) => socket.once("close", done));
    // A body that never completes.
    socket.write(
      "POST /v1/session HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/json\r\nContent-Length: 100\r\n\r\n{",
    );
    await new Promise((wait) => setTimeout(wait, 200));
    const sent = Date.now();
    child.kill("SIGTERM");
    await closed;
    expect(await exited).toEqual({ code: 0, signal: null });
    expect(Date.now() - sent).toBeGreaterThanOrEqual(900);
  }, 60_000);
});

describe("npm start", () => {
  it("stops when npm gets SIGTERM: npm passes it on to Kassa, which stops gracefully", async () => {
    const { child, url, output, exited } = await startCli({}, "npm start");
    child.kill("SIGTERM"); // to npm only, as a process manager that knows npm's pid does
    expect(await exited).toEqual({ code: 0, signal: null });
    expect(output()).toContain("Kassa stopped.");
    // Nothing is left listening: without `exec` in the script, sh -c kept Kassa running.
    const refused = await fetch(`${url}/healthz`).then(
      () => false,
      () => true,
    );
    expect(refused).toBe(true);
  }, 90_000);
});

describe("the compiled build", () => {
  it("serves the API, the console and the demo from apps/server/dist, runs the kassa CLI, and stops on SIGTERM", async () => {
    // What `npm run build` runs after the console's build (esbuild: a quarter of a second).
    execFileSync(process.execPath, [join(root, "apps/server/scripts/build.mjs")], { stdio: "pipe" });
    const dataDir = mkdtempSync(join(tmpdir(), "kassa-compiled-"));
    const { child, url, output, exited } = await startCli({}, "compiled", dataDir);
    expect(await (await fetch(`${url}/healthz`)).json()).toEqual({ status: "ok" });
    // Files read at run time are found from dist/ as from src/ (server-root.ts).
    const consolePage = await fetch(`${url}/console/`);
    expect(consolePage.status).toBe(200);
    expect(await consolePage.text()).toContain('<div id="root">');
    const demoPage = await fetch(`${url}/demo`);
    expect(demoPage.status).toBe(200);
    expect(await demoPage.text()).toContain("demo.js");
    // The compiled `kassa` CLI, on the same database as the server.
    const status = execFileSync(
      process.execPath,
      [join(root, "apps/server/dist/kassa-cli.js"), "migrate", "--status", "--json"],
      { cwd: dataDir, env: { PATH: process.env.PATH ?? "" }, encoding: "utf8" },
    );
    expect(JSON.parse(status)).toMatchObject({ pending: 0 });
    child.kill("SIGTERM");
    expect(await exited).toEqual({ code: 0, signal: null });
    expect(output()).toContain("Kassa stopped.");
  }, 60_000);
});

describe("job leases at shutdown", () => {
  const receivers = new ReceiverPool();
  let first: KassaUnderTest | undefined;
  let second: KassaUnderTest | undefined;
  afterAll(async () => {
    if (first) await receivers.endTest(first);
    await second?.close();
    await first?.close();
  });

  it("gives back the lease of a delivery that outlasts the deadline, so another instance runs it at once", async () => {
    const env = { KASSA_WEBHOOK_TIMEOUT_SECONDS: "30" };
    first = await KassaUnderTest.start(env);
    second = await KassaUnderTest.startSecondInstance(first, env);
    const receiver = await receivers.start();
    let hang = true;
    receiver.answer = () => (hang ? "hang" : { status: 200, body: "ok" });
    await addEndpoint(first, { url: receiver.url });
    await cancelOrder(first, await first.login());

    // The second instance's webhook worker takes the delivery; the receiver holds it.
    const worker = second.running.kassa.webhookWorker;
    worker.start();
    for (let tries = 0; receiver.received.length === 0; tries += 1) {
      if (tries > 250) throw new Error("the delivery never reached the receiver");
      await new Promise((wait) => setTimeout(wait, 20));
    }
    const jobs = () =>
      first!.running.kassa.deps.db
        .selectFrom("jobs")
        .select(["id", "locked_by", "locked_until"])
        .where("kind", "=", "webhook.deliver")
        .execute();
    expect(await jobs()).toMatchObject([{ locked_by: worker.workerId }]);

    const report = await second.running.shutdown(500);
    expect(report).toEqual({ requestsCut: false, leasesReleased: 1 });
    expect(await jobs()).toMatchObject([{ locked_by: null, locked_until: null }]);

    // Not after the lease's 5 minutes: the first instance delivers it now.
    hang = false;
    await first.runWebhookJobs();
    expect(receiver.received.length).toBe(2);
    expect(await jobs()).toEqual([]);
  });
});
