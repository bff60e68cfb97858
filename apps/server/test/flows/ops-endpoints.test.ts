import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { KassaUnderTest } from "../kassa-harness.ts";
import { deliver, paymentNotification } from "../notifications.ts";
import { payOrder } from "../webhook-flows.ts";

/**
 * Issue 13, observability: /healthz, /readyz and /metrics for load balancers, Kubernetes and
 * Prometheus. /metrics needs KASSA_METRICS_TOKEN when it is set (and always in production);
 * its HTTP histogram counts real requests by route template, and its in-flight gauges count
 * what the database holds. SQLite and PostgreSQL.
 */
const TOKEN = `${"m".repeat(16)}0123456789abcdef0123`;
let kassa: KassaUnderTest;

beforeAll(async () => {
  kassa = await KassaUnderTest.start({ KASSA_METRICS_TOKEN: TOKEN });
  kassa.rememberSecret(TOKEN);
});
afterAll(async () => {
  await kassa?.close();
});

const scrape = () => kassa.request("GET", "/metrics", { headers: { authorization: `Bearer ${TOKEN}` } });

/** A sample's value: `name{labels} value`, labels as Prometheus writes them. */
function sample(text: string, name: string, labels: string): number | undefined {
  const line = text.split("\n").find((row) => row.startsWith(`${name}{${labels}}`));
  return line === undefined ? undefined : Number(line.slice(line.lastIndexOf(" ") + 1));
}

