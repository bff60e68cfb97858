import { existsSync } from "node:fs";
import { connect as tcpConnect } from "node:net";
import { join } from "node:path";
import { ConfigError, type KassaConfig, loadConfig } from "../../config.ts";
import { connectDatabase } from "../../db/connect.ts";
import { DEFAULT_APP_ID } from "../../db/migrations/0004-apps.ts";
import { type Clock, systemClock } from "../../domain/clock.ts";
import { type DoctorApp, type DoctorSetup, formatDoctorReport, runDoctor } from "./run-doctor.ts";

export interface DoctorIo {
  env: Readonly<Record<string, string | undefined>>;
  cwd: string;
  out(line: string): void;
  err(line: string): void;
}

const USAGE = "usage: npm run kassa -- doctor [--json]";

/**
 * `npm run kassa -- doctor [--json]`: the configuration `npm start` would use, checked before
 * it goes live (docs/operations.md). Exit 0: nothing failed (warnings allowed); 1: a check
 * failed; 2: a usage or configuration error, before any check could run.
 */
export async function runDoctorCommand(argv: readonly string[], io: DoctorIo): Promise<number> {
  const flags = argv.slice(1);
  const unknown = flags.filter((flag) => flag !== "--json");
  if (unknown.length > 0) {
    io.err(`doctor: unknown ${unknown.join(" ")}\n${USAGE}`);
    return 2;
  }
  const json = flags.includes("--json");
  let config: Readonly<KassaConfig>;
  try {
    config = loadConfig(io.env, io.cwd);
  } catch (error) {
    if (!(error instanceof ConfigError)) throw error;
    io.err(error.message.replace(/^Kassa cannot start/, "The doctor cannot check this configuration"));
    return 2;
  }
  let channel: Channel;
  try {
    channel = config.mode === "demo" ? await demoChannel(config) : productionChannel(config);
  } catch (error) {
    if (!(error instanceof DoctorSetupError)) throw error;
    io.err(error.message);
    return 2;
  }
  try {
    if (!json) io.out(`kassa doctor: ${config.mode} mode, ${channel.where}`);
    const setup: DoctorSetup = {
      mode: config.mode,
      apps: channel.apps,
      clock: channel.clock,
      notifyUrl: (appId, channel) => {
        const base =
          config.publicBaseUrl ??
          (config.mode === "demo" ? `http://${config.host}:${config.port}` : undefined);
        return base === undefined ? undefined : `${base}/notify/${channel}/${appId}`;
      },
      databaseUrl: config.databaseUrl,
      connect: () => connectDatabase({ url: config.databaseUrl, poolSize: 1 }),
      redisUrl: config.redisUrl,
    };
    const results = await runDoctor(setup);
    const failed = results.some((result) => result.status === "fail");
    if (json) io.out(JSON.stringify({ mode: config.mode, ok: !failed, checks: results }, null, 2));
    else for (const line of formatDoctorReport(results)) io.out(line);
    return failed ? 1 : 0;
  } finally {
    await channel.close();
  }
}

/** A setup the doctor cannot check at all (exit 2), told in one line. */
class DoctorSetupError extends Error {}

interface Channel {
  apps: DoctorApp[];
  clock: Clock;
  /** Said first: what the checks run against. */
  where: string;
  close(): Promise<void>;
}

function productionChannel(config: Readonly<KassaConfig>): Channel {
  return {
    apps: config.apps.map((app) => ({
      id: app.id,
      credentials: app.wechatpay,
      alipay: app.alipay,
      webhookDomains: app.webhookDomains,
    })),
    clock: systemClock,
    where: `${config.apps.length} app(s) against ${channelsOf(config)}`,
    close: async () => undefined,
  };
}

/** "WeChat Pay", "Alipay" or "WeChat Pay and Alipay": the channels the apps have. */
function channelsOf(config: Readonly<KassaConfig>): string {
  const names = [
    ...(config.apps.some((app) => app.wechatpay) ? ["WeChat Pay"] : []),
    ...(config.apps.some((app) => app.alipay) ? ["Alipay"] : []),
  ];
  return names.join(" and ");
}

/**
 * Demo mode checks the demo merchant against the built-in simulator: the one `npm start` runs
 * on KASSA_SIMULATOR_PORT when it answers (its state is that process's; only its merchant's
 * files are read here), else one started in this process on the same data directory, as
 * `npm start` would.
 */
async function demoChannel(config: Readonly<KassaConfig>): Promise<Channel> {
  // Loaded only in demo mode: a production process never loads the simulator.
  const {
    DEMO_ALIPAY_APP,
    demoMerchantDir,
    readDemoAlipayCredentials,
    readDemoCredentials,
    startDemoSandbox,
  } = await import("../../channels/demo-sandbox.ts");
  const app = (credentials: DoctorApp["credentials"], alipay: DoctorApp["alipay"]): DoctorApp => ({
    id: DEFAULT_APP_ID,
    credentials,
    alipay,
    webhookDomains: [],
  });
  const port = config.simulatorPort;
  if (await answers("127.0.0.1", port)) {
    const dir = demoMerchantDir(config.dataDir);
    if (!existsSync(join(dir, "merchant.json")))
      throw new DoctorSetupError(
        `something listens on 127.0.0.1:${port} (KASSA_SIMULATOR_PORT), but ${dir} holds no demo merchant: is it the simulator of another KASSA_DATA_DIR?`,
      );
    const url = `http://127.0.0.1:${port}`;
    return {
      apps: [
        app(
          await readDemoCredentials(dir, url),
          // A simulator started by a Kassa from before Alipay has no Alipay app: nothing to check.
          existsSync(join(config.dataDir, "sandbox", "alipay", DEMO_ALIPAY_APP.appId, "app.json"))
            ? await readDemoAlipayCredentials(join(config.dataDir, "sandbox"), url)
            : undefined,
        ),
      ],
      clock: systemClock,
      where: `against the simulator running at ${url}`,
      close: async () => undefined,
    };
  }
  const base = config.publicBaseUrl ?? `http://${config.host}:${config.port}`;
  // Port 0: a start of npm start meanwhile keeps its own port.
  const demo = await startDemoSandbox({
    dataDir: config.dataDir,
    port: 0,
    kassaUrl: base,
  });
  return {
    apps: [app(demo.credentials, demo.alipay)],
    clock: { now: () => demo.sandbox.clock.now() },
    where: `against the simulator, started for this check at ${demo.sandbox.url}`,
    close: () => demo.sandbox.close(),
  };
}

/** Whether something accepts a TCP connection there within a second. */
function answers(host: string, port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = tcpConnect({ host, port, timeout: 1_000 });
    const done = (result: boolean) => {
      socket.destroy();
      resolve(result);
    };
    socket.once("connect", () => done(true));
    socket.once("error", () => done(false));
    socket.once("timeout", () => done(false));
  });
}
