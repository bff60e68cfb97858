import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createTestDatabase, type TestDatabase } from "../../../test/database.ts";
import { claimIdempotencyKey } from "../../db/idempotency-repo.ts";
import type { AppDeps } from "../deps.ts";
import { hashRequest, idempotentWrite } from "./idempotent-write.ts";

/**
 * The merchant API's Idempotency-Key rules on a real database: while the first request with
 * a key still runs, a second answers IDEMPOTENCY_KEY_IN_PROGRESS and does nothing; once it
 * finished, the stored answer is replayed; the same key of another app is another key.
 */
let database: TestDatabase;
let deps: AppDeps;
const NOW = 1_764_000_000_000;

beforeAll(async () => {
  database = await createTestDatabase();
  deps = { db: database.db, clock: { now: () => NOW } } as AppDeps;
});
afterAll(async () => {
  await database?.close();
});

const write = (appId: string) => ({
  appId,
  idempotencyKey: "k-1",
  method: "POST",
  path: "/merchant/v1/products",
  body: { name: "x" },
});

describe("idempotentWrite", () => {
  it("refuses a second request while the first runs, replays it once done, and keeps apps apart", async () => {
    // A first request in flight: its claim is taken and no answer stored yet.
    const claim = await claimIdempotencyKey(database.db, {
      userId: "merchant:app_a",
      key: "k-1",
      requestHash: hashRequest(write("app_a")),
      now: NOW,
      lockMs: 60_000,
    });
    expect(claim.kind).toBe("claimed");
    let runs = 0;
    const work = async () => {
      runs += 1;
      return { status: 201, body: { id: "prd_1" } };
    };
    await expect(idempotentWrite(deps, write("app_a"), work)).rejects.toMatchObject({
      code: "IDEMPOTENCY_KEY_IN_PROGRESS",
    });
    expect(runs).toBe(0);
    // Another app's same key is its own key.
    expect(await idempotentWrite(deps, write("app_b"), work)).toEqual({
      replayed: false,
      status: 201,
      body: { id: "prd_1" },
    });
    expect(await idempotentWrite(deps, write("app_b"), async () => ({ status: 500, body: {} }))).toEqual({
      replayed: true,
      status: 201,
      body: { id: "prd_1" },
    });
    expect(runs).toBe(1);
  });
});
