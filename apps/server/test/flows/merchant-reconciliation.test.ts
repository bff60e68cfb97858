import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { DEMO_MERCHANT } from "../../src/channels/demo-sandbox.ts";
import { beijingDayOf } from "../../src/domain/reconciliation.ts";
import { expectLedgerHolds } from "../check-ledger.ts";
import { type Answer, KassaUnderTest } from "../kassa-harness.ts";
import { makeApiKey } from "../merchant-keys.ts";

/**
 * The merchant API's reconciliation routes (issue 11): a day with two seeded differences is
 * reconciled when the merchant asks for it (POST …/rerun, write scope, Idempotency-Key),
 * then listed and read with its differences paged. SQLite and PostgreSQL, over HTTP.
 */

let kassa: KassaUnderTest;
let writeKey: string;
let readKey: string;
let day: string;
const orders: { id: string; amountFen: number }[] = [];

const get = (path: string, key = readKey) =>
  kassa.request("GET", path, { headers: { authorization: `Bearer ${key}` } });
const post = (path: string, key = writeKey, headers: Record<string, string> = {}) =>
  kassa.request("POST", path, { headers: { authorization: `Bearer ${key}`, ...headers } });

beforeAll(async () => {
  kassa = await KassaUnderTest.start();
  writeKey = (await makeApiKey(kassa)).secret;
  readKey = (await makeApiKey(kassa, { scopes: "read" })).secret;
  const token = await kassa.login();
  day = beijingDayOf(kassa.sandbox.clock.now());
  for (let i = 0; i < 3; i += 1) {
    const created = await kassa.request("POST", "/v1/orders", {
      token,
      body: { items: [{ productId: "prd_jasmine_tea", quantity: 1 }] },
    });
    const order = created.body as { id: string; amountFen: number };
    await kassa.request("POST", `/v1/orders/${order.id}/pay`, { token });
    await kassa.sandbox.admin.payOrder(DEMO_MERCHANT.mchid, order.id);
    orders.push(order);
  }
  await until(async () => {
    const states = await Promise.all(
      orders.map(async (order) => (await kassa.request("GET", `/v1/orders/${order.id}`, { token })).body),
    );
    return states.every((state) => (state as { status: string }).status === "PAID");
  });
  kassa.sandbox.admin.addFault({ fault: "bill_amount_changed", outTradeNo: orders[0]!.id, deltaFen: 1 });
  kassa.sandbox.admin.addFault({ fault: "bill_row_dropped", outTradeNo: orders[1]!.id });
  // 10:30 Beijing time the next day: the day's bills are out (§5.7).
  const readyAt = Date.parse(`${beijingDayOf(kassa.sandbox.clock.now() + 24 * 3600_000)}T10:30:00+08:00`);
  await kassa.sandbox.admin.advanceClock(readyAt - kassa.sandbox.clock.now());
}, 60_000); // three paid orders through the simulator: slow when the machine is shared
afterAll(async () => {
  await expectLedgerHolds(kassa.running.kassa.deps.db);
  await kassa?.close();
});

async function until(check: () => Promise<boolean>): Promise<void> {
  const deadline = Date.now() + 10_000;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error("timed out");
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}

const bodyOf = <T>(answer: Answer) => answer.body as T;

