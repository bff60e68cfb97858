import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { expectLedgerHolds } from "../check-ledger.ts";
import { KassaUnderTest } from "../kassa-harness.ts";
import { deliver, paymentNotification } from "../notifications.ts";

let kassa: KassaUnderTest;
let token: string;

beforeAll(async () => {
  kassa = await KassaUnderTest.start();
  token = await kassa.login();
});
afterAll(async () => {
  await kassa?.close();
});
// Every money flow ends with books that hold (issue 9 §1).
afterEach(() => expectLedgerHolds(kassa.running.kassa.deps.db));

async function pendingOrder(): Promise<{ id: string; amountFen: number }> {
  const order = await kassa.request("POST", "/v1/orders", {
    token,
    body: { items: [{ productId: "prd_jasmine_tea", quantity: 1 }] },
  });
  await kassa.request("POST", `/v1/orders/${(order.body as { id: string }).id}/pay`, { token });
  return order.body as { id: string; amountFen: number };
}

async function statusOf(orderId: string): Promise<string> {
  return ((await kassa.request("GET", `/v1/orders/${orderId}`, { token })).body as { status: string }).status;
}

async function countRows(table: "outbox_events" | "alerts"): Promise<number> {
  return (await kassa.running.kassa.deps.db.selectFrom(table).select("created_at").execute()).length;
}

describe("notifications that must change nothing (quality-bar.md Security)", () => {
  it.each([
    ["forged: signed with a key WeChat Pay does not hold", { forged: true }],
    ["replayed: timestamp 5 minutes old", { timestampShift: -300 }],
    ["from the future: timestamp 5 minutes ahead", { timestampShift: 300 }],
  ])("refuses a notification %s", async (_, options) => {
    const order = await pendingOrder();
    const notification = await paymentNotification(kassa, {
      outTradeNo: order.id,
      amountFen: order.amountFen,
      ...options,
    });
    expect(await deliver(kassa, notification)).toBe(401);
    expect(await statusOf(order.id)).toBe("PENDING");
  });

  it.each([
    [
      "body",
      (n: { headers: Record<string, string>; body: string }) => ({
        ...n,
        body: n.body.replace('"id":"', '"id":"x'),
      }),
    ],
    [
      "timestamp",
      (n: { headers: Record<string, string>; body: string }) => ({
        ...n,
        headers: {
          ...n.headers,
          "Wechatpay-Timestamp": String(Number(n.headers["Wechatpay-Timestamp"]) - 1),
        },
      }),
    ],
    [
      "nonce",
      (n: { headers: Record<string, string>; body: string }) => ({
        ...n,
        headers: { ...n.headers, "Wechatpay-Nonce": `${n.headers["Wechatpay-Nonce"]}0` },
      }),
    ],
    [
      "serial",
      (n: { headers: Record<string, string>; body: string }) => ({
        ...n,
        headers: { ...n.headers, "Wechatpay-Serial": "PUB_KEY_ID_0000000000000000000000000000000000" },
      }),
    ],
    [
      "ciphertext",
      (n: { headers: Record<string, string>; body: string }) => ({
        ...n,
        body: n.body.replace(/"ciphertext":"(.)/, (_m, c) => `"ciphertext":"${c === "A" ? "B" : "A"}`),
      }),
    ],
  ])("refuses a notification whose %s was tampered with", async (_, tamper) => {
    const order = await pendingOrder();
    const notification = tamper(
      await paymentNotification(kassa, { outTradeNo: order.id, amountFen: order.amountFen }),
    );
    expect(await deliver(kassa, notification)).toBe(401);
    expect(await statusOf(order.id)).toBe("PENDING");
  });

  it("refuses a WECHATPAY/SIGNTEST/ probe without an alarm, and keeps running", async () => {
    const order = await pendingOrder();
    const notification = await paymentNotification(kassa, {
      outTradeNo: order.id,
      amountFen: order.amountFen,
    });
    notification.headers["Wechatpay-Signature"] = "WECHATPAY/SIGNTEST/Zm9yZ2Vk!!not-base64";
    const warningsBefore = kassa.logs.filter((line) => line.includes('"level":40')).length;
    expect(await deliver(kassa, notification)).toBe(401);
    expect(await statusOf(order.id)).toBe("PENDING");
    expect(kassa.logs.filter((line) => line.includes('"level":40')).length).toBe(warningsBefore);
    expect(kassa.logs.some((line) => line.includes("signature probe refused"))).toBe(true);
  });

  it("refuses an amount that differs from the order, and raises an alert", async () => {
    const order = await pendingOrder();
    const alertsBefore = await countRows("alerts");
    const notification = await paymentNotification(kassa, {
      outTradeNo: order.id,
      amountFen: order.amountFen - 1,
    });
    expect(await deliver(kassa, notification)).toBe(401);
    expect(await statusOf(order.id)).toBe("PENDING");
    const alerts = await kassa.running.kassa.deps.db
      .selectFrom("alerts")
      .selectAll()
      .where("subject_id", "=", order.id)
      .execute();
    expect(alerts.map((alert) => alert.kind)).toEqual(["payment_amount_mismatch"]);
    expect(await countRows("alerts")).toBe(alertsBefore + 1);
  });

  it("refuses a payment made under another appid or mchid", async () => {
    const order = await pendingOrder();
    for (const other of [{ appid: "wx0000000000000000" }, { mchid: "1900000000" }]) {
      const notification = await paymentNotification(kassa, {
        outTradeNo: order.id,
        amountFen: order.amountFen,
        ...other,
      });
      expect(await deliver(kassa, notification)).toBe(401);
    }
    expect(await statusOf(order.id)).toBe("PENDING");
  });

  it("applies a genuine notification once, however often it is delivered, even concurrently", async () => {
    const order = await pendingOrder();
    const outboxBefore = await countRows("outbox_events");
    const notification = await paymentNotification(kassa, {
      outTradeNo: order.id,
      amountFen: order.amountFen,
    });
    const statuses = await Promise.all(Array.from({ length: 5 }, () => deliver(kassa, notification)));
    expect(statuses).toEqual([204, 204, 204, 204, 204]);
    expect(await deliver(kassa, notification)).toBe(204);
    expect(await statusOf(order.id)).toBe("PAID");
    expect(await countRows("outbox_events")).toBe(outboxBefore + 1);
    const paidEvents = await kassa.running.kassa.deps.db
      .selectFrom("outbox_events")
      .selectAll()
      .where("aggregate_id", "=", order.id)
      .execute();
    expect(paidEvents.map((event) => event.type)).toEqual(["order.paid"]);
  });

  it("answers malformed bodies with FAIL and keeps running", async () => {
    for (const body of ["", "not json", "{}", '{"resource":{}}']) {
      const response = await fetch(`${kassa.url}/notify/wechatpay`, {
        method: "POST",
        headers: { "content-type": "application/json" },
        body,
      });
      expect(response.status).toBe(401);
      expect(await response.json()).toEqual({ code: "FAIL", message: "失败" });
    }
    expect((await kassa.request("GET", "/v1/catalog")).status).toBe(200);
  });
});
