import { type Kysely, sql } from "kysely";

/**
 * The channel a payer logged in through (issue 14): a WeChat mini program's user has an
 * openid and pays with WeChat Pay, an Alipay mini program's user has Alipay's open_id (or
 * 2088… user_id) and pays with Alipay. The id is per channel app (`appid` holds the WeChat
 * appid or the Alipay app_id), so (appid, openid) stays unique; every user before this one
 * logged in with wx.login.
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema
    .alterTable("users")
    .addColumn("channel", "text", (column) =>
      column.notNull().defaultTo("wechatpay").check(sql`channel in ('wechatpay', 'alipay')`),
    )
    .execute();
}