describe("/healthz, /readyz and /metrics", () => {
  it("answers alive and ready, with each readiness check and what it found", async () => {
    expect(await kassa.request("GET", "/healthz")).toMatchObject({ status: 200, body: { status: "ok" } });
    const ready = await kassa.request("GET", "/readyz");
    expect(ready.status).toBe(200);
    expect(ready.body).toMatchObject({
      status: "ready",
      checks: { database: { ok: true }, migrations: { ok: true }, apps: { ok: true, detail: "1 loaded" } },
    });
  });

  it("sends a visitor of / to the demo page in demo mode", async () => {
    const answer = await fetch(`${kassa.url}/`, { redirect: "manual" });
    expect(answer.status).toBe(302);
    expect(answer.headers.get("location")).toBe("/demo");
  });

  it("refuses /metrics without the token, or with another, and never says what it holds", async () => {
    const none = await kassa.request("GET", "/metrics");
    expect(none).toMatchObject({ status: 401, body: { code: "METRICS_TOKEN_REQUIRED" } });
    const wrong = await kassa.request("GET", "/metrics", { headers: { authorization: `Bearer ${TOKEN}x` } });
    expect(wrong).toMatchObject({ status: 401, body: { code: "METRICS_TOKEN_REQUIRED" } });
  });

  it("counts requests by route template and status, and the work in flight in the database", async () => {
    const token = await kassa.login();
    await payOrder(kassa, token);
    const waiting = await kassa.request("POST", "/v1/orders", {
      token,
      body: { items: [{ productId: "prd_oolong_tea", quantity: 1 }] },
    });
    expect(waiting.status).toBe(201);
    await kassa.request("GET", "/v1/orders/ord_nosuchorder", { token });

    const answer = await scrape();
    expect(answer.status).toBe(200);
    const text = String(answer.body);
    const created = sample(
      text,
      "kassa_http_request_duration_seconds_count",
      'method="POST",route="/v1/orders",status="201"',
    );
    expect(created).toBeGreaterThanOrEqual(2);
    expect(
      sample(
        text,
        "kassa_http_request_duration_seconds_count",
        'method="GET",route="/v1/orders/:id",status="404"',
      ),
    ).toBe(1);
    expect(sample(text, "kassa_payments_in_flight", 'status="PENDING"')).toBeGreaterThanOrEqual(1);
    expect(sample(text, "kassa_refunds_in_flight", 'status="PROCESSING"')).toBe(0);
    expect(text).toMatch(/^kassa_alerts_open \d+$/m);
    expect(text).toMatch(/^kassa_ledger_unsealed_entries \d+$/m);
    expect(text).toMatch(/^kassa_ledger_seal_lag_seconds [\d.e+-]+$/m);
    expect(text).toMatch(/^kassa_jobs\{queue="default",state="(due|scheduled|running)"\} \d+$/m);
    expect(text).toMatch(/^kassa_process_resident_memory_bytes \d+/m);
  });

  it("counts each channel call and notification by outcome, and the codes the channel answered with", async () => {
    const calls = (text: string, endpoint: string, outcome: string) =>
      sample(
        text,
        "kassa_channel_call_duration_seconds_count",
        `channel="wechatpay",endpoint="${endpoint}",outcome="${outcome}"`,
      ) ?? 0;
    const before = String((await scrape()).body);
    const token = await kassa.login();
    await payOrder(kassa, token);
    kassa.sandbox.admin.addFault({ endpoint: "jsapi.prepay", fault: "system_error", times: 20 });
    const order = await kassa.request("POST", "/v1/orders", {
      token,
      body: { items: [{ productId: "prd_oolong_tea", quantity: 1 }] },
    });
    // The client retries SYSTEM_ERROR within the call, then gives up: one call, its outcome unknown (§5.8).
    const failed = await kassa.request("POST", `/v1/orders/${(order.body as { id: string }).id}/pay`, {
      token,
    });
    expect(failed).toMatchObject({ status: 504, body: { code: "CHANNEL_OUTCOME_UNKNOWN" } });
    const refusedLogin = await kassa.request("POST", "/v1/session", {
      body: { code: "no-such-code-issued" },
    });
    expect(refusedLogin.status).toBe(401);
    const forged = await paymentNotification(kassa, {
      outTradeNo: "ord_00000000000000000000000000",
      amountFen: 1200,
      forged: true,
    });
    expect(await deliver(kassa, forged)).toBe(401);

    const after = String((await scrape()).body);
    const grew = (endpoint: string, outcome: string) =>
      calls(after, endpoint, outcome) - calls(before, endpoint, outcome);
    expect(grew("login", "ok")).toBe(1);
    expect(grew("login", "rejected")).toBe(1);
    expect(grew("prepay", "ok")).toBe(1);
    expect(grew("notification", "ok")).toBeGreaterThanOrEqual(1);
    expect(grew("prepay", "outcome_unknown")).toBe(1);
    expect(grew("notification", "refused")).toBe(1);
    const notifications = (text: string, labels: string) =>
      sample(text, "kassa_notifications_total", labels) ?? 0;
    const applied = 'subject="payment",outcome="applied"';
    expect(notifications(after, applied) - notifications(before, applied)).toBe(1);
    const refusedNotification = 'subject="unverified",outcome="refused"';
    expect(notifications(after, refusedNotification) - notifications(before, refusedNotification)).toBe(1);
    expect(after).toMatch(
      /^kassa_channel_error_codes_total\{channel="wechatpay",endpoint="prepay",code="SYSTEM_ERROR"\} 1$/m,
    );
    expect(after).toMatch(
      /^kassa_channel_error_codes_total\{channel="wechatpay",endpoint="login",code="[^"]+"\} 1$/m,
    );
  });

  it("counts the ledger entries a payment committed, by cause and account kind, and shows the database's connections", async () => {
    const entries = (text: string, cause: string) =>
      sample(text, "kassa_ledger_entries_total", `cause="${cause}"`) ?? 0;
    const postings = (text: string, kind: string) =>
      sample(text, "kassa_ledger_postings_total", `cause="payment_captured",account_kind="${kind}"`) ?? 0;
    // The test before leaves prepay faults behind.
    kassa.sandbox.admin.clearFaults();
    const before = String((await scrape()).body);
    const token = await kassa.login();
    await payOrder(kassa, token);
    const after = String((await scrape()).body);
    // One capture: Dr wechatpay:clearing, Cr sales (domain/ledger-postings.ts).
    expect(entries(after, "payment_captured") - entries(before, "payment_captured")).toBe(1);
    expect(postings(after, "wechatpay:clearing") - postings(before, "wechatpay:clearing")).toBe(1);
    expect(postings(after, "sales") - postings(before, "sales")).toBe(1);
    expect(entries(after, "refund_succeeded")).toBe(0);

    const gauge = (name: string) => {
      const line = after.split("\n").find((row) => row.startsWith(`${name} `));
      return line === undefined ? undefined : Number(line.slice(name.length + 1));
    };
    const total = gauge("kassa_db_pool_connections");
    const idle = gauge("kassa_db_pool_idle_connections");
    const waiting = gauge("kassa_db_pool_waiting_queries");
    if (kassa.running.kassa.deps.dialect === "sqlite") {
      expect(total).toBe(1);
      expect(after).toMatch(/^kassa_db_sqlite_lock_waits_total 0$/m);
    } else {
      expect(total).toBeGreaterThanOrEqual(1);
      // PostgreSQL has no file lock to wait for: no counter that would always say 0.
      expect(after).not.toMatch(/kassa_db_sqlite_lock_waits_total/);
    }
    expect(idle).toBeGreaterThanOrEqual(0);
    expect(idle).toBeLessThanOrEqual(total ?? 0);
    expect(waiting).toBe(0);
  });
});
