import type { SandboxContext } from "../context.ts";
import { createAlipayApp, findAlipayApp } from "./apps.ts";
import { registerAlipayNotificationJobs } from "./notifications.ts";
import { registerCloseRace } from "./trade-methods.ts";
import { registerTradeJobs } from "./trades.ts";

/** At start: the Alipay gateway's job kinds, and the apps the config seeds (A.3). */
export async function startAlipayGateway(ctx: SandboxContext): Promise<void> {
  registerTradeJobs(ctx);
  registerAlipayNotificationJobs(ctx);
  registerCloseRace(ctx);
  for (const seed of ctx.config.alipayApps) {
    if (!findAlipayApp(ctx, seed.appId)) await createAlipayApp(ctx, seed);
  }
}
