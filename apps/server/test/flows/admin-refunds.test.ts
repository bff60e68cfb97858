import { sql } from "kysely";
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { createOperator } from "../../src/app/admin/create-operator.ts";
import { verifyAuditChain } from "../../src/db/audit-repo.ts";
import type { OperatorRole } from "../../src/domain/operator-roles.ts";
import { expectLedgerHolds } from "../check-ledger.ts";
import { KassaUnderTest } from "../kassa-harness.ts";
import { makeOtherApp } from "../merchant-keys.ts";
import { payOrderAtSimulator } from "../pay-order.ts";
import { refundsAtChannel, untilRefundIs } from "../refunds.ts";

/**
 * Refunds, closes and re-queries made by operators (issue 12): support refunds up to its
 * limit, a refund above the threshold waits for a second operator (maker-checker) who is
 * never the maker, a double click is one refund, and every refund goes through the one
 * refund path to the simulator, the books holding after each test.
 */
let kassa: KassaUnderTest;
let token: string;
const PASSWORD = "Refund-desk-password-4";
const APPROVAL_ABOVE_FEN = 1000;
const SUPPORT_MAX_FEN = 500;
type Session = { cookie: string; csrf: string };
const sessions: Record<string, Session> = {};
const operatorIds: Record<string, string> = {};

async function loggedIn(login: string): Promise<Session> {
  const answer = await kassa.request("POST", "/admin/v1/session", { body: { login, password: PASSWORD } });
  expect(answer.status).toBe(201);
  const cookie = (answer.headers.get("set-cookie") ?? "").split(";")[0] as string;
  kassa.rememberSecret(cookie.split("=")[1] as string);
  return { cookie, csrf: (answer.body as { csrfToken: string }).csrfToken };
}
function post(who: string, path: string, body?: unknown, key?: string) {
  const session = sessions[who] as Session;
  return kassa.request("POST", path, {
    headers: {
      cookie: session.cookie,
      "x-csrf-token": session.csrf,
      ...(key ? { "idempotency-key": key } : {}),
    },
    ...(body !== undefined ? { body } : {}),
  });
}
const refund = (who: string, orderId: string, amountFen: number, key: string) =>
  post(who, `/admin/v1/orders/${orderId}/refunds`, { amountFen, reason: "缺货 out of stock" }, key);
const refundRows = (orderId: string) =>
  kassa.running.kassa.deps.db.selectFrom("refunds").selectAll().where("order_id", "=", orderId).execute();
async function auditActions(objectId: string): Promise<string[]> {
  const rows = await kassa.running.kassa.deps.db
    .selectFrom("audit_log")
    .select(["action", "operator_id"])
    .where("object_id", "=", objectId)
    .orderBy("seq")
    .execute();
  return rows.map((row) => row.action);
}

beforeAll(async () => {
  kassa = await KassaUnderTest.start({
    KASSA_REFUND_APPROVAL_ABOVE_FEN: String(APPROVAL_ABOVE_FEN),
    KASSA_SUPPORT_REFUND_MAX_FEN: String(SUPPORT_MAX_FEN),
  });
  const deps = kassa.running.kassa.deps;
  await makeOtherApp(kassa);
  const people: [string, OperatorRole, string[] | undefined][] = [
    ["viewer", "viewer", undefined],
    ["support", "support", undefined],
    ["wang.finance", "finance", undefined],
    ["li.finance", "finance", undefined],
    ["admin", "admin", undefined],
    ["other-app", "admin", ["app_other"]],
  ];
  for (const [login, role, appIds] of people) {
    await createOperator(deps, { login, role, appIds, password: PASSWORD }, undefined);
    sessions[login] = await loggedIn(login);
    const row = await deps.db
      .selectFrom("operators")
      .select("id")
      .where("login", "=", login)
      .executeTakeFirstOrThrow();
    operatorIds[login] = row.id;
  }
  token = await kassa.login();
}, 60_000);
afterAll(async () => {
  await kassa?.close();
});
afterEach(() => expectLedgerHolds(kassa.running.kassa.deps.db));

