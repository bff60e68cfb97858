import { randomBytes } from "node:crypto";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { MAX_LIVE_SESSIONS_PER_USER } from "../../src/app/login.ts";
import { hashSessionToken } from "../../src/app/session-tokens.ts";
import { SESSION_SWEEP_BATCH } from "../../src/jobs/session-sweep.job.ts";
import { KassaUnderTest } from "../kassa-harness.ts";

let kassa: KassaUnderTest;

beforeAll(async () => {
  // Many logins on purpose: the login rate limit is not what this file checks.
  kassa = await KassaUnderTest.start({ KASSA_RATE_LIMIT_LOGIN_PER_IP: "1000" });
});
afterAll(async () => {
  await kassa?.close();
});

/** An authenticated call that touches nothing: an unknown order answers 404 only past the session hook. */
async function authenticates(token: string, scheme = "Bearer"): Promise<boolean> {
  const answer = await kassa.request("GET", "/v1/orders/ord_0000000000", {
    headers: { authorization: `${scheme} ${token}` },
  });
  if (answer.status === 404) return true;
  expect(answer.status).toBe(401);
  return false;
}

async function userIdOf(token: string): Promise<string> {
  const row = await kassa.running.kassa.deps.db
    .selectFrom("sessions")
    .select("user_id")
    .where("token_hash", "=", hashSessionToken(token))
    .executeTakeFirstOrThrow();
  return row.user_id;
}

async function liveSessionsOf(userId: string): Promise<number> {
  const rows = await kassa.running.kassa.deps.db
    .selectFrom("sessions")
    .select("token_hash")
    .where("user_id", "=", userId)
    .execute();
  return rows.length;
}

describe("logout: DELETE /v1/session (issue 7, item 10)", () => {
  it("answers 204 and the presented token authenticates nothing afterwards", async () => {
    const token = await kassa.login();
    expect(await authenticates(token)).toBe(true);
    const answer = await kassa.request("DELETE", "/v1/session", { token });
    expect(answer.status).toBe(204);
    expect(answer.body).toBeUndefined();
    const after = await kassa.request("GET", "/v1/orders/ord_0000000000", { token });
    expect(after.status).toBe(401);
    expect(after.body).toMatchObject({ code: "AUTH_SESSION_INVALID" });
  });

  it("revokes only the presented token: the same user's other device stays logged in", async () => {
    const openid = `o-two-devices-${randomBytes(4).toString("hex")}`;
    const phone = await kassa.login(openid);
    const tablet = await kassa.login(openid);
    expect((await kassa.request("DELETE", "/v1/session", { token: phone })).status).toBe(204);
    expect(await authenticates(phone)).toBe(false);
    expect(await authenticates(tablet)).toBe(true);
  });

  it("answers 401 to a logout without a session token, or with one already revoked", async () => {
    const none = await kassa.request("DELETE", "/v1/session");
    expect(none.status).toBe(401);
    expect(none.body).toMatchObject({ code: "AUTH_SESSION_REQUIRED" });
    const token = await kassa.login();
    await kassa.request("DELETE", "/v1/session", { token });
    const again = await kassa.request("DELETE", "/v1/session", { token });
    expect(again.status).toBe(401);
    expect(again.body).toMatchObject({ code: "AUTH_SESSION_INVALID" });
  });
});

describe("the Authorization scheme (RFC 9110 §11.1: case-insensitive)", () => {
  it.each(["Bearer", "bearer", "BEARER", "bEaReR"])("accepts the scheme written %s", async (scheme) => {
    const token = await kassa.login();
    expect(await authenticates(token, scheme)).toBe(true);
  });

  it("refuses another scheme with AUTH_SESSION_REQUIRED", async () => {
    const token = await kassa.login();
    const answer = await kassa.request("GET", "/v1/orders/ord_0000000000", {
      headers: { authorization: `Basic ${token}` },
    });
    expect(answer.status).toBe(401);
    expect(answer.body).toMatchObject({ code: "AUTH_SESSION_REQUIRED" });
  });
});

