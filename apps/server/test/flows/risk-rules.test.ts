import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { createOperator } from "../../src/app/admin/create-operator.ts";
import { expectLedgerHolds } from "../check-ledger.ts";
import { KassaUnderTest } from "../kassa-harness.ts";
import { payAtSimulator, payOrderAtSimulator } from "../pay-order.ts";
import { WebhookReceiver } from "../webhook-receiver.ts";

/**
 * The risk rules on the real paths (issue 13 "Risk rules"; docs/risk.md), through the
 * simulator: payers who cancel again and again are throttled at the pay call with
 * RISK_THROTTLED, by user and by client address, and alerted; an operator refunding more
 * than the rule allows is alerted; each new alert reaches the WeCom robot (a real HTTP
 * receiver on loopback), retried when the robot refuses it. SQLite, and PostgreSQL with
 * DATABASE_URL.
 */
let kassa: KassaUnderTest;
let robot: WebhookReceiver;
const PASSWORD = "Risk-desk-password-7";
type Row = {
  kind: string;
  subject_id: string;
  status: string;
  repeat_count: number;
  detail: string;
  id: string;
};

beforeAll(async () => {
  robot = await WebhookReceiver.start();
  robot.answer = () => ({ status: 200, body: JSON.stringify({ errcode: 0, errmsg: "ok" }) });
  kassa = await KassaUnderTest.start({
    KASSA_RISK_PAY_FAILURES_PER_USER: "3",
    KASSA_RISK_PAY_FAILURES_PER_ADDRESS: "4",
    KASSA_RISK_REFUNDS_PER_OPERATOR: "2",
    // The test's connection plays the proxy, so each scenario has a client address of its own.
    KASSA_TRUST_PROXY: "1",
    KASSA_WECOM_ROBOT_URL: `http://127.0.0.1:${robot.port}/cgi-bin/webhook/send?key=risk-test-robot-key`,
  });
  kassa.rememberSecret("risk-test-robot-key");
}, 60_000);
afterAll(async () => {
  await kassa?.close();
  await robot?.down();
});
afterEach(() => expectLedgerHolds(kassa.running.kassa.deps.db));

const from = (address: string) => ({ "x-forwarded-for": address });

async function orderOf(token: string, address: string): Promise<string> {
  const made = await kassa.request("POST", "/v1/orders", {
    token,
    headers: from(address),
    body: { items: [{ productId: "prd_jasmine_tea", quantity: 1 }] },
  });
  expect(made.status).toBe(201);
  return (made.body as { id: string }).id;
}

/** What a payer who gives up does: ask to pay, then cancel. */
async function payThenCancel(token: string, address: string): Promise<void> {
  const orderId = await orderOf(token, address);
  expect(
    (await kassa.request("POST", `/v1/orders/${orderId}/pay`, { token, headers: from(address) })).status,
  ).toBe(200);
  const cancelled = await kassa.request("POST", `/v1/orders/${orderId}/cancel`, {
    token,
    headers: from(address),
  });
  expect(cancelled.status).toBe(200);
}

const pay = async (token: string, address: string) =>
  kassa.request("POST", `/v1/orders/${await orderOf(token, address)}/pay`, { token, headers: from(address) });

const alertsOf = (kind: string): Promise<Row[]> =>
  kassa.running.kassa.deps.db
    .selectFrom("alerts")
    .select(["id", "kind", "subject_id", "status", "repeat_count", "detail"])
    .where("kind", "=", kind)
    .execute();

