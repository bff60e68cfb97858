import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createOperator } from "../../src/app/admin/create-operator.ts";
import { expectLedgerHolds } from "../check-ledger.ts";
import { KassaUnderTest } from "../kassa-harness.ts";
import { payOrderAtSimulator } from "../pay-order.ts";

/**
 * The dashboard's figures (issue 12): today's and this month's paid amount and count, the
 * orders created, the conversion between them, by hour and by day, in the merchant's zone
 * (Asia/Shanghai), summed by the database on SQLite and PostgreSQL alike.
 */
let kassa: KassaUnderTest;
const PASSWORD = "Stats-test-password-5";
let cookie: string;
let otherAppCookie: string;

async function loginAs(login: string) {
  const answer = await kassa.request("POST", "/admin/v1/session", { body: { login, password: PASSWORD } });
  const value = (answer.headers.get("set-cookie") ?? "").split(";")[0] as string;
  kassa.rememberSecret(value.split("=")[1] as string);
  return value;
}

beforeAll(async () => {
  kassa = await KassaUnderTest.start();
  const deps = kassa.running.kassa.deps;
  await createOperator(
    deps,
    { login: "viewer", role: "viewer", appIds: undefined, password: PASSWORD },
    undefined,
  );
  await createOperator(
    deps,
    { login: "other", role: "admin", appIds: ["app_other"], password: PASSWORD },
    undefined,
  );
  cookie = await loginAs("viewer");
  otherAppCookie = await loginAs("other");
  const token = await kassa.login();
  await payOrderAtSimulator(kassa, token, [{ productId: "prd_jasmine_tea", quantity: 2 }]);
  await payOrderAtSimulator(kassa, token, [{ productId: "prd_jasmine_tea", quantity: 1 }]);
  await kassa.request("POST", "/v1/orders", {
    token,
    body: { items: [{ productId: "prd_oolong_tea", quantity: 1 }] },
  });
}, 60_000);
afterAll(async () => {
  await expectLedgerHolds(kassa.running.kassa.deps.db);
  await kassa?.close();
});

interface Stats {
  timezone: string;
  today: { date: string; paidFen: number; paidCount: number; createdCount: number; conversion: number };
  month: { month: string; paidFen: number; paidCount: number; createdCount: number };
  byHour: { hour: number; paidFen: number; paidCount: number; createdCount: number }[];
  byDay: { date: string; paidFen: number }[];
}

describe("GET /admin/v1/stats", () => {
  it("sums today's and this month's payments and orders in Asia/Shanghai, by hour and by day", async () => {
    const answer = await kassa.request("GET", "/admin/v1/stats", { headers: { cookie } });
    expect(answer.status).toBe(200);
    const stats = answer.body as Stats;
    const now = kassa.running.kassa.deps.clock.now();
    const local = new Date(now + 8 * 3_600_000);
    expect(stats.timezone).toBe("Asia/Shanghai");
    expect(stats.today).toEqual({
      date: local.toISOString().slice(0, 10),
      paidFen: 3600,
      paidCount: 2,
      createdCount: 3,
      conversion: 2 / 3,
    });
    expect(stats.month).toMatchObject({
      month: local.toISOString().slice(0, 7),
      paidFen: 3600,
      createdCount: 3,
    });
    expect(stats.byHour).toHaveLength(24);
    expect(stats.byHour[local.getUTCHours()]).toEqual({
      hour: local.getUTCHours(),
      paidFen: 3600,
      paidCount: 2,
      createdCount: 3,
    });
    expect(stats.byDay).toHaveLength(local.getUTCDate());
    expect(stats.byDay.at(-1)).toMatchObject({ date: stats.today.date, paidFen: 3600 });
  });

  it("answers an operator of another app as if the app did not exist", async () => {
    const answer = await kassa.request("GET", "/admin/v1/stats?app=app_default", {
      headers: { cookie: otherAppCookie },
    });
    expect(answer.status).toBe(404);
    expect(answer.body).toMatchObject({ code: "APP_NOT_FOUND" });
  });
});
