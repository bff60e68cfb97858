import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createOperator } from "../../src/app/admin/create-operator.ts";
import { expectLedgerHolds } from "../check-ledger.ts";
import { KassaUnderTest } from "../kassa-harness.ts";
import { payOrderAtSimulator } from "../pay-order.ts";

/**
 * The console's order search (issue 12, orders page): the admin API finds an order by Kassa's
 * id, a payment's out_trade_no, WeChat Pay's transaction_id, the payer, the status and the
 * time, on the server, a page at a time; the detail adds the order's ledger entries.
 */
let kassa: KassaUnderTest;
const PASSWORD = "Search-test-password-3";
let cookie: string;
let paid: { id: string; outTradeNo: string; transactionId: string; userId: string };
let unpaidId: string;

async function admin(path: string) {
  return kassa.request("GET", `/admin/v1${path}`, { headers: { cookie } });
}
const ids = (answer: { body: unknown }) => (answer.body as { data: { id: string }[] }).data.map((o) => o.id);

beforeAll(async () => {
  kassa = await KassaUnderTest.start();
  const deps = kassa.running.kassa.deps;
  await createOperator(
    deps,
    { login: "viewer", role: "viewer", appIds: undefined, password: PASSWORD },
    undefined,
  );
  const login = await kassa.request("POST", "/admin/v1/session", {
    body: { login: "viewer", password: PASSWORD },
  });
  cookie = (login.headers.get("set-cookie") ?? "").split(";")[0] as string;
  kassa.rememberSecret(cookie.split("=")[1] as string);

  const token = await kassa.login();
  const order = await payOrderAtSimulator(kassa, token);
  const detail = (await admin(`/orders/${order.id}`)).body as {
    userId: string;
    payments: { outTradeNo: string; transactionId: string }[];
  };
  const payment = detail.payments.at(-1) as { outTradeNo: string; transactionId: string };
  paid = {
    id: order.id,
    outTradeNo: payment.outTradeNo,
    transactionId: payment.transactionId,
    userId: detail.userId,
  };
  const other = await kassa.request("POST", "/v1/orders", {
    token: await kassa.login(),
    body: { items: [{ productId: "prd_oolong_tea", quantity: 1 }] },
  });
  unpaidId = (other.body as { id: string }).id;
}, 60_000);
afterAll(async () => {
  await expectLedgerHolds(kassa.running.kassa.deps.db);
  await kassa?.close();
});

describe("GET /admin/v1/orders: the operators' search", () => {
  it("finds an order by Kassa's id, its out_trade_no, and WeChat Pay's transaction_id, and nothing by an unknown one", async () => {
    expect(ids(await admin(`/orders?orderId=${paid.id}`))).toEqual([paid.id]);
    expect(ids(await admin(`/orders?outTradeNo=${paid.outTradeNo}`))).toEqual([paid.id]);
    expect(ids(await admin(`/orders?transactionId=${paid.transactionId}`))).toEqual([paid.id]);
    expect(ids(await admin("/orders?transactionId=4200000000000000000000000000"))).toEqual([]);
    expect(ids(await admin(`/orders?orderId=${unpaidId}&status=PAID`))).toEqual([]);
  });

  it("combines the payer, the status and the time, and pages on the server", async () => {
    expect(ids(await admin(`/orders?userId=${paid.userId}`))).toEqual([paid.id]);
    expect(ids(await admin("/orders?status=PENDING"))).toEqual([unpaidId]);
    const now = new Date(kassa.running.kassa.deps.clock.now());
    const hourAgo = new Date(now.getTime() - 3_600_000).toISOString();
    expect(ids(await admin(`/orders?createdFrom=${hourAgo}`)).sort()).toEqual([paid.id, unpaidId].sort());
    expect(ids(await admin(`/orders?createdTo=${hourAgo}`))).toEqual([]);
    // A merchant's day, as the console sends it (Asia/Shanghai, +08:00), and as docs/admin-api.md shows it.
    const day = new Date(now.getTime() + 8 * 3_600_000).toISOString().slice(0, 10);
    const dayStart = `${day}T00:00:00%2B08:00`;
    expect(ids(await admin(`/orders?status=PAID&createdFrom=${dayStart}`))).toEqual([paid.id]);
    const first = await admin("/orders?limit=1");
    const next = (first.body as { nextCursor: string }).nextCursor;
    expect(ids(first)).toEqual([unpaidId]);
    expect(ids(await admin(`/orders?limit=1&cursor=${encodeURIComponent(next)}`))).toEqual([paid.id]);
  });

  it("refuses a time it cannot read, saying which field", async () => {
    const answer = await admin("/orders?createdFrom=yesterday");
    expect(answer.status).toBe(400);
    expect(answer.body).toMatchObject({ code: "REQUEST_INVALID" });
  });
});

describe("GET /admin/v1/orders/:orderId", () => {
  it("shows the order's ledger entries beside its timeline", async () => {
    const detail = (await admin(`/orders/${paid.id}`)).body as {
      timeline: { type: string }[];
      ledgerEntries: { causeType: string; orderId: string; postings: { amountFen: number }[] }[];
    };
    expect(detail.timeline.map((entry) => entry.type)).toContain("order.paid");
    expect(detail.ledgerEntries.map((entry) => entry.causeType)).toEqual(["payment_captured"]);
    expect(detail.ledgerEntries[0]?.postings.reduce((sum, line) => sum + line.amountFen, 0)).toBe(0);
    const unpaid = (await admin(`/orders/${unpaidId}`)).body as { ledgerEntries: unknown[] };
    expect(unpaid.ledgerEntries).toEqual([]);
  });
});