describe("a refund an operator makes", () => {
  it("goes through the one refund path to the channel, succeeds, and a double click is one refund", async () => {
    const order = await payOrderAtSimulator(kassa, token, [{ productId: "prd_jasmine_tea", quantity: 2 }]);
    const [first, second] = await Promise.all([
      refund("support", order.id, 300, "dialog-1"),
      refund("support", order.id, 300, "dialog-1"),
    ]);
    // The second click waits for the first, or replays it; it never refunds again.
    const statuses = [first.status, second.status].sort();
    expect([
      [201, 201],
      [201, 409],
    ]).toContainEqual(statuses);
    const made = first.status === 201 ? first : second;
    expect(made.body).toMatchObject({ outcome: "refund", approval: null, refund: { amountFen: 300 } });
    const replay = await refund("support", order.id, 300, "dialog-1");
    expect(replay.status).toBe(201);
    expect(replay.headers.get("idempotent-replayed")).toBe("true");
    const refundId = (made.body as { refund: { id: string } }).refund.id;
    expect((replay.body as { refund: { id: string } }).refund.id).toBe(refundId);
    expect(await refundRows(order.id)).toHaveLength(1);
    expect(refundsAtChannel(kassa, order.id)).toHaveLength(1);
    await kassa.sandbox.admin.advanceClock(61_000);
    await untilRefundIs(kassa, refundId, "SUCCESS");
    expect(await auditActions(refundId)).toEqual(["refund.create"]);
  });

  it("is refused to a viewer, and to support above its limit, and nothing is refunded", async () => {
    const order = await payOrderAtSimulator(kassa, token);
    const viewer = await refund("viewer", order.id, 100, "viewer-1");
    expect(viewer.status).toBe(403);
    expect(viewer.body).toMatchObject({ code: "ADMIN_FORBIDDEN", details: { needs: "refunds.request" } });
    const above = await refund("support", order.id, SUPPORT_MAX_FEN + 1, "support-big");
    expect(above.status).toBe(403);
    expect(above.body).toMatchObject({ code: "ADMIN_REFUND_ABOVE_ROLE_LIMIT", details: { limitFen: 500 } });
    const noKey = await refund("admin", order.id, 100, "");
    expect(noKey.status).toBe(400);
    expect(noKey.body).toMatchObject({ code: "IDEMPOTENCY_KEY_INVALID" });
    const tooMuch = await refund("admin", order.id, order.amountFen + 1, "too-much");
    expect(tooMuch.status).toBe(409);
    expect(tooMuch.body).toMatchObject({ code: "REFUND_AMOUNT_TOO_LARGE" });
    const other = await refund("other-app", order.id, 100, "bola");
    expect(other.status).toBe(404);
    expect(other.body).toMatchObject({ code: "ORDER_NOT_FOUND" });
    expect(await refundRows(order.id)).toHaveLength(0);
    expect(refundsAtChannel(kassa, order.id)).toHaveLength(0);
  });
});

describe("a refund above the threshold (maker-checker)", () => {
  it("waits for a second operator: the maker cannot approve it, another approves, and it succeeds", async () => {
    const order = await payOrderAtSimulator(kassa, token, [{ productId: "prd_jasmine_tea", quantity: 3 }]);
    const asked = await refund("wang.finance", order.id, 2000, "big-1");
    expect(asked.status).toBe(202);
    const approval = (asked.body as { approval: { id: string; status: string; requestedBy: string } })
      .approval;
    expect(approval).toMatchObject({ status: "PENDING", requestedBy: operatorIds["wang.finance"] });
    expect(await refundRows(order.id)).toHaveLength(0);
    expect(refundsAtChannel(kassa, order.id)).toHaveLength(0);

    const own = await post("wang.finance", `/admin/v1/refund-approvals/${approval.id}/approve`, {});
    expect(own.status).toBe(403);
    expect(own.body).toMatchObject({ code: "REFUND_APPROVAL_OWN" });
    // Nor does the database let the maker be the checker, whatever the code did.
    await expect(
      sql`update refund_approvals set decided_by = requested_by, status = 'APPROVED' where id = ${approval.id}`.execute(
        kassa.running.kassa.deps.db,
      ),
    ).rejects.toThrow();
    const bySupport = await post("support", `/admin/v1/refund-approvals/${approval.id}/approve`, {});
    expect(bySupport.status).toBe(403);
    expect(bySupport.body).toMatchObject({ code: "ADMIN_FORBIDDEN" });
    const byOtherApp = await post("other-app", `/admin/v1/refund-approvals/${approval.id}/approve`, {});
    expect(byOtherApp.status).toBe(404);
    expect(byOtherApp.body).toMatchObject({ code: "REFUND_APPROVAL_NOT_FOUND" });

    const approved = await post("li.finance", `/admin/v1/refund-approvals/${approval.id}/approve`, {
      note: "checked the delivery",
    });
    expect(approved.status, JSON.stringify(approved.body)).toBe(200);
    const answer = approved.body as {
      approval: { status: string; decidedBy: string; refundId: string };
      refund: { id: string; amountFen: number };
    };
    expect(answer.approval).toMatchObject({ status: "APPROVED", decidedBy: operatorIds["li.finance"] });
    expect(answer.refund).toMatchObject({ id: answer.approval.refundId, amountFen: 2000 });
    expect(refundsAtChannel(kassa, order.id)).toHaveLength(1);
    const again = await post("admin", `/admin/v1/refund-approvals/${approval.id}/approve`, {});
    expect(again.status).toBe(409);
    expect(again.body).toMatchObject({ code: "REFUND_APPROVAL_DECIDED", details: { status: "APPROVED" } });
    await kassa.sandbox.admin.advanceClock(61_000);
    await untilRefundIs(kassa, answer.refund.id, "SUCCESS");
    expect(await refundRows(order.id)).toHaveLength(1);
    expect(await auditActions(approval.id)).toEqual(["refund.approval_request", "refund.approve"]);
    expect(await verifyAuditChain(kassa.running.kassa.deps.db)).toMatchObject({ ok: true });

    const list = await kassa.request("GET", "/admin/v1/refund-approvals?status=APPROVED", {
      headers: { cookie: sessions.viewer?.cookie as string },
    });
    expect((list.body as { data: { id: string }[] }).data.map((row) => row.id)).toContain(approval.id);
  });

  it("is rejected by a second operator, and nothing is refunded", async () => {
    const order = await payOrderAtSimulator(kassa, token, [{ productId: "prd_jasmine_tea", quantity: 1 }]);
    const asked = await refund("admin", order.id, 1100, "big-2");
    expect(asked.status).toBe(202);
    const id = (asked.body as { approval: { id: string } }).approval.id;
    const rejected = await post("wang.finance", `/admin/v1/refund-approvals/${id}/reject`, {
      note: "not ours",
    });
    expect(rejected.status).toBe(200);
    expect(rejected.body).toMatchObject({ status: "REJECTED", decisionNote: "not ours", refundId: null });
    const late = await post("li.finance", `/admin/v1/refund-approvals/${id}/approve`, {});
    expect(late.status).toBe(409);
    expect(await refundRows(order.id)).toHaveLength(0);
    expect(refundsAtChannel(kassa, order.id)).toHaveLength(0);
  });

  it("stays pending when the amount was refunded meanwhile: the approval reserves when it is approved", async () => {
    const order = await payOrderAtSimulator(kassa, token, [{ productId: "prd_jasmine_tea", quantity: 1 }]);
    const asked = await refund("admin", order.id, 1100, "big-3");
    const id = (asked.body as { approval: { id: string } }).approval.id;
    const meanwhile = await refund("support", order.id, 200, "small-3");
    expect(meanwhile.status).toBe(201);
    const approve = await post("li.finance", `/admin/v1/refund-approvals/${id}/approve`, {});
    expect(approve.status).toBe(409);
    expect(approve.body).toMatchObject({ code: "REFUND_AMOUNT_TOO_LARGE", details: { refundableFen: 1000 } });
    const row = await kassa.running.kassa.deps.db
      .selectFrom("refund_approvals")
      .selectAll()
      .where("id", "=", id)
      .executeTakeFirstOrThrow();
    expect(row).toMatchObject({ status: "PENDING", decided_by: null, refund_id: null });
    await kassa.sandbox.admin.advanceClock(61_000);
    const small = (meanwhile.body as { refund: { id: string } }).refund.id;
    await untilRefundIs(kassa, small, "SUCCESS");
  });
});

