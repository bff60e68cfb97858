import type { KassaInProcess } from "./kassa-in-process.ts";

export const STEPS = ["create", "pay", "payer pays", "notified → PAID", "total"] as const;
export type Step = (typeof STEPS)[number];

export interface LoopResult {
  paidOrders: number;
  seconds: number;
  latenciesMs: Record<Step, number[]>;
}

async function json(
  url: string,
  init: RequestInit,
): Promise<{ status: number; body: Record<string, unknown> }> {
  const response = await fetch(url, init);
  const text = await response.text();
  return { status: response.status, body: text ? (JSON.parse(text) as Record<string, unknown>) : {} };
}

function must(ok: boolean, what: string, detail: unknown): void {
  if (!ok) throw new Error(`CHECK FAILED: ${what}: ${JSON.stringify(detail)}`);
}

/** Log in `users` payers through the simulator's wx.login stand-in and Kassa's /v1/session. */
export async function loginPayers(
  kassa: KassaInProcess,
  sandboxUrl: string,
  appid: string,
  users: number,
): Promise<string[]> {
  const tokens: string[] = [];
  for (let n = 0; n < users; n += 1) {
    const code = await json(`${sandboxUrl}/admin/login-codes`, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify({ appid }),
    });
    const session = await json(`${kassa.url}/v1/session`, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify({ code: code.body.code }),
    });
    must(session.status === 201, "login", session.body);
    tokens.push(String(session.body.token));
  }
  return tokens;
}

/**
 * `inFlight` payers, each buying again and again for `seconds`: create the order, get the
 * wx.requestPayment parameters, pay on the simulator's cashier API (another process), and
 * wait until the simulator's notification has made the order PAID in Kassa's database.
 */
export async function runPaidOrderLoop(
  kassa: KassaInProcess,
  sandboxUrl: string,
  tokens: string[],
  seconds: number,
): Promise<LoopResult> {
  const latenciesMs = Object.fromEntries(STEPS.map((step) => [step, [] as number[]])) as Record<
    Step,
    number[]
  >;
  let paidOrders = 0;
  const started = performance.now();
  const deadline = started + seconds * 1000;
  await Promise.all(
    tokens.map(async (token) => {
      const auth = { authorization: `Bearer ${token}` };
      while (performance.now() < deadline) {
        const t0 = performance.now();
        const order = await json(`${kassa.url}/v1/orders`, {
          method: "POST",
          headers: { ...auth, "content-type": "application/json" },
          body: JSON.stringify({ items: [{ productId: "prd_bench", quantity: 1 }] }),
        });
        must(order.status === 201, "create", order.body);
        const t1 = performance.now();
        const params = await json(`${kassa.url}/v1/orders/${order.body.id}/pay`, {
          method: "POST",
          headers: auth,
        });
        must(params.status === 200, "pay", params.body);
        const t2 = performance.now();
        const paid = await json(`${sandboxUrl}/cashier/api/pay`, {
          method: "POST",
          headers: { "content-type": "application/json" },
          body: JSON.stringify({ ...params.body, bankType: "OTHERS" }),
        });
        must(paid.status === 200, "payer pays", paid.body);
        const t3 = performance.now();
        await waitUntilPaid(kassa, String(order.body.id));
        const t4 = performance.now();
        paidOrders += 1;
        latenciesMs.create.push(t1 - t0);
        latenciesMs.pay.push(t2 - t1);
        latenciesMs["payer pays"].push(t3 - t2);
        latenciesMs["notified → PAID"].push(t4 - t3);
        latenciesMs.total.push(t4 - t0);
      }
    }),
  );
  return { paidOrders, seconds: (performance.now() - started) / 1000, latenciesMs };
}

async function waitUntilPaid(kassa: KassaInProcess, orderId: string): Promise<void> {
  const giveUp = performance.now() + 30_000;
  while (performance.now() < giveUp) {
    const row = await kassa.database.db
      .selectFrom("orders")
      .select("status")
      .where("id", "=", orderId)
      .executeTakeFirst();
    if (row?.status === "PAID") return;
    await new Promise((resolve) => setTimeout(resolve, 3));
  }
  throw new Error(`CHECK FAILED: order ${orderId} never became PAID`);
}

export function percentile(values: number[], p: number): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))] ?? Number.NaN;
}