describe("merchant API: reconciliation", () => {
  it("answers RECONCILIATION_RUN_NOT_FOUND for a day not reconciled yet", async () => {
    const answer = await get(`/merchant/v1/reconciliation/runs/${day}`);
    expect(answer.status).toBe(404);
    expect(answer.body).toMatchObject({ code: "RECONCILIATION_RUN_NOT_FOUND" });
  });

  it("re-runs a day with the write scope and an Idempotency-Key, once however often it is sent", async () => {
    expect((await post(`/merchant/v1/reconciliation/runs/${day}/rerun`, readKey)).status).toBe(403);
    const first = await post(`/merchant/v1/reconciliation/runs/${day}/rerun`, writeKey, {
      "idempotency-key": "recon-1",
    });
    expect(first.status).toBe(202);
    expect(first.body).toEqual({ day, channel: "wechatpay", scheduled: true });
    const replay = await post(`/merchant/v1/reconciliation/runs/${day}/rerun`, writeKey, {
      "idempotency-key": "recon-1",
    });
    expect(replay.status).toBe(202);
    expect(replay.headers.get("idempotent-replayed")).toBe("true");
    const jobs = await kassa.running.kassa.deps.db
      .selectFrom("jobs")
      .select("id")
      .where("kind", "=", "reconciliation.day")
      .execute();
    expect(jobs).toHaveLength(1);
    await kassa.runJobs();
  });

  it("refuses a day whose bills are not out yet, and one that is not a day", async () => {
    const today = beijingDayOf(kassa.sandbox.clock.now());
    const early = await post(`/merchant/v1/reconciliation/runs/${today}/rerun`);
    expect(early.status).toBe(409);
    expect(early.body).toMatchObject({
      code: "RECONCILIATION_DAY_NOT_AVAILABLE",
      details: { latestReadyDay: day },
    });
    expect((await post("/merchant/v1/reconciliation/runs/2026-02-30/rerun")).status).toBe(409);
    expect((await get("/merchant/v1/reconciliation/runs/yesterday")).body).toMatchObject({
      code: "REQUEST_INVALID",
    });
  });

  it("lists the day with its report, and reads its differences page by page", async () => {
    const list = bodyOf<{ data: { day: string; status: string }[]; nextCursor: string | null }>(
      await get("/merchant/v1/reconciliation/runs"),
    );
    expect(list.data).toEqual([
      expect.objectContaining({
        day,
        status: "completed",
        bill: expect.objectContaining({
          payments: 2,
          paymentsFen: orders[0]!.amountFen + 1 + orders[2]!.amountFen,
        }),
        kassa: expect.objectContaining({ payments: 3 }),
        differences: { open: 2, resolved: 0 },
      }),
    ]);
    expect(list.nextCursor).toBeNull();
    type Report = {
      differencePage: { data: { class: string; outTradeNo: string }[]; nextCursor: string | null };
    };
    const first = bodyOf<Report>(await get(`/merchant/v1/reconciliation/runs/${day}?limit=1`));
    expect(first.differencePage.data).toHaveLength(1);
    expect(first.differencePage.nextCursor).not.toBeNull();
    const second = bodyOf<Report>(
      await get(`/merchant/v1/reconciliation/runs/${day}?limit=1&cursor=${first.differencePage.nextCursor}`),
    );
    expect(second.differencePage.nextCursor).toBeNull();
    const found = [...first.differencePage.data, ...second.differencePage.data].map((d) => [
      d.class,
      d.outTradeNo,
    ]);
    expect(found.sort()).toEqual(
      [
        ["amount_differs", orders[0]!.id],
        ["missing_in_bill", orders[1]!.id],
      ].sort(),
    );
    const resolved = bodyOf<Report>(await get(`/merchant/v1/reconciliation/runs/${day}?status=resolved`));
    expect(resolved.differencePage.data).toEqual([]);
  });

  it("refuses a key without one, a forged cursor, and another channel", async () => {
    expect((await kassa.request("GET", "/merchant/v1/reconciliation/runs")).status).toBe(401);
    expect((await get("/merchant/v1/reconciliation/runs?cursor=bm90LWEtY3Vyc29y")).body).toMatchObject({
      code: "REQUEST_INVALID",
    });
    expect((await get(`/merchant/v1/reconciliation/runs/${day}?channel=paypal`)).status).toBe(400);
    // Alipay is a channel; its day has not been reconciled.
    expect((await get(`/merchant/v1/reconciliation/runs/${day}?channel=alipay`)).body).toMatchObject({
      code: "RECONCILIATION_RUN_NOT_FOUND",
    });
  });
});
