import { sql } from "kysely";
import { Secret } from "otpauth";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createOperator } from "../../src/app/admin/create-operator.ts";
import { totpOf } from "../../src/app/admin/operator-login.ts";
import { runOperatorsCommand } from "../../src/app/admin/operators-command.ts";
import { raiseAlert } from "../../src/app/alerting/raise-alert.ts";
import { makeApiKey } from "../../src/app/merchant/api-key-lifecycle.ts";
import { verifyAuditChain } from "../../src/db/audit-repo.ts";
import { openRun } from "../../src/db/reconciliation-runs-repo.ts";
import type { OperatorRole } from "../../src/domain/operator-roles.ts";
import { latestReadyDay } from "../../src/domain/reconciliation.ts";
import { randomIdSource } from "../../src/random-ids.ts";
import { DEMO_RECIPIENT, DEMO_SERVICE } from "../../src/seed.ts";
import { KassaUnderTest } from "../kassa-harness.ts";
import { payOrderAtSimulator } from "../pay-order.ts";
import { addEndpoint } from "../webhook-flows.ts";
import { WebhookReceiver } from "../webhook-receiver.ts";

/**
 * The admin API (issue 12): operators log in with a password (and TOTP), hold a `__Host-`
 * session cookie, send a CSRF token with every change, and each route checks its permission
 * on the server: every route is tried with every role (BFLA), and with an operator of another
 * app (BOLA). Failed logins lock an account and raise an alert; the audit log holds every
 * action, hash-chained and append-only.
 */
let kassa: KassaUnderTest;
const PASSWORD = "Correct-horse-battery-9";
const sessions: Record<string, { cookie: string; csrf: string }> = {};
let orderId: string;
let alertId: string;
/** One alert per role for the resolve row: a resolved alert answers ALERT_RESOLVED to the next role. */
const toResolve: Record<string, string> = {};

async function login(loginName: string, password = PASSWORD, totp?: string) {
  return kassa.request("POST", "/admin/v1/session", {
    body: { login: loginName, password, ...(totp ? { totp } : {}) },
  });
}
function cookieOf(answer: { headers: Headers }): string {
  const header = answer.headers.get("set-cookie") ?? "";
  return header.split(";")[0] as string;
}
async function loggedIn(loginName: string): Promise<{ cookie: string; csrf: string }> {
  const answer = await login(loginName);
  expect(answer.status).toBe(201);
  const session = { cookie: cookieOf(answer), csrf: (answer.body as { csrfToken: string }).csrfToken };
  kassa.rememberSecret(session.cookie.split("=")[1] as string);
  return session;
}
function as(
  who: { cookie: string; csrf: string } | undefined,
  method: string,
  path: string,
  body?: unknown,
  csrf: "right" | "none" | "wrong" = "right",
) {
  const headers: Record<string, string> = {};
  if (who) headers.cookie = who.cookie;
  if (who && csrf === "right") headers["x-csrf-token"] = who.csrf;
  if (csrf === "wrong") headers["x-csrf-token"] = "x".repeat(43);
  return kassa.request(method, path, { headers, ...(body !== undefined ? { body } : {}) });
}

/** A POST with an Idempotency-Key, as the console sends its refunds and adjustments. */
function asWithKey(
  who: { cookie: string; csrf: string } | undefined,
  key: string,
  path: string,
  body: unknown,
) {
  const headers: Record<string, string> = { "idempotency-key": key };
  if (who) Object.assign(headers, { cookie: who.cookie, "x-csrf-token": who.csrf });
  return kassa.request("POST", path, { headers, body });
}
const APPROVAL_ABOVE_FEN = 300;
const afterAllStops: (() => Promise<void>)[] = [];

