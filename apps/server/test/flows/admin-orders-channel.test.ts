import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createOperator } from "../../src/app/admin/create-operator.ts";
import { epochToLocal, localToEpoch } from "../../src/domain/booking/local-time.ts";
import { advanceTo } from "../bookings.ts";
import { expectLedgerHolds } from "../check-ledger.ts";
import { KassaUnderTest } from "../kassa-harness.ts";
import { payAtAlipayCashier, payOrderAtSimulator } from "../pay-order.ts";
import { refundThroughUseCase } from "../refunds.ts";

/**
 * The console's channels (issue 14): the admin API lists an app's orders by the channel of
 * their live payment (WeChat Pay, Alipay, the wallet), refuses a channel it does not know
 * saying which it knows, names each refund's channel, and lists one channel's reconciliation
 * reports. One demo Kassa: its app collects through WeChat Pay and Alipay.
 */
let kassa: KassaUnderTest;
const PASSWORD = "Channel-test-password-5";
let cookie: string;
let csrf: string;
let wechatOrderId: string;
let alipayOrderId: string;
let unpaidAlipayId: string;

async function admin(path: string) {
  return kassa.request("GET", `/admin/v1${path}`, { headers: { cookie } });
}
const ids = (answer: { body: unknown }) => (answer.body as { data: { id: string }[] }).data.map((o) => o.id);

async function logIn() {
  const login = await kassa.request("POST", "/admin/v1/session", {
    body: { login: "fin", password: PASSWORD },
  });
  cookie = (login.headers.get("set-cookie") ?? "").split(";")[0] as string;
  kassa.rememberSecret(cookie.split("=")[1] as string);
  csrf = (login.body as { csrfToken: string }).csrfToken;
}

beforeAll(async () => {
  kassa = await KassaUnderTest.start();
  await createOperator(
    kassa.running.kassa.deps,
    { login: "fin", role: "finance", appIds: undefined, password: PASSWORD },
    undefined,
  );
  await logIn();

  wechatOrderId = (await payOrderAtSimulator(kassa, await kassa.login())).id;
  const alipayToken = await kassa.loginAlipay();
  const order = async () => {
    const created = await kassa.request("POST", "/v1/orders", {
      token: alipayToken,
      body: { items: [{ productId: "prd_jasmine_tea", quantity: 1 }] },
    });
    expect(created.status).toBe(201);
    return (created.body as { id: string }).id;
  };
  alipayOrderId = await order();
  await payAtAlipayCashier(kassa, alipayToken, alipayOrderId);
  unpaidAlipayId = await order();
}, 60_000);
afterAll(async () => {
  await expectLedgerHolds(kassa.running.kassa.deps.db);
  await kassa?.close();
});

describe("GET /admin/v1/orders?channel=", () => {
  it("finds each channel's orders, and combines the channel with the other filters", async () => {
    expect(ids(await admin("/orders?channel=wechatpay"))).toEqual([wechatOrderId]);
    expect(ids(await admin("/orders?channel=alipay"))).toEqual([unpaidAlipayId, alipayOrderId]);
    expect(ids(await admin("/orders?channel=alipay&status=PAID"))).toEqual([alipayOrderId]);
    expect(ids(await admin(`/orders?channel=wechatpay&orderId=${alipayOrderId}`))).toEqual([]);
    expect(ids(await admin("/orders?channel=wallet"))).toEqual([]);
    const rows = (await admin("/orders")).body as { data: { id: string; channel: string }[] };
    expect(Object.fromEntries(rows.data.map((row) => [row.id, row.channel]))).toEqual({
      [wechatOrderId]: "wechatpay",
      [alipayOrderId]: "alipay",
      [unpaidAlipayId]: "alipay",
    });
  });

  it("pages one channel's orders on the server", async () => {
    const first = await admin("/orders?channel=alipay&limit=1");
    expect(ids(first)).toEqual([unpaidAlipayId]);
    const next = (first.body as { nextCursor: string }).nextCursor;
    const second = await admin(`/orders?channel=alipay&limit=1&cursor=${encodeURIComponent(next)}`);
    expect(ids(second)).toEqual([alipayOrderId]);
    expect((second.body as { nextCursor: string | null }).nextCursor).toBeNull();
  });

  it("refuses a channel it does not know, and says which it knows", async () => {
    for (const channel of ["paypal", "Alipay", ""]) {
      const answer = await admin(`/orders?channel=${channel}`);
      expect(answer.status).toBe(400);
      expect(answer.body).toMatchObject({
        code: "REQUEST_INVALID",
        details: {
          issues: [
            {
              field: "querystring/channel",
              issue: "must be equal to one of the allowed values: wechatpay, alipay, wallet",
            },
          ],
        },
      });
    }
  });
});

describe("GET /admin/v1/refunds", () => {
  it("names the channel each refund goes back through", async () => {
    await refundThroughUseCase(kassa, { orderId: wechatOrderId, amountFen: 100 });
    await refundThroughUseCase(kassa, { orderId: alipayOrderId, amountFen: 200 });
    const listed = (await admin("/refunds")).body as { data: { orderId: string; channel: string }[] };
    expect(listed.data.map(({ orderId, channel }) => ({ orderId, channel }))).toEqual([
      { orderId: alipayOrderId, channel: "alipay" },
      { orderId: wechatOrderId, channel: "wechatpay" },
    ]);
  });
});

describe("GET /admin/v1/reconciliation/runs?channel=", () => {
  // Last: it moves the virtual clock to the next morning, when both channels' bills are out.
  it("lists one channel's daily reports, or every channel's without it", async () => {
    const now = kassa.running.kassa.deps.clock.now();
    const day = epochToLocal(now, "Asia/Shanghai").slice(0, 10);
    const nextDay = epochToLocal(now + 86_400_000, "Asia/Shanghai").slice(0, 10);
    await advanceTo(kassa, localToEpoch(`${nextDay}T10:30`, "Asia/Shanghai") as number);
    await logIn(); // the session ended overnight
    for (const channel of ["alipay", "wechatpay"]) {
      const rerun = await kassa.request(
        "POST",
        `/admin/v1/reconciliation/runs/${day}/rerun?channel=${channel}`,
        {
          headers: { cookie, "x-csrf-token": csrf },
        },
      );
      expect(rerun.status, JSON.stringify(rerun.body)).toBe(202);
    }
    await kassa.runJobs();
    const runs = async (query: string) => {
      const answer = await admin(`/reconciliation/runs${query}`);
      expect(answer.status, JSON.stringify(answer.body)).toBe(200);
      return (answer.body as { data: { day: string; channel: string }[] }).data;
    };
    expect((await runs("?channel=alipay")).map(({ day, channel }) => ({ day, channel }))).toEqual([
      { day, channel: "alipay" },
    ]);
    expect((await runs("?channel=wechatpay")).map((run) => run.channel)).toEqual(["wechatpay"]);
    expect((await runs("")).map((run) => run.channel).sort()).toEqual(["alipay", "wechatpay"]);
    const report = await admin(`/reconciliation/runs/${day}?channel=alipay`);
    expect(report.status).toBe(200);
    expect(report.body).toMatchObject({ channel: "alipay", day, kassa: { payments: 1 } });
    const refused = await admin("/reconciliation/runs?channel=wallet");
    expect(refused.status).toBe(400);
    expect(JSON.stringify(refused.body)).toContain("wechatpay, alipay");
  });
});
