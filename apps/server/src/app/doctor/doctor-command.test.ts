import { execFile } from "node:child_process";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { promisify } from "node:util";
import { afterAll, describe, expect, it } from "vitest";
import { startDemoSandbox } from "../../channels/demo-sandbox.ts";

/**
 * `npm run kassa -- doctor` as an operator runs it: a child process with tsx, as npm starts it.
 * Demo mode passes every check against the simulator it starts, or against the one a running
 * `npm start` serves; the exit codes are 0, 1 and 2 as docs/operations.md says.
 */
const root = resolve(fileURLToPath(import.meta.url), "../../../../../..");
const dataDirs: string[] = [];
afterAll(() => {
  for (const dir of dataDirs) rmSync(dir, { recursive: true, force: true });
});

function freshDataDir(): string {
  const dir = mkdtempSync(join(tmpdir(), "kassa-doctor-"));
  dataDirs.push(dir);
  return dir;
}

async function kassaDoctor(
  args: string[],
  env: Record<string, string>,
): Promise<{ code: number; stdout: string; stderr: string }> {
  try {
    const { stdout, stderr } = await promisify(execFile)(
      process.execPath,
      [
        join(root, "node_modules/tsx/dist/cli.mjs"),
        join(root, "apps/server/src/kassa-cli.ts"),
        "doctor",
        ...args,
      ],
      { cwd: env.KASSA_DATA_DIR ?? root, env: { PATH: process.env.PATH ?? "", ...env }, timeout: 60_000 },
    );
    return { code: 0, stdout, stderr };
  } catch (error) {
    const failed = error as { code: number; stdout: string; stderr: string };
    return { code: failed.code, stdout: failed.stdout, stderr: failed.stderr };
  }
}

describe("npm run kassa -- doctor", () => {
  it("passes every check in demo mode on a fresh data directory, and says so in JSON", async () => {
    const dir = freshDataDir();
    const answer = await kassaDoctor(["--json"], { KASSA_DATA_DIR: dir, KASSA_SIMULATOR_PORT: "0" });
    expect(answer.stderr).toBe("");
    expect(answer.code).toBe(0);
    const report = JSON.parse(answer.stdout) as {
      mode: string;
      ok: boolean;
      checks: { id: string; status: string }[];
    };
    expect(report).toMatchObject({ mode: "demo", ok: true });
    expect(report.checks.map((check) => check.id)).toEqual([
      "merchant-key",
      "apiv3-key",
      "public-key-id",
      "certificate-expiry",
      "signed-call",
      "clock-skew",
      "notify-url",
      "alipay-keys",
      "alipay-signed-call",
      "alipay-notify-url",
      "database",
      "webhook-urls",
      "redis",
    ]);
    expect(report.checks.filter((check) => check.status !== "ok")).toEqual([]);
  }, 60_000);

  it("checks against the simulator a running npm start serves, on its port", async () => {
    const dir = freshDataDir();
    const demo = await startDemoSandbox({
      dataDir: join(dir, ".data"),
      port: 0,
      kassaUrl: "http://127.0.0.1:8700",
    });
    try {
      const port = new URL(demo.sandbox.url).port;
      const answer = await kassaDoctor([], {
        KASSA_DATA_DIR: join(dir, ".data"),
        KASSA_SIMULATOR_PORT: port,
      });
      expect(answer.stdout).toContain(
        `kassa doctor: demo mode, against the simulator running at http://127.0.0.1:${port}`,
      );
      expect(answer.stdout).toMatch(
        /^ok {3}signed-call \(app_default\): WeChat Pay accepted the signature and answered 200/m,
      );
      expect(answer.stdout).toMatch(
        /^ok {3}alipay-signed-call \(app_default\): Alipay accepted the signature \(it answered ACQ.TRADE_NOT_EXIST/m,
      );
      expect(answer.stdout).toMatch(/^13 ok, 0 warn, 0 fail$/m);
      expect(answer.code).toBe(0);
    } finally {
      await demo.sandbox.close();
    }
  }, 60_000);

  it("exits 2 on a flag it does not know, and on a configuration Kassa would not start with", async () => {
    const usage = await kassaDoctor(["--jsn"], { KASSA_DATA_DIR: freshDataDir() });
    expect(usage).toMatchObject({ code: 2, stdout: "" });
    expect(usage.stderr).toContain("usage: npm run kassa -- doctor [--json]");
    const dir = freshDataDir();
    writeFileSync(join(dir, "key.pem"), "not a key");
    const config = await kassaDoctor([], {
      KASSA_DATA_DIR: dir,
      KASSA_MODE: "production",
      WECHATPAY_APIV3_KEY: "a5Byt",
      WECHATPAY_MERCHANT_PRIVATE_KEY_FILE: join(dir, "key.pem"),
    });
    expect(config.code).toBe(2);
    expect(config.stderr).toMatch(/^The doctor cannot check this configuration; fix the configuration:/);
    expect(config.stderr).toContain("WECHATPAY_APIV3_KEY must be exactly 32 bytes");
    expect(config.stderr).not.toMatch(/^\s+at /m);
  }, 60_000);
});