beforeAll(async () => {
  kassa = await KassaUnderTest.start({ KASSA_REFUND_APPROVAL_ABOVE_FEN: String(APPROVAL_ABOVE_FEN) });
  const deps = kassa.running.kassa.deps;
  for (const role of ["viewer", "support", "finance", "admin"] as OperatorRole[])
    await createOperator(deps, { login: role, role, appIds: undefined, password: PASSWORD }, undefined);
  await createOperator(
    deps,
    { login: "other-app", role: "admin", appIds: ["app_other"], password: PASSWORD },
    undefined,
  );
  for (const name of ["viewer", "support", "finance", "admin", "other-app"])
    sessions[name] = await loggedIn(name);
  const token = await kassa.login();
  orderId = (
    (
      await kassa.request("POST", "/v1/orders", {
        token,
        body: { items: [{ productId: "prd_jasmine_tea", quantity: 1 }] },
      })
    ).body as { id: string }
  ).id;
  ({ alertId } = await raiseAlert(deps, deps.db, {
    kind: "amount_mismatch",
    subjectId: orderId,
    detail: { expectedFen: 1200 },
    appId: "app_default",
  }));
  for (const role of ["viewer", "support", "finance", "admin"])
    toResolve[role] = (
      await raiseAlert(deps, deps.db, {
        kind: "amount_mismatch",
        subjectId: `${orderId}:${role}`,
        detail: {},
        appId: "app_default",
      })
    ).alertId;
}, 60_000);
afterAll(async () => {
  for (const stop of afterAllStops) await stop();
  await kassa?.close();
});

describe("logging in", () => {
  it("sets a __Host- session cookie: Secure, HttpOnly, SameSite=Strict, Path=/", async () => {
    const answer = await login("viewer");
    expect(answer.status).toBe(201);
    const header = answer.headers.get("set-cookie") ?? "";
    expect(header).toMatch(/^__Host-kassa_admin=kos_[A-Za-z0-9_-]{43};/);
    expect(header).toContain("Secure");
    expect(header).toContain("HttpOnly");
    expect(header).toContain("SameSite=Strict");
    expect(header).toContain("Path=/");
    expect(header).not.toMatch(/Domain=/i);
    expect(answer.body).toMatchObject({ operator: { login: "viewer", role: "viewer", apps: null } });
    kassa.rememberSecret(cookieOf(answer).split("=")[1] as string);
  });

  it("answers an unknown login as it answers a wrong password", async () => {
    const unknown = await login("nobody");
    const wrong = await login("finance", "not-the-password-1");
    expect([unknown.status, wrong.status]).toEqual([401, 401]);
    expect((unknown.body as { code: string }).code).toBe("ADMIN_LOGIN_FAILED");
    expect((wrong.body as { code: string }).code).toBe("ADMIN_LOGIN_FAILED");
  });

  it("locks an account after 5 failures, alerts, and opens it again 15 minutes later", async () => {
    const deps = kassa.running.kassa.deps;
    await createOperator(
      deps,
      { login: "guessed", role: "viewer", appIds: undefined, password: PASSWORD },
      undefined,
    );
    const statuses = [];
    for (let i = 0; i < 5; i += 1) statuses.push((await login("guessed", `wrong-password-${i}x`)).status);
    expect(statuses).toEqual([401, 401, 401, 401, 401]);
    const locked = await login("guessed");
    expect(locked.status).toBe(429);
    expect(locked.body).toMatchObject({ code: "ADMIN_LOGIN_LOCKED" });
    expect(Number(locked.headers.get("retry-after"))).toBeGreaterThan(800);
    const alerts = await deps.db
      .selectFrom("alerts")
      .select("kind")
      .where("kind", "=", "operator_locked_out")
      .execute();
    expect(alerts).toHaveLength(1);
    await kassa.sandbox.admin.advanceClock(15 * 60_000 + 1_000);
    expect((await login("guessed")).status).toBe(201);
  }, 60_000);

  it("asks for the TOTP code when the account has a second factor, and takes a right one", async () => {
    const deps = kassa.running.kassa.deps;
    await createOperator(
      deps,
      { login: "two-factor", role: "viewer", appIds: undefined, password: PASSWORD },
      undefined,
    );
    const secret = new Secret({ size: 20 }).base32;
    await deps.db
      .updateTable("operators")
      .set({ totp_secret: secret })
      .where("login", "=", "two-factor")
      .execute();
    const without = await login("two-factor");
    expect(without.status).toBe(401);
    expect(without.body).toMatchObject({ code: "ADMIN_TOTP_REQUIRED" });
    expect((await login("two-factor", PASSWORD, "000000")).status).toBe(401);
    const code = totpOf(secret).generate({ timestamp: deps.clock.now() });
    const answer = await login("two-factor", PASSWORD, code);
    expect(answer.status).toBe(201);
    kassa.rememberSecret(cookieOf(answer).split("=")[1] as string);
  }, 30_000);

  it("ends the session at logout, in the database: the old cookie no longer works", async () => {
    const session = await loggedIn("viewer");
    expect((await as(session, "GET", "/admin/v1/session")).status).toBe(200);
    expect((await as(session, "DELETE", "/admin/v1/session")).status).toBe(204);
    const after = await as(session, "GET", "/admin/v1/session");
    expect(after.status).toBe(401);
    expect(after.body).toMatchObject({ code: "ADMIN_SESSION_REQUIRED" });
  });
});

