import { parseArgs } from "node:util";
import { loadConfigFile, type SandboxConfigInput } from "./config.ts";
import { SandboxError } from "./errors.ts";
import { startSandbox } from "./start.ts";

/**
 * `npm run sandbox -- --port 8780 --data .data/sandbox --config sandbox.json`, or the
 * package's `kassa-sandbox` bin. Prints where everything is, runs until Ctrl-C.
 */

const USAGE = `Usage: kassa-sandbox [--port 8780] [--host 127.0.0.1] [--data .data/sandbox] [--config sandbox.json]

  --port    port to listen on (default 8780; 0 picks a free one)
  --host    address to listen on (default 127.0.0.1; the admin API answers loopback only)
  --data    data directory: state.json and merchants/<mchid>/ files (default .data/sandbox)
  --config  JSON config file (docs/sandbox.md lists the settings)`;

async function main(): Promise<void> {
  const { values } = parseArgs({
    options: {
      port: { type: "string" },
      host: { type: "string" },
      data: { type: "string", default: ".data/sandbox" },
      config: { type: "string" },
      help: { type: "boolean", short: "h" },
    },
  });
  if (values.help) {
    process.stdout.write(`${USAGE}\n`);
    return;
  }
  const config: SandboxConfigInput = values.config ? await loadConfigFile(values.config) : {};
  if (values.host) config.host = values.host;
  const port = values.port === undefined ? (config.port ?? 8780) : Number(values.port);
  if (!Number.isInteger(port) || port < 0 || port > 65535)
    throw new SandboxError("CONFIG_INVALID", `--port ${values.port}`);
  const sandbox = await startSandbox({ port, dataDir: values.data, config });
  const time = sandbox.admin.time();
  const merchants = sandbox.admin.listMerchants();
  const alipayApps = sandbox.admin.listAlipayApps();
  process.stdout.write(
    [
      "Kassa WeChat Pay v3 sandbox",
      `  WeChat Pay API  ${sandbox.url}/v3/...  (point a client's base URL here)`,
      `  Login API       ${sandbox.url}/sns/jscode2session`,
      `  Payer's cashier ${sandbox.url}/cashier  (stands in for wx.requestPayment)`,
      `  Admin page      ${sandbox.url}/admin`,
      `  Admin API       ${sandbox.url}/admin/merchants, /admin/orders, /admin/refunds, /admin/notifications, /admin/clock, /admin/faults`,
      `  Data            ${sandbox.dataDir}`,
      `  Clock           ${time.time} (speed ${time.speed})   seed ${time.seed}`,
      `  Merchants       ${merchants.length === 0 ? "none yet: POST /admin/merchants" : merchants.map((m) => `${m.mchid} (${m.files.dir})`).join(", ")}`,
      `  Alipay gateway  ${sandbox.alipayGatewayUrl}  (an Alipay client's gatewayUrl; admin under /admin/alipay)`,
      `  Alipay apps     ${alipayApps.length === 0 ? "none yet: POST /admin/alipay/apps" : alipayApps.map((a) => `${a.appId} ${a.keyMode} (${a.files.dir})`).join(", ")}`,
      "",
    ].join("\n"),
  );
  const stop = () => {
    sandbox.close().then(
      () => process.exit(0),
      () => process.exit(1),
    );
  };
  process.once("SIGINT", stop);
  process.once("SIGTERM", stop);
}

main().catch((error: unknown) => {
  process.stderr.write(
    `${error instanceof SandboxError ? error.message : ((error as Error).stack ?? String(error))}\n`,
  );
  process.exit(1);
});