describe("closing and re-querying an order", () => {
  it("closes an unpaid order at the channel first, and refuses to close a paid one", async () => {
    const created = await kassa.request("POST", "/v1/orders", {
      token,
      body: { items: [{ productId: "prd_jasmine_tea", quantity: 1 }] },
    });
    const orderId = (created.body as { id: string }).id;
    await kassa.request("POST", `/v1/orders/${orderId}/pay`, { token });
    const closed = await post("support", `/admin/v1/orders/${orderId}/close`);
    expect(closed.status).toBe(200);
    expect(closed.body).toEqual({ status: "CLOSED" });
    expect(await auditActions(orderId)).toEqual(["order.close"]);
    const paid = await payOrderAtSimulator(kassa, token);
    const refused = await post("support", `/admin/v1/orders/${paid.id}/close`);
    expect(refused.status).toBe(409);
    expect(refused.body).toMatchObject({ code: "ORDER_NOT_CLOSABLE", details: { status: "PAID" } });
    const viewer = await post("viewer", `/admin/v1/orders/${orderId}/close`);
    expect(viewer.status).toBe(403);
  });

  it("asks the channel again, applies a payment it reports, and shows the query in the timeline", async () => {
    const created = await kassa.request("POST", "/v1/orders", {
      token,
      body: { items: [{ productId: "prd_jasmine_tea", quantity: 1 }] },
    });
    const orderId = (created.body as { id: string }).id;
    const params = (await kassa.request("POST", `/v1/orders/${orderId}/pay`, { token })).body as object;
    // Paid at the cashier, but its notification lost: only a query can tell Kassa.
    kassa.sandbox.admin.addFault({ endpoint: "notify.transaction", fault: "notify_drop", times: 16 });
    await fetch(`${kassa.sandbox.url}/cashier/api/pay`, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify({ ...params, bankType: "CMB_CREDIT" }),
    });
    const before = await kassa.request("GET", `/admin/v1/orders/${orderId}`, {
      headers: { cookie: sessions.viewer?.cookie as string },
    });
    expect(before.body).toMatchObject({ status: "PENDING" });
    const synced = await post("support", `/admin/v1/orders/${orderId}/sync`);
    expect(synced.status).toBe(200);
    expect(synced.body).toEqual({ status: "PAID", channelState: "paid" });
    const detail = await kassa.request("GET", `/admin/v1/orders/${orderId}`, {
      headers: { cookie: sessions.viewer?.cookie as string },
    });
    const types = (detail.body as { timeline: { type: string }[] }).timeline.map((item) => item.type);
    expect(types).toContain("payment.queried");
    kassa.sandbox.admin.clearFaults();
    expect(await auditActions(orderId)).toEqual(["order.sync"]);
  });
});
