import type { Executor } from "./executor.ts";

export interface AppBinding {
  appId: string;
  merchantId: string;
  /** Null for an app without WeChat Pay (issue 14: an app may take Alipay only). */
  wechatAppid: string | null;
  /** Null when this app takes no WeChat Pay: its merchant's mchid, if another app gave one, stays. */
  wechatMchid: string | null;
}

/**
 * Make the app and merchant rows name the channel accounts configuration gives them
 * (credentials themselves stay in configuration, never in the database). Returns the appid
 * the app was bound to before, when configuration changed it or took WeChat Pay away, so the
 * caller can say so.
 */
export async function bindApp(
  db: Executor,
  binding: AppBinding & { now: number },
): Promise<{ previousWechatAppid: string | null }> {
  await db
    .insertInto("merchants")
    .values({
      id: binding.merchantId,
      name: binding.merchantId,
      wechatpay_mchid: null,
      created_at: binding.now,
    })
    .onConflict((conflict) => conflict.column("id").doNothing())
    .execute();
  const before = await db
    .selectFrom("apps")
    .select("wechat_appid")
    .where("id", "=", binding.appId)
    .executeTakeFirst();
  if (!before) {
    await db
      .insertInto("apps")
      .values({
        id: binding.appId,
        merchant_id: binding.merchantId,
        name: binding.appId,
        wechat_appid: null,
        created_at: binding.now,
      })
      // Instances started together (compose.yaml's three) may each find no row: one inserts it.
      .onConflict((conflict) => conflict.column("id").doNothing())
      .execute();
  }
  // Only a WeChat app names its merchant's mchid: an Alipay-only app of a merchant shared with
  // a WeChat app must not erase it.
  if (binding.wechatMchid !== null)
    await db
      .updateTable("merchants")
      .set({ wechatpay_mchid: binding.wechatMchid })
      .where("id", "=", binding.merchantId)
      .execute();
  await db
    .updateTable("apps")
    .set({ wechat_appid: binding.wechatAppid, merchant_id: binding.merchantId })
    .where("id", "=", binding.appId)
    .execute();
  const previous = before?.wechat_appid ?? null;
  return { previousWechatAppid: previous !== binding.wechatAppid ? previous : null };
}