describe("live sessions per user are capped (issue 7, item 10)", () => {
  it(`keeps the ${MAX_LIVE_SESSIONS_PER_USER} newest sessions of a user and revokes older ones on login`, async () => {
    const openid = `o-many-logins-${randomBytes(4).toString("hex")}`;
    const tokens: string[] = [];
    for (let login = 0; login < MAX_LIVE_SESSIONS_PER_USER + 2; login += 1) {
      tokens.push(await kassa.login(openid));
      await kassa.sandbox.admin.advanceClock(1_000); // logins in order, a second apart
    }
    const oldest = tokens.slice(0, 2);
    const newest = tokens.slice(2);
    for (const token of oldest) expect(await authenticates(token)).toBe(false);
    for (const token of newest) expect(await authenticates(token)).toBe(true);
    expect(await liveSessionsOf(await userIdOf(newest[0]!))).toBe(MAX_LIVE_SESSIONS_PER_USER);
  });

  it("never revokes the session a login just made, even when all share one millisecond", async () => {
    const openid = `o-same-ms-${randomBytes(4).toString("hex")}`;
    const tokens: string[] = [];
    // The demo clock stands still between advances: these logins share one timestamp.
    for (let login = 0; login < MAX_LIVE_SESSIONS_PER_USER + 3; login += 1) {
      const token = await kassa.login(openid);
      expect(await authenticates(token)).toBe(true);
      tokens.push(token);
    }
    expect(await liveSessionsOf(await userIdOf(tokens.at(-1)!))).toBe(MAX_LIVE_SESSIONS_PER_USER);
  });

  it("counts per user: another user's logins revoke none of this user's sessions", async () => {
    const alice = await kassa.login(`o-alice-${randomBytes(4).toString("hex")}`);
    const bobOpenid = `o-bob-${randomBytes(4).toString("hex")}`;
    for (let login = 0; login < MAX_LIVE_SESSIONS_PER_USER + 1; login += 1) await kassa.login(bobOpenid);
    expect(await authenticates(alice)).toBe(true);
  });
});

describe("expired sessions are deleted (issue 7, item 10)", () => {
  it("sweeps expired sessions in bounded batches, keeps live ones, and stays scheduled", async () => {
    const db = kassa.running.kassa.deps.db;
    const live = await kassa.login();
    const userId = await userIdOf(live);
    const now = kassa.running.kassa.deps.clock.now();
    const expiredCount = SESSION_SWEEP_BATCH * 2 + 7;
    const rows = Array.from({ length: expiredCount }, (_, index) => ({
      token_hash: `expired-${index}-${randomBytes(8).toString("hex")}`,
      user_id: userId,
      created_at: now - 10 * 86_400_000,
      expires_at: now - 86_400_000,
    }));
    for (let start = 0; start < rows.length; start += 200) {
      await db
        .insertInto("sessions")
        .values(rows.slice(start, start + 200))
        .execute();
    }

    await kassa.running.kassa.worker.scheduleRecurringJobs();
    await kassa.sandbox.admin.advanceClock(61_000); // the first sweep is due a minute after start
    const linesBefore = kassa.logs.length;
    await kassa.runJobs();

    const left = await db.selectFrom("sessions").select("token_hash").where("user_id", "=", userId).execute();
    expect(left.map((row) => row.token_hash)).toEqual([hashSessionToken(live)]);
    expect(await authenticates(live)).toBe(true);
    const sweeps = kassa.logs
      .slice(linesBefore)
      .filter((line) => line.includes("expired sessions deleted"))
      .map((line) => (JSON.parse(line) as { deleted: number }).deleted);
    expect(sweeps).toEqual([SESSION_SWEEP_BATCH, SESSION_SWEEP_BATCH, 7]);

    const job = await db
      .selectFrom("jobs")
      .select(["run_at", "dedupe_key"])
      .where("kind", "=", "session.sweep")
      .execute();
    expect(job).toHaveLength(1);
    expect(Number(job[0]!.run_at)).toBeGreaterThan(kassa.running.kassa.deps.clock.now());
  });

  it("deletes a real login's session once it has expired, and only then", async () => {
    const db = kassa.running.kassa.deps.db;
    const token = await kassa.login();
    const hash = hashSessionToken(token);
    await kassa.running.kassa.worker.scheduleRecurringJobs(); // already there: no second sweep job
    expect(
      await db.selectFrom("jobs").select("id").where("kind", "=", "session.sweep").execute(),
    ).toHaveLength(1);
    await kassa.sandbox.admin.advanceClock(3_600_000 + 1_000);
    await kassa.runJobs();
    expect(
      await db.selectFrom("sessions").select("token_hash").where("token_hash", "=", hash).execute(),
    ).toHaveLength(1);

    const ttlMs = kassa.running.kassa.deps.settings.sessionTtlMs;
    await kassa.sandbox.admin.advanceClock(ttlMs);
    expect(await authenticates(token)).toBe(false);
    await kassa.runJobs();
    expect(
      await db.selectFrom("sessions").select("token_hash").where("token_hash", "=", hash).execute(),
    ).toHaveLength(0);
  });
});
