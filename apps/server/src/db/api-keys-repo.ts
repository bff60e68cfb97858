import type { ApiKeyScope } from "../app/merchant/api-keys.ts";
import type { Executor } from "./executor.ts";
import { type PagePosition, pageAfter } from "./keyset-page.ts";
import type { ApiKeysTable } from "./schema.ts";

export interface ApiKeyRecord {
  id: string;
  appId: string;
  name: string;
  secretHint: string;
  scopes: ApiKeyScope[];
  createdAt: number;
  lastUsedAt: number | null;
  revokedAt: number | null;
}

export async function insertApiKey(
  db: Executor,
  key: Omit<ApiKeyRecord, "lastUsedAt" | "revokedAt"> & { secretHash: string },
): Promise<void> {
  await db
    .insertInto("api_keys")
    .values({
      id: key.id,
      app_id: key.appId,
      name: key.name,
      secret_hash: key.secretHash,
      secret_hint: key.secretHint,
      scopes: key.scopes.join(","),
      created_at: key.createdAt,
      last_used_at: null,
      revoked_at: null,
    })
    .execute();
}

/** The live (unrevoked) key with this secret hash, or nothing. */
export async function findLiveKeyByHash(db: Executor, secretHash: string): Promise<ApiKeyRecord | undefined> {
  const row = await db
    .selectFrom("api_keys")
    .selectAll()
    .where("secret_hash", "=", secretHash)
    .where("revoked_at", "is", null)
    .executeTakeFirst();
  return row ? recordOf(row) : undefined;
}

/**
 * Record a use, at most once per `everyMs` per key: a compare-and-set on the time seen, so
 * of concurrent requests (or instances) only one writes. Returns whether this call wrote.
 */
export async function touchKeyLastUsed(
  db: Executor,
  input: { id: string; seen: number | null; now: number },
): Promise<boolean> {
  const result = await db
    .updateTable("api_keys")
    .set({ last_used_at: input.now })
    .where("id", "=", input.id)
    .where((eb) =>
      input.seen === null ? eb("last_used_at", "is", null) : eb("last_used_at", "=", input.seen),
    )
    .executeTakeFirst();
  return result.numUpdatedRows === 1n;
}

export async function listKeysOfApp(db: Executor, appId: string): Promise<ApiKeyRecord[]> {
  const rows = await db
    .selectFrom("api_keys")
    .selectAll()
    .where("app_id", "=", appId)
    .orderBy("created_at")
    .orderBy("id")
    .execute();
  return rows.map(recordOf);
}

/** A page of an app's keys, newest first (the console's settings page). */
export async function pageKeysOfApp(
  db: Executor,
  query: { appId: string; after: PagePosition | undefined; limit: number },
): Promise<ApiKeyRecord[]> {
  const rows = await pageAfter(
    db.selectFrom("api_keys").selectAll().where("app_id", "=", query.appId),
    { sort: "created_at", id: "id", newestFirst: true },
    query.after,
  )
    .limit(query.limit)
    .execute();
  return rows.map(recordOf);
}

export async function findKeyById(db: Executor, id: string): Promise<ApiKeyRecord | undefined> {
  const row = await db.selectFrom("api_keys").selectAll().where("id", "=", id).executeTakeFirst();
  return row ? recordOf(row) : undefined;
}

/** Revoke a live key; false when it is unknown or already revoked. */
export async function revokeKey(db: Executor, input: { id: string; now: number }): Promise<boolean> {
  const result = await db
    .updateTable("api_keys")
    .set({ revoked_at: input.now })
    .where("id", "=", input.id)
    .where("revoked_at", "is", null)
    .executeTakeFirst();
  return result.numUpdatedRows === 1n;
}

type ApiKeyRow = { [K in keyof ApiKeysTable]: ApiKeysTable[K] };

function recordOf(row: ApiKeyRow): ApiKeyRecord {
  return {
    id: row.id,
    appId: row.app_id,
    name: row.name,
    secretHint: row.secret_hint,
    scopes: row.scopes.split(",") as ApiKeyScope[],
    createdAt: Number(row.created_at),
    lastUsedAt: row.last_used_at === null ? null : Number(row.last_used_at),
    revokedAt: row.revoked_at === null ? null : Number(row.revoked_at),
  };
}
