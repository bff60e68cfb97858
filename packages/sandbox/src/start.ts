import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { type AdminApi, createAdminApi } from "./admin/admin-api.ts";
import { ALIPAY_GATEWAY_PATH } from "./alipay/gateway-route.ts";
import { startAlipayGateway } from "./alipay/register.ts";
import { registerBillJobs } from "./bills/bill-downloads.ts";
import { registerBillFaults } from "./bills/bill-faults.ts";
import type { VirtualClock } from "./clock.ts";
import { parseConfig, type SandboxConfigInput } from "./config.ts";
import { createContext, type SandboxContext } from "./context.ts";
import { registerOrderJobs } from "./domain/orders.ts";
import { registerPrepayJobs } from "./domain/prepay.ts";
import { registerRefundJobs } from "./domain/refund-settlement.ts";
import { buildServer } from "./http/server.ts";
import { createMerchant } from "./identity/merchants.ts";
import { registerNotificationJobs } from "./notify/notifications.ts";
import { registerQueryFaults } from "./routes/query-faults.ts";

export interface StartSandboxOptions {
  /** 0 picks a free port (tests). Overrides `config.port`; defaults to 0. */
  port?: number;
  /** Where state and merchant files live; a fresh temporary directory, removed on close, when absent. */
  dataDir?: string;
  config?: SandboxConfigInput;
  /** Where unexpected failures are reported, one line each; stderr by default. */
  log?: (line: string) => void;
}

export interface RunningSandbox {
  /** Base URL, e.g. `http://127.0.0.1:8780`: a WeChat Pay client only changes its host to this. */
  url: string;
  admin: AdminApi;
  /** The Alipay v2 gateway (`${url}/alipay/gateway.do`): an Alipay client's `gatewayUrl`. */
  alipayGatewayUrl: string;
  /** The virtual clock: clients under test must sign with it (§2 window). */
  clock: VirtualClock;
  dataDir: string;
  /** For in-process extensions and tests (e.g. `markPaid(sandbox.context, ...)`). */
  context: SandboxContext;
  close(): Promise<void>;
}

/** Start a simulator in this process (tests, `npm start`); `cli.ts` is the standalone program. */
export async function startSandbox(options: StartSandboxOptions = {}): Promise<RunningSandbox> {
  const config = parseConfig({ ...options.config, port: options.port ?? options.config?.port ?? 0 });
  const temporary = options.dataDir === undefined;
  const dataDir = options.dataDir
    ? resolve(options.dataDir)
    : await mkdtemp(join(tmpdir(), "kassa-sandbox-"));
  const log = options.log ?? ((line: string) => process.stderr.write(`[sandbox] ${line}\n`));
  const ctx = await createContext({ config, dataDir, log });
  registerOrderJobs(ctx);
  registerPrepayJobs(ctx);
  registerNotificationJobs(ctx);
  registerRefundJobs(ctx);
  registerBillJobs(ctx);
  registerBillFaults(ctx);
  registerQueryFaults(ctx);
  for (const seed of config.merchants) {
    if (!ctx.tables.merchants.has(seed.mchid)) await createMerchant(ctx, seed);
  }
  await startAlipayGateway(ctx);
  await ctx.scheduler.runDue(); // jobs that fell due while the sandbox was stopped
  await ctx.store.commit();
  const admin = createAdminApi(ctx);
  const app = buildServer(ctx, admin);
  for (const rule of config.faults) ctx.faults.add(rule); // after the endpoints registered their names
  const address = await app.listen({ host: config.host, port: config.port });
  ctx.scheduler.start();
  const url = address.replace(/\/$/, "");
  let closed = false;
  return {
    url,
    admin,
    alipayGatewayUrl: `${url}${ALIPAY_GATEWAY_PATH}`,
    clock: ctx.clock,
    dataDir,
    context: ctx,
    async close() {
      if (closed) return;
      closed = true;
      ctx.scheduler.stop();
      await app.close();
      await ctx.scheduler.idle();
      await ctx.store.flush();
      if (temporary) await rm(dataDir, { recursive: true, force: true });
    },
  };
}