describe("failed or cancelled payments by one payer", () => {
  it("throttle that payer's pay calls with RISK_THROTTLED and raise one alert, then let go", async () => {
    const address = "203.0.113.10";
    const payer = await kassa.login();
    for (let i = 0; i < 3; i += 1) await payThenCancel(payer, address);
    const refused = await pay(payer, address);
    expect(refused.status).toBe(429);
    expect(refused.body).toMatchObject({
      code: "RISK_THROTTLED",
      details: { rule: "pay_failures_per_user" },
    });
    expect(Number(refused.headers.get("retry-after"))).toBeGreaterThan(14 * 60);
    // The wallet is a pay call too.
    const byWallet = await kassa.request(
      "POST",
      `/v1/orders/${await orderOf(payer, address)}/pay-from-wallet`,
      {
        token: payer,
        headers: from(address),
      },
    );
    expect(byWallet.body).toMatchObject({ code: "RISK_THROTTLED" });
    // /metrics counts the decisions by rule (no subject: payers are not labels).
    const metrics = String((await kassa.request("GET", "/metrics")).body);
    expect(metrics).toContain('kassa_risk_decisions_total{rule="pay_failures_per_user",action="fired"} 1');
    expect(metrics).toContain(
      'kassa_risk_decisions_total{rule="pay_failures_per_user",action="throttled"} 2',
    );
    // Another payer at the same address is not this payer.
    const neighbour = await kassa.login();
    expect((await pay(neighbour, address)).status).toBe(200);

    const [alert, ...more] = await alertsOf("risk_pay_failures_per_user");
    expect(more).toEqual([]);
    expect(alert).toMatchObject({ status: "open", repeat_count: 1 });
    expect(JSON.parse(alert?.detail ?? "{}")).toMatchObject({
      rule: "pay_failures_per_user",
      count: 3,
      threshold: 3,
    });
    const logged = kassa.logs.filter((line) => line.includes('"risk rule fired"'));
    expect(logged.some((line) => line.includes('"risk":"pay_failures_per_user"'))).toBe(true);
    expect(kassa.logs.some((line) => line.includes('"pay call throttled by a risk rule"'))).toBe(true);
    // Operators see it, and merchants get alert.raised.
    const event = await kassa.running.kassa.deps.db
      .selectFrom("outbox_events")
      .select("type")
      .where("aggregate_id", "=", alert?.id ?? "")
      .execute();
    expect(event).toEqual([{ type: "alert.raised" }]);

    // A fourth failure counts on the same alert instead of raising another.
    await kassa.sandbox.admin.advanceClock(16 * 60_000);
    for (let i = 0; i < 3; i += 1) await payThenCancel(payer, address);
    expect((await alertsOf("risk_pay_failures_per_user")).map((row) => row.repeat_count)).toEqual([2]);
    // Once the throttle has run out (and with no new failures), paying works again.
    await kassa.sandbox.admin.advanceClock(16 * 60_000);
    const order = await orderOf(payer, address);
    await payAtSimulator(kassa, payer, order);
  });
});

describe("payments WeChat Pay says failed (PAYERROR)", () => {
  /** A pay call the simulator takes, whose every query then answers trade_state PAYERROR (§5.2). */
  async function failingPayment(payer: string, address: string): Promise<string> {
    const orderId = await orderOf(payer, address);
    expect(
      (await kassa.request("POST", `/v1/orders/${orderId}/pay`, { token: payer, headers: from(address) }))
        .status,
    ).toBe(200);
    kassa.sandbox.admin.addFault({ fault: "query_state_changed", outTradeNo: orderId, state: "PAYERROR" });
    return orderId;
  }
  /** Query-back's first run (a minute after the pay call, order-query.job.ts). */
  async function queryBack(): Promise<void> {
    await kassa.sandbox.admin.advanceClock(61_000);
    await kassa.runJobs();
  }
  const failedAt = (orderId: string) =>
    kassa.running.kassa.deps.db
      .selectFrom("payments")
      .select("channel_failed_at")
      .where("order_id", "=", orderId)
      .executeTakeFirstOrThrow();

  it("count as that payer's failed payments, once per payment however often it is queried, and throttle at the threshold", async () => {
    const address = "192.0.2.30";
    const payer = await kassa.login();
    const first = await failingPayment(payer, address);
    await queryBack();
    // Asked twice more, by confirm: the same failure, not counted again.
    for (let i = 0; i < 2; i += 1)
      expect(
        (await kassa.request("POST", `/v1/orders/${first}/confirm`, { token: payer, headers: from(address) }))
          .status,
      ).toBe(200);
    await queryBack();
    expect((await failedAt(first)).channel_failed_at).toEqual(expect.any(Number));
    await failingPayment(payer, address);
    await queryBack();
    // Two payments failed: below the threshold of three, so the payer may still pay.
    const third = await failingPayment(payer, address);
    await queryBack();
    expect((await failedAt(third)).channel_failed_at).toEqual(expect.any(Number));
    const refused = await pay(payer, address);
    expect(refused.status).toBe(429);
    expect(refused.body).toMatchObject({
      code: "RISK_THROTTLED",
      details: { rule: "pay_failures_per_user" },
    });
    const alerts = await alertsOf("risk_pay_failures_per_user");
    const alert = alerts.find((row) => JSON.parse(row.detail).count === 3 && row.repeat_count === 1);
    expect(alert).toBeDefined();
    // A query has no client address: the address rule counted none of them.
    expect((await alertsOf("risk_pay_failures_per_address")).map((row) => row.subject_id)).not.toContain(
      `address:${address}`,
    );
    kassa.sandbox.admin.clearFaults();
  });
});