type Role = OperatorRole;
const ROLES: Role[] = ["viewer", "support", "finance", "admin"];
const EVERY_ROLE: Role[] = ROLES;
/** The objects each role's call acts on: a change that works once gets one object per role. */
const fixtures = {
  paidOrderId: "",
  closable: {} as Record<Role, string>,
  toApprove: {} as Record<Role, string>,
  toReject: {} as Record<Role, string>,
  userId: "",
  endpointId: "",
  deliveryId: "",
  slotId: "",
  /** A day ready to reconcile, whose run is open (the job's first step, openRun). */
  day: "",
  /** A merchant API key of the default app, for the revoke row (a second revoke answers 200 too). */
  keyId: "",
};

/**
 * Every admin route but login, and who may call it: the test's own table, not the code's
 * (domain/operator-roles.ts). The first test below checks it against /docs/json, so a route
 * added without a row here fails it.
 */
const ROUTES: Record<
  string,
  { path: (role: Role) => string; body?: (role: Role) => unknown; idempotent?: boolean; allowed: Role[] }
> = {
  "GET /admin/v1/session": { path: () => "/admin/v1/session", allowed: EVERY_ROLE },
  // Each role logs out of a session of its own (below), not the one the other rows use.
  "DELETE /admin/v1/session": { path: () => "/admin/v1/session", allowed: EVERY_ROLE },
  "GET /admin/v1/orders": { path: () => "/admin/v1/orders", allowed: EVERY_ROLE },
  "GET /admin/v1/orders/{orderId}": { path: () => `/admin/v1/orders/${orderId}`, allowed: EVERY_ROLE },
  "GET /admin/v1/alerts": { path: () => "/admin/v1/alerts", allowed: EVERY_ROLE },
  "POST /admin/v1/alerts/{alertId}/acknowledge": {
    path: () => `/admin/v1/alerts/${alertId}/acknowledge`,
    body: () => ({ note: "checked" }),
    allowed: ["support", "finance", "admin"],
  },
  "POST /admin/v1/alerts/{alertId}/resolve": {
    path: (role) => `/admin/v1/alerts/${toResolve[role]}/resolve`,
    body: () => ({ note: "refunded the difference" }),
    allowed: ["support", "finance", "admin"],
  },
  "GET /admin/v1/operators": { path: () => "/admin/v1/operators", allowed: ["admin"] },
  // A create may succeed once; a second one would be refused as taken, never as forbidden.
  "POST /admin/v1/operators": {
    path: () => "/admin/v1/operators",
    body: (role) => ({ login: `made-by-${role}`, role: "viewer" }),
    allowed: ["admin"],
  },
  "GET /admin/v1/audit": { path: () => "/admin/v1/audit", allowed: ["finance", "admin"] },
  "GET /admin/v1/stats": { path: () => "/admin/v1/stats", allowed: EVERY_ROLE },
  "POST /admin/v1/orders/{orderId}/refunds": {
    path: () => `/admin/v1/orders/${fixtures.paidOrderId}/refunds`,
    body: (role) => ({ amountFen: 1, reason: `bfla ${role}` }),
    idempotent: true,
    allowed: ["support", "finance", "admin"],
  },
  "POST /admin/v1/orders/{orderId}/close": {
    path: (role) => `/admin/v1/orders/${fixtures.closable[role]}/close`,
    allowed: ["support", "finance", "admin"],
  },
  "POST /admin/v1/orders/{orderId}/sync": {
    path: () => `/admin/v1/orders/${fixtures.paidOrderId}/sync`,
    allowed: ["support", "finance", "admin"],
  },
  "GET /admin/v1/refunds": { path: () => "/admin/v1/refunds", allowed: EVERY_ROLE },
  "GET /admin/v1/refund-approvals": { path: () => "/admin/v1/refund-approvals", allowed: EVERY_ROLE },
  "POST /admin/v1/refund-approvals/{approvalId}/approve": {
    path: (role) => `/admin/v1/refund-approvals/${fixtures.toApprove[role]}/approve`,
    body: () => ({}),
    allowed: ["finance", "admin"],
  },
  "POST /admin/v1/refund-approvals/{approvalId}/reject": {
    path: (role) => `/admin/v1/refund-approvals/${fixtures.toReject[role]}/reject`,
    body: () => ({ note: "no" }),
    allowed: ["finance", "admin"],
  },
  "GET /admin/v1/wallets": { path: () => "/admin/v1/wallets", allowed: ["finance", "admin"] },
  "GET /admin/v1/wallets/{userId}": {
    path: () => `/admin/v1/wallets/${fixtures.userId}`,
    allowed: ["finance", "admin"],
  },
  "POST /admin/v1/wallet-adjustments": {
    path: () => "/admin/v1/wallet-adjustments",
    body: (role) => ({ userId: fixtures.userId, amountFen: 100, reason: `goodwill from ${role}` }),
    idempotent: true,
    allowed: ["finance", "admin"],
  },
  "GET /admin/v1/webhook-endpoints": { path: () => "/admin/v1/webhook-endpoints", allowed: ["admin"] },
  "GET /admin/v1/webhook-endpoints/{endpointId}/deliveries": {
    path: () => `/admin/v1/webhook-endpoints/${fixtures.endpointId}/deliveries`,
    allowed: ["admin"],
  },
  "GET /admin/v1/webhook-endpoints/{endpointId}/deliveries/{deliveryId}": {
    path: () => `/admin/v1/webhook-endpoints/${fixtures.endpointId}/deliveries/${fixtures.deliveryId}`,
    allowed: ["admin"],
  },
  "POST /admin/v1/webhook-endpoints/{endpointId}/deliveries/{deliveryId}/replay": {
    path: () => `/admin/v1/webhook-endpoints/${fixtures.endpointId}/deliveries/${fixtures.deliveryId}/replay`,
    allowed: ["admin"],
  },
  // The demo seed's class, its slots and its tip recipient (src/seed.ts).
  "GET /admin/v1/booking-services": { path: () => "/admin/v1/booking-services", allowed: EVERY_ROLE },
  "GET /admin/v1/booking-services/{serviceId}/slots": {
    path: () => `/admin/v1/booking-services/${DEMO_SERVICE.id}/slots`,
    allowed: EVERY_ROLE,
  },
  "GET /admin/v1/booking-slots/{slotId}/bookings": {
    path: () => `/admin/v1/booking-slots/${fixtures.slotId}/bookings`,
    allowed: EVERY_ROLE,
  },
  "GET /admin/v1/reconciliation/runs": {
    path: () => "/admin/v1/reconciliation/runs",
    allowed: ["finance", "admin"],
  },
  "GET /admin/v1/reconciliation/runs/{day}": {
    path: () => `/admin/v1/reconciliation/runs/${fixtures.day}`,
    allowed: ["finance", "admin"],
  },
  "POST /admin/v1/reconciliation/runs/{day}/rerun": {
    path: () => `/admin/v1/reconciliation/runs/${fixtures.day}/rerun`,
    allowed: ["finance", "admin"],
  },
  "GET /admin/v1/tip-recipients": { path: () => "/admin/v1/tip-recipients", allowed: ["finance", "admin"] },
  "GET /admin/v1/tip-recipients/{recipientId}/tips": {
    path: () => `/admin/v1/tip-recipients/${DEMO_RECIPIENT.id}/tips`,
    allowed: ["finance", "admin"],
  },
  "GET /admin/v1/tip-recipients/{recipientId}/payouts": {
    path: () => `/admin/v1/tip-recipients/${DEMO_RECIPIENT.id}/payouts`,
    allowed: ["finance", "admin"],
  },
  // The settings page: the deployment's wiring, admin's alone (flows/admin-settings.test.ts).
  "GET /admin/v1/settings/apps": { path: () => "/admin/v1/settings/apps", allowed: ["admin"] },
  "POST /admin/v1/settings/check": { path: () => "/admin/v1/settings/check", allowed: ["admin"] },
  "GET /admin/v1/api-keys": { path: () => "/admin/v1/api-keys", allowed: ["admin"] },
  "POST /admin/v1/api-keys": {
    path: () => "/admin/v1/api-keys",
    body: (role) => ({ name: `made by ${role}`, scopes: ["read"] }),
    allowed: ["admin"],
  },
  "POST /admin/v1/api-keys/{keyId}/revoke": {
    path: () => `/admin/v1/api-keys/${fixtures.keyId}/revoke`,
    allowed: ["admin"],
  },
  // The catalog page: read by every role, changed by admins (flows/admin-catalog.test.ts).
  "GET /admin/v1/products": { path: () => "/admin/v1/products", allowed: EVERY_ROLE },
  "GET /admin/v1/wallet-tiers": { path: () => "/admin/v1/wallet-tiers", allowed: EVERY_ROLE },
  "POST /admin/v1/products/{productId}": {
    path: () => "/admin/v1/products/prd_jasmine_tea",
    body: () => ({ stock: 90 }),
    allowed: ["admin"],
  },
};

