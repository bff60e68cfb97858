import type { Executor } from "./executor.ts";
import type { WebhookEndpointsTable } from "./schema.ts";

export type EndpointRow = { [K in keyof WebhookEndpointsTable]: WebhookEndpointsTable[K] };

/** An app's endpoint, unless deleted; every query names the app (a key sees its own only). */
export function findEndpointOfApp(db: Executor, appId: string, endpointId: string) {
  return db
    .selectFrom("webhook_endpoints")
    .selectAll()
    .where("id", "=", endpointId)
    .where("app_id", "=", appId)
    .where("deleted_at", "is", null)
    .executeTakeFirst();
}

export function findEndpointById(db: Executor, endpointId: string) {
  return db.selectFrom("webhook_endpoints").selectAll().where("id", "=", endpointId).executeTakeFirst();
}

export function listEndpointsOfApp(db: Executor, appId: string) {
  return db
    .selectFrom("webhook_endpoints")
    .selectAll()
    .where("app_id", "=", appId)
    .where("deleted_at", "is", null)
    .orderBy("created_at")
    .orderBy("id")
    .execute();
}

export async function countEndpointsOfApp(db: Executor, appId: string): Promise<number> {
  const row = await db
    .selectFrom("webhook_endpoints")
    .select((eb) => eb.fn.countAll<number>().as("count"))
    .where("app_id", "=", appId)
    .where("deleted_at", "is", null)
    .executeTakeFirstOrThrow();
  return Number(row.count);
}

export async function insertEndpoint(db: Executor, row: EndpointRow): Promise<void> {
  await db.insertInto("webhook_endpoints").values(row).execute();
}

/**
 * Change an app's live endpoint; returns the row as it is now, or nothing when there is none
 * (or, with `ifSecretIs`, when its secret changed since it was read: a compare-and-set).
 */
export function updateEndpointOfApp(
  db: Executor,
  input: { appId: string; endpointId: string; set: Partial<EndpointRow>; ifSecretIs?: string | null },
) {
  let update = db
    .updateTable("webhook_endpoints")
    .set(input.set)
    .where("id", "=", input.endpointId)
    .where("app_id", "=", input.appId)
    .where("deleted_at", "is", null);
  if (input.ifSecretIs) update = update.where("secret_sealed", "=", input.ifSecretIs);
  return update.returningAll().executeTakeFirst();
}

/**
 * The endpoint failed an attempt: remember when its failures began (kept while it keeps
 * failing), and return that time.
 */
export async function markEndpointFailing(db: Executor, endpointId: string, at: number): Promise<number> {
  await db
    .updateTable("webhook_endpoints")
    .set({ failing_since: at })
    .where("id", "=", endpointId)
    .where("failing_since", "is", null)
    .execute();
  const row = await db
    .selectFrom("webhook_endpoints")
    .select("failing_since")
    .where("id", "=", endpointId)
    .executeTakeFirst();
  return row?.failing_since ?? at;
}

export async function markEndpointHealthy(db: Executor, endpointId: string): Promise<void> {
  await db
    .updateTable("webhook_endpoints")
    .set({ failing_since: null })
    .where("id", "=", endpointId)
    .where("failing_since", "is not", null)
    .execute();
}

/** Kassa turns an endpoint off (failing for days, or 410 Gone); true for the one call that did. */
export async function disableEndpointBecause(
  db: Executor,
  input: { endpointId: string; reason: "failing" | "gone"; now: number },
): Promise<boolean> {
  const result = await db
    .updateTable("webhook_endpoints")
    .set({ enabled: 0, disabled_reason: input.reason, updated_at: input.now })
    .where("id", "=", input.endpointId)
    .where("enabled", "=", 1)
    .executeTakeFirst();
  return result.numUpdatedRows === 1n;
}