describe("failed or cancelled payments from one address", () => {
  it("throttle every payer at that address once several payers gave up there", async () => {
    const address = "198.51.100.20";
    for (let i = 0; i < 4; i += 1) await payThenCancel(await kassa.login(), address);
    const newcomer = await kassa.login();
    const refused = await pay(newcomer, address);
    expect(refused.status).toBe(429);
    expect(refused.body).toMatchObject({
      code: "RISK_THROTTLED",
      details: { rule: "pay_failures_per_address" },
    });
    // The same payer elsewhere pays.
    expect((await pay(newcomer, "198.51.100.21")).status).toBe(200);
    const alerts = await alertsOf("risk_pay_failures_per_address");
    expect(alerts.map((row) => row.subject_id)).toEqual([`address:${address}`]);
    // The log names the rule, never the address (it is in the alert for operators): no line of
    // any kind, the alert's own included.
    const fired = kassa.logs.filter((line) => line.includes('"risk":"pay_failures_per_address"'));
    expect(fired.length).toBeGreaterThan(0);
    expect(kassa.logs.filter((line) => line.includes(address))).toEqual([]);
  });
});

describe("refunds by one operator in an hour", () => {
  it("raise an alert naming the operator at the threshold, and count the next ones on it", async () => {
    const { deps } = kassa.running.kassa;
    await createOperator(
      deps,
      { login: "refund.desk", role: "finance", appIds: undefined, password: PASSWORD },
      undefined,
    );
    const login = await kassa.request("POST", "/admin/v1/session", {
      body: { login: "refund.desk", password: PASSWORD },
    });
    const cookie = (login.headers.get("set-cookie") ?? "").split(";")[0] as string;
    kassa.rememberSecret(cookie.split("=")[1] as string);
    const csrf = (login.body as { csrfToken: string }).csrfToken;
    const operator = await deps.db
      .selectFrom("operators")
      .select("id")
      .where("login", "=", "refund.desk")
      .executeTakeFirstOrThrow();
    const payer = await kassa.login();
    for (let i = 0; i < 3; i += 1) {
      const paid = await payOrderAtSimulator(kassa, payer);
      const refunded = await kassa.request("POST", `/admin/v1/orders/${paid.id}/refunds`, {
        headers: { cookie, "x-csrf-token": csrf, "idempotency-key": `risk-refund-${i}` },
        body: { amountFen: 100, reason: "risk rule test" },
      });
      expect(refunded.status).toBe(201);
      const alerts = await alertsOf("risk_refunds_per_operator");
      expect(alerts.map((row) => row.repeat_count)).toEqual(i === 0 ? [] : [i]);
    }
    const [alert] = await alertsOf("risk_refunds_per_operator");
    expect(alert?.subject_id).toBe(`operator:${operator.id}`);
    await kassa.runJobs();
  });
});

describe("the WeCom group robot", () => {
  it("gets each new alert as a text message, retried until it answers errcode 0", async () => {
    await kassa.runWebhookJobs();
    const before = robot.received.length;
    // The robot refuses the next message (a wrong key, say), then takes it.
    let refuse = true;
    robot.answer = () =>
      refuse
        ? { status: 200, body: JSON.stringify({ errcode: 93000, errmsg: "invalid webhook url" }) }
        : { status: 200, body: JSON.stringify({ errcode: 0, errmsg: "ok" }) };
    const started = Date.now();
    const payer = await kassa.login();
    for (let i = 0; i < 3; i += 1) await payThenCancel(payer, "192.0.2.30");
    // The cancel that raised the alert did not wait for the robot.
    expect(robot.received.length).toBe(before);
    expect(Date.now() - started).toBeLessThan(30_000);
    await kassa.runWebhookJobs();
    expect(robot.received.length).toBe(before + 1);
    const message = JSON.parse(robot.received.at(-1)?.body ?? "{}") as {
      msgtype: string;
      text: { content: string };
    };
    expect(message.msgtype).toBe("text");
    expect(message.text.content).toContain("risk_pay_failures_per_user");
    refuse = false;
    await kassa.sandbox.admin.advanceClock(60_000);
    await kassa.runWebhookJobs();
    expect(robot.received.length).toBe(before + 2);
    await kassa.sandbox.admin.advanceClock(60 * 60_000);
    await kassa.runWebhookJobs();
    expect(robot.received.length).toBe(before + 2);
    // The robot's address carries its key: never in the log.
    expect(kassa.logs.some((line) => line.includes("risk-test-robot-key"))).toBe(false);
  });
});