describe("every route checks its role on the server (BFLA)", () => {
  beforeAll(async () => {
    const deps = kassa.running.kassa.deps;
    const receiver = await WebhookReceiver.start();
    afterAllStops.push(() => receiver.down());
    fixtures.endpointId = (await addEndpoint(kassa, { url: receiver.url })).id;
    const token = await kassa.login();
    const paid = await payOrderAtSimulator(kassa, token, [{ productId: "prd_jasmine_tea", quantity: 2 }]);
    fixtures.paidOrderId = paid.id;
    await kassa.runJobs();
    await kassa.runWebhookJobs();
    const delivery = await deps.db
      .selectFrom("webhook_deliveries")
      .select("id")
      .where("endpoint_id", "=", fixtures.endpointId)
      .executeTakeFirstOrThrow();
    fixtures.deliveryId = delivery.id;
    fixtures.slotId = (
      await deps.db
        .selectFrom("booking_slots")
        .select("id")
        .where("service_id", "=", DEMO_SERVICE.id)
        .executeTakeFirstOrThrow()
    ).id;
    fixtures.day = latestReadyDay(deps.clock.now());
    fixtures.keyId = (
      await makeApiKey(deps.db, {
        appId: "app_default",
        name: "bfla",
        scopes: ["read"],
        mode: "test",
        ids: deps.ids,
        now: deps.clock.now(),
      })
    ).id;
    await openRun(deps.db, {
      id: "rcn_bfla",
      appId: "app_default",
      channel: "wechatpay",
      day: fixtures.day,
      now: 0,
    });
    const order = await deps.db
      .selectFrom("orders")
      .select("user_id")
      .where("id", "=", paid.id)
      .executeTakeFirstOrThrow();
    fixtures.userId = order.user_id;
    await createOperator(
      deps,
      { login: "maker", role: "finance", appIds: undefined, password: PASSWORD },
      undefined,
    );
    const maker = await loggedIn("maker");
    for (const role of ROLES) {
      fixtures.closable[role] = (
        (
          await kassa.request("POST", "/v1/orders", {
            token,
            body: { items: [{ productId: "prd_jasmine_tea", quantity: 1 }] },
          })
        ).body as { id: string }
      ).id;
      for (const [kind, into] of [
        ["approve", fixtures.toApprove],
        ["reject", fixtures.toReject],
      ] as const) {
        const asked = await asWithKey(maker, `${kind}-${role}`, `/admin/v1/orders/${paid.id}/refunds`, {
          amountFen: APPROVAL_ABOVE_FEN + 1,
          reason: `to ${kind}`,
        });
        expect(asked.status, JSON.stringify(asked.body)).toBe(202);
        into[role] = (asked.body as { approval: { id: string } }).approval.id;
      }
    }
  }, 60_000);

  it("lists every admin route in /docs/json, and this table has a row for each", async () => {
    const spec = (await kassa.request("GET", "/docs/json")).body as {
      paths: Record<string, Record<string, unknown>>;
    };
    const documented = Object.entries(spec.paths)
      .filter(([path]) => path.startsWith("/admin/"))
      .flatMap(([path, methods]) => Object.keys(methods).map((method) => `${method.toUpperCase()} ${path}`))
      .filter((route) => route !== "POST /admin/v1/session")
      .sort();
    expect(documented).toEqual(Object.keys(ROUTES).sort());
    // And /docs/json hides no admin route: each row here answers (401 without a session).
    for (const [route, row] of Object.entries(ROUTES)) {
      const answer = await as(undefined, route.split(" ")[0] as string, row.path("admin"));
      expect(answer.status, route).toBe(401);
    }
  });

  for (const route of Object.keys(ROUTES)) {
    const row = ROUTES[route] as (typeof ROUTES)[string];
    const method = route.split(" ")[0] as string;
    it(route, async () => {
      for (const role of ROLES) {
        const who = route === "DELETE /admin/v1/session" ? await loggedIn(role) : sessions[role];
        const body = row.body?.(role);
        const answer = row.idempotent
          ? await asWithKey(who, `${route}-${role}`.replace(/[^\x21-\x7e]/g, "_"), row.path(role), body)
          : await as(who, method, row.path(role), body);
        if (row.allowed.includes(role))
          expect([200, 201, 202, 204], `${role}: ${JSON.stringify(answer.body)}`).toContain(answer.status);
        else {
          expect(answer.status, role).toBe(403);
          expect(answer.body).toMatchObject({ code: "ADMIN_FORBIDDEN" });
        }
      }
    }, 30_000);
  }
});

