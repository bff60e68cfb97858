import { randomBytes } from "node:crypto";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createOperator } from "../../src/app/admin/create-operator.ts";
import { raiseAlert } from "../../src/app/alerting/raise-alert.ts";
import { KassaUnderTest } from "../kassa-harness.ts";

/**
 * An alert's life through the admin API (issue 13 "Alerts"; docs/risk.md): open, acknowledged
 * with a note, resolved with a note (required), after which it answers ALERT_RESOLVED and the
 * same problem raises a new alert; the list filters by state; both moves are audited.
 * Then the risk counters shared through Redis (REDIS_URL, or the machine's 127.0.0.1:6379),
 * as several instances share them. SQLite, and PostgreSQL with DATABASE_URL.
 */
let kassa: KassaUnderTest;
const PASSWORD = "Alert-desk-password-5";
type Session = { cookie: string; csrf: string };
type AlertView = {
  id: string;
  status: string;
  note: string | null;
  resolutionNote: string | null;
  repeatCount: number;
};

async function loggedIn(login: string): Promise<Session> {
  const answer = await kassa.request("POST", "/admin/v1/session", { body: { login, password: PASSWORD } });
  expect(answer.status).toBe(201);
  const cookie = (answer.headers.get("set-cookie") ?? "").split(";")[0] as string;
  kassa.rememberSecret(cookie.split("=")[1] as string);
  return { cookie, csrf: (answer.body as { csrfToken: string }).csrfToken };
}
const as = (who: Session, method: string, path: string, body?: unknown) =>
  kassa.request(method, path, {
    headers: { cookie: who.cookie, "x-csrf-token": who.csrf },
    ...(body !== undefined ? { body } : {}),
  });

beforeAll(async () => {
  kassa = await KassaUnderTest.start();
  await createOperator(
    kassa.running.kassa.deps,
    { login: "desk", role: "support", appIds: undefined, password: PASSWORD },
    undefined,
  );
}, 60_000);
afterAll(async () => {
  await kassa?.close();
});

describe("an alert's states", () => {
  it("goes open → acknowledged → resolved with notes, and a resolved one takes no more moves", async () => {
    const { deps } = kassa.running.kassa;
    const desk = await loggedIn("desk");
    const alert = {
      kind: "refund_abnormal",
      subjectId: "ord_lifecycle",
      appId: "app_default",
      detail: { amountFen: 500 },
    };
    const { alertId } = await raiseAlert(deps, deps.db, alert);
    await raiseAlert(deps, deps.db, alert);
    const listed = (await as(desk, "GET", "/admin/v1/alerts?status=open")).body as { data: AlertView[] };
    expect(listed.data.find((row) => row.id === alertId)).toMatchObject({ status: "open", repeatCount: 2 });

    const acknowledged = await as(desk, "POST", `/admin/v1/alerts/${alertId}/acknowledge`, {
      note: "calling the bank",
    });
    expect(acknowledged.body).toMatchObject({ status: "acknowledged", note: "calling the bank" });
    // A second acknowledgement changes nothing.
    const again = await as(desk, "POST", `/admin/v1/alerts/${alertId}/acknowledge`, { note: "other" });
    expect(again.body).toMatchObject({ status: "acknowledged", note: "calling the bank" });

    const noNote = await as(desk, "POST", `/admin/v1/alerts/${alertId}/resolve`, { note: "   " });
    expect(noNote.status).toBe(400);
    expect((await as(desk, "POST", `/admin/v1/alerts/${alertId}/resolve`, {})).status).toBe(400);
    const resolved = await as(desk, "POST", `/admin/v1/alerts/${alertId}/resolve`, {
      note: "settled offline",
    });
    expect(resolved.status).toBe(200);
    expect(resolved.body).toMatchObject({
      status: "resolved",
      resolutionNote: "settled offline",
      note: "calling the bank",
    });

    for (const action of ["acknowledge", "resolve"]) {
      const late = await as(desk, "POST", `/admin/v1/alerts/${alertId}/${action}`, { note: "late" });
      expect(late.status).toBe(409);
      expect(late.body).toMatchObject({ code: "ALERT_RESOLVED" });
    }
    const byState = async (status: string) =>
      ((await as(desk, "GET", `/admin/v1/alerts?status=${status}`)).body as { data: AlertView[] }).data.map(
        (row) => row.id,
      );
    expect(await byState("resolved")).toContain(alertId);
    expect(await byState("open")).not.toContain(alertId);
    expect((await as(desk, "GET", "/admin/v1/alerts?status=closed")).status).toBe(400);

    // The same problem again is a new alert.
    const next = await raiseAlert(deps, deps.db, alert);
    expect(next.raised).toBe(true);
    expect(next.alertId).not.toBe(alertId);

    const audited = await deps.db
      .selectFrom("audit_log")
      .select("action")
      .where("object_id", "=", alertId)
      .orderBy("seq")
      .execute();
    expect(audited.map((row) => row.action)).toEqual(["alert.acknowledge", "alert.resolve"]);
  });
});

describe("risk counters in Redis", () => {
  it("throttle a payer across two instances that share Redis", async () => {
    const redis = { REDIS_URL: process.env.REDIS_URL ?? "redis://127.0.0.1:6379" };
    const env = { ...redis, KASSA_RISK_PAY_FAILURES_PER_USER: "2", KASSA_TRUST_PROXY: "1" };
    const first = await KassaUnderTest.start(env);
    // Its own address each run: Redis keeps counts between runs for their window.
    const address = `10.${randomBytes(1)[0]}.${randomBytes(1)[0]}.${randomBytes(1)[0]}`;
    try {
      const payer = await first.login();
      const second = await KassaUnderTest.startSecondInstance(first, env);
      try {
        for (const instance of [first, second]) {
          const made = await instance.request("POST", "/v1/orders", {
            token: payer,
            headers: { "x-forwarded-for": address },
            body: { items: [{ productId: "prd_jasmine_tea", quantity: 1 }] },
          });
          const orderId = (made.body as { id: string }).id;
          expect(
            (
              await instance.request("POST", `/v1/orders/${orderId}/cancel`, {
                token: payer,
                headers: { "x-forwarded-for": address },
              })
            ).status,
          ).toBe(200);
        }
        // One failure on each instance: two in the shared count, so both refuse the payer now.
        for (const instance of [second, first]) {
          const made = await instance.request("POST", "/v1/orders", {
            token: payer,
            body: { items: [{ productId: "prd_jasmine_tea", quantity: 1 }] },
          });
          const refused = await instance.request(
            "POST",
            `/v1/orders/${(made.body as { id: string }).id}/pay`,
            {
              token: payer,
            },
          );
          expect(refused.body).toMatchObject({
            code: "RISK_THROTTLED",
            details: { rule: "pay_failures_per_user" },
          });
        }
      } finally {
        await second.close();
      }
    } finally {
      await first.close();
    }
  }, 60_000);
});
