import { runKassaCommand } from "../src/app/merchant/keys-command.ts";
import type { Executor } from "../src/db/executor.ts";
import { randomIdSource } from "../src/random-ids.ts";
import type { KassaUnderTest } from "./kassa-harness.ts";

/**
 * A merchant API key made as an operator makes one (`npm run kassa -- keys create`'s own
 * code, on the test's database), remembered by the harness so the log scan looks for it.
 */
export async function makeApiKey(
  kassa: KassaUnderTest,
  options: { app?: string; scopes?: string; name?: string; mode?: "live" | "test" } = {},
): Promise<{ secret: string; keyId: string }> {
  const db: Executor = kassa.running.kassa.deps.db;
  const out: string[] = [];
  const code = await runKassaCommand(
    [
      "keys",
      "create",
      "--app",
      options.app ?? "app_default",
      "--scopes",
      options.scopes ?? "read,write",
      ...(options.name ? ["--name", options.name] : []),
    ],
    {
      db,
      mode: options.mode ?? "test",
      now: () => kassa.running.kassa.deps.clock.now(),
      ids: randomIdSource,
      out: (line) => out.push(line),
      err: (line) => out.push(line),
    },
  );
  if (code !== 0) throw new Error(`keys create failed: ${out.join("\n")}`);
  const secret = out.map((line) => line.trim()).find((line) => line.startsWith("sk_"));
  const keyId = /Created (key_[0-9a-z]+)/.exec(out.join("\n"))?.[1];
  if (!secret || !keyId) throw new Error(`no key in: ${out.join("\n")}`);
  kassa.rememberSecret(secret);
  return { secret, keyId };
}

/** A second merchant with its own app and one product, in the same database (as app-isolation.test.ts). */
export async function makeOtherApp(kassa: KassaUnderTest, suffix = "other"): Promise<string> {
  const db = kassa.running.kassa.deps.db;
  const now = kassa.running.kassa.deps.clock.now();
  const appId = `app_${suffix}`;
  await db
    .insertInto("merchants")
    .values({ id: `mch_${suffix}`, name: "Other shop", wechatpay_mchid: null, created_at: now })
    .execute();
  await db
    .insertInto("apps")
    .values({ id: appId, merchant_id: `mch_${suffix}`, name: "Other", wechat_appid: null, created_at: now })
    .execute();
  await db
    .insertInto("products")
    .values({
      id: `prd_${suffix}_cake`,
      app_id: appId,
      name: "Cake",
      price_fen: 500,
      stock: 9,
      active: 1,
      created_at: now,
    })
    .execute();
  return appId;
}