describe("changes need the CSRF token", () => {
  it("refuses a change without the token, or with a wrong one, and changes nothing", async () => {
    const admin = sessions.admin;
    for (const csrf of ["none", "wrong"] as const) {
      const answer = await as(
        admin,
        "POST",
        "/admin/v1/operators",
        { login: `csrf-${csrf}`, role: "viewer" },
        csrf,
      );
      expect(answer.status).toBe(403);
      expect(answer.body).toMatchObject({ code: "ADMIN_CSRF_INVALID" });
    }
    const operators = (await as(admin, "GET", "/admin/v1/operators")).body as { data: { login: string }[] };
    expect(operators.data.map((operator) => operator.login)).not.toContain("csrf-none");
    expect(operators.data.map((operator) => operator.login)).not.toContain("csrf-wrong");
  });

  it("gives the token again after a reload", async () => {
    const answer = await as(sessions.support, "GET", "/admin/v1/session");
    expect((answer.body as { csrfToken: string }).csrfToken).toBe(sessions.support?.csrf);
  });
});

describe("an operator of another app sees none of this app's objects (BOLA)", () => {
  it("answers this app's order as unknown, and its order list as an app it does not know", async () => {
    const other = sessions["other-app"];
    const order = await as(other, "GET", `/admin/v1/orders/${orderId}`);
    expect(order.status).toBe(404);
    expect(order.body).toMatchObject({ code: "ORDER_NOT_FOUND" });
    const list = await as(other, "GET", "/admin/v1/orders?app=app_default");
    expect(list.status).toBe(404);
    expect(list.body).toMatchObject({ code: "APP_NOT_FOUND" });
    const alerts = (await as(other, "GET", "/admin/v1/alerts")).body as { data: { id: string }[] };
    expect(alerts.data.map((alert) => alert.id)).not.toContain(alertId);
    expect((await as(other, "POST", `/admin/v1/alerts/${alertId}/acknowledge`, {})).status).toBe(404);
  });

  it("gets 404 from every route on this app's orders, refunds, approvals, wallets, webhooks, bookings, tips, reconciliation, API keys and products, and changes nothing", async () => {
    const db = kassa.running.kassa.deps.db;
    const refundsBefore = await db.selectFrom("refunds").select("id").execute();
    const jobsBefore = await db.selectFrom("jobs").select(["id", "run_at"]).orderBy("id").execute();
    const scoped = Object.entries(ROUTES).filter(([route]) =>
      /orders|refund|wallet|webhook|booking|tip-|api-keys|products/.test(route),
    );
    expect(scoped.length).toBeGreaterThanOrEqual(21);
    for (const [route, row] of scoped) {
      const method = route.split(" ")[0] as string;
      // The viewer's objects: still untouched (a pending order, pending approvals).
      const answer = row.idempotent
        ? await asWithKey(
            sessions["other-app"],
            `bola-${route}`.replace(/[^\x21-\x7e]/g, "_"),
            row.path("viewer"),
            row.body?.("viewer"),
          )
        : await as(sessions["other-app"], method, row.path("viewer"), row.body?.("viewer"));
      expect(answer.status, `${route}: ${JSON.stringify(answer.body)}`).toBe(404);
      expect((answer.body as { code: string }).code).toMatch(/^(ORDER|APP|REFUND_APPROVAL)_NOT_FOUND$/);
    }
    expect(await db.selectFrom("refunds").select("id").execute()).toEqual(refundsBefore);
    // No day's reconciliation was scheduled (or moved) for it.
    expect(await db.selectFrom("jobs").select(["id", "run_at"]).orderBy("id").execute()).toEqual(jobsBefore);
    const stillOpen = await db
      .selectFrom("orders")
      .select("status")
      .where("id", "=", fixtures.closable.viewer)
      .executeTakeFirstOrThrow();
    expect(stillOpen.status).toBe("PENDING");
    const pending = await db
      .selectFrom("refund_approvals")
      .select("status")
      .where("id", "in", [fixtures.toApprove.viewer, fixtures.toReject.viewer])
      .execute();
    expect(pending.map((row) => row.status)).toEqual(["PENDING", "PENDING"]);
  });

  it("cannot make an operator who sees more apps than it does", async () => {
    const answer = await as(sessions["other-app"], "POST", "/admin/v1/operators", {
      login: "wider",
      role: "viewer",
    });
    expect(answer.status).toBe(403);
  });
});

describe("the audit log", () => {
  it("records each action once, chained, and refuses to be edited", async () => {
    const db = kassa.running.kassa.deps.db;
    const audit = (await as(sessions.admin, "GET", "/admin/v1/audit?limit=100")).body as {
      data: { action: string; objectId: string; operatorId: string }[];
    };
    const acknowledged = audit.data.filter((entry) => entry.action === "alert.acknowledge");
    expect(acknowledged).toHaveLength(1);
    expect(acknowledged[0]?.objectId).toBe(alertId);
    expect(audit.data.filter((entry) => entry.action === "operator.create").length).toBeGreaterThan(0);
    expect(await verifyAuditChain(db)).toMatchObject({ ok: true });
    await expect(sql`update audit_log set action = 'nothing'`.execute(db)).rejects.toThrow(/append-only/);
    await expect(sql`delete from audit_log`.execute(db)).rejects.toThrow(/append-only/);
  });
});

describe("npm run kassa -- operators create", () => {
  it("prints a generated password once, which logs in", async () => {
    const out: string[] = [];
    const deps = kassa.running.kassa.deps;
    const code = await runOperatorsCommand(
      ["operators", "create", "--login", "from-cli", "--role", "finance"],
      {
        db: deps.db,
        dialect: deps.dialect,
        mode: "test",
        now: () => deps.clock.now(),
        ids: randomIdSource,
        out: (line) => out.push(line),
        err: (line) => out.push(line),
      },
    );
    expect(code).toBe(0);
    const password = /Password \(shown once.*\): (\S+)$/.exec(out[1] ?? "")?.[1] as string;
    kassa.rememberSecret(password);
    const answer = await login("from-cli", password);
    expect(answer.status).toBe(201);
    kassa.rememberSecret(cookieOf(answer).split("=")[1] as string);
  }, 30_000);
});
