import { parseArgs } from "node:util";

export const TRIGGER_USAGE = `Usage:
  npm run kassa -- trigger order.paid|order.closed [--kassa <url>] [--simulator <url>]

Demo mode only: makes the event happen for real, as a payer would, through the running Kassa
(npm start, http://127.0.0.1:8700 by default) and its simulator (http://127.0.0.1:8780):
logs in, orders one unit of the first product in stock, then pays it at the simulator's
cashier (order.paid) or cancels it (order.closed).`;

/** What each type takes once the order exists. */
const TRIGGERS = {
  "order.paid": payAtCashier,
  "order.closed": cancel,
} as const;
type Triggerable = keyof typeof TRIGGERS;

export interface TriggerIo {
  mode: "demo" | "production";
  /** The demo app's WeChat appid, whose login codes the simulator mints. */
  appid: string;
  kassaUrl: string;
  simulatorUrl: string;
  out: (line: string) => void;
  err: (line: string) => void;
}

interface Flow {
  kassa: string;
  simulator: string;
  token: string;
  orderId: string;
}

/**
 * `npm run kassa -- trigger EVENT` (issue 11): one real event for `listen` (or any endpoint)
 * to receive, made through the public APIs a mini program uses, so it travels the same path
 * as a payer's: nothing is written behind Kassa's back. Exit code: 0 done, 1 refused or
 * failed (with the reason), 2 usage.
 */
export async function runTriggerCommand(argv: readonly string[], io: TriggerIo): Promise<number> {
  let parsed: ReturnType<typeof parse>;
  try {
    parsed = parse(argv.slice(1));
  } catch (error) {
    io.err(`${(error as Error).message}\n${TRIGGER_USAGE}`);
    return 2;
  }
  const [type, ...rest] = parsed.positionals;
  if (!type || rest.length > 0 || !(type in TRIGGERS)) {
    io.err(`${type ? `trigger: no way to make ${type} happen\n` : ""}${TRIGGER_USAGE}`);
    return 2;
  }
  if (io.mode !== "demo") {
    io.err("trigger works in demo mode only: in production, events come from real payers");
    return 1;
  }
  const kassa = parsed.values.kassa ?? io.kassaUrl;
  const simulator = parsed.values.simulator ?? io.simulatorUrl;
  try {
    const token = await logIn(kassa, simulator, io.appid);
    const orderId = await orderOne(kassa, token);
    await TRIGGERS[type as Triggerable]({ kassa, simulator, token, orderId });
    io.out(`Triggered ${type}: order ${orderId}. Kassa sends the event to the app's endpoints now.`);
    return 0;
  } catch (error) {
    io.err(`trigger ${type} failed: ${(error as Error).message} (is npm start running at ${kassa}?)`);
    return 1;
  }
}

function parse(args: string[]) {
  return parseArgs({
    args,
    allowPositionals: true,
    strict: true,
    options: { kassa: { type: "string" }, simulator: { type: "string" } },
  });
}

/** A GET, or a POST with `body` (`null`: a POST that takes none, as /pay and /cancel). */
async function call(url: string, body?: unknown, token?: string): Promise<Record<string, unknown>> {
  const response = await fetch(url, {
    method: body === undefined ? "GET" : "POST",
    headers: {
      ...(body === undefined || body === null ? {} : { "content-type": "application/json" }),
      ...(token ? { authorization: `Bearer ${token}` } : {}),
    },
    ...(body === undefined || body === null ? {} : { body: JSON.stringify(body) }),
  });
  const answer = (await response.json()) as Record<string, unknown>;
  if (!response.ok)
    throw new Error(
      `${url} answered ${response.status} ${String(answer.code ?? "")} ${String(answer.message ?? "")}`,
    );
  return answer;
}

async function logIn(kassa: string, simulator: string, appid: string): Promise<string> {
  const { code } = await call(`${simulator}/admin/login-codes`, { appid });
  return String((await call(`${kassa}/v1/session`, { code })).token);
}

async function orderOne(kassa: string, token: string): Promise<string> {
  const { items } = (await call(`${kassa}/v1/catalog`)) as { items: { id: string; inStock: boolean }[] };
  const product = items.find((item) => item.inStock);
  if (!product) throw new Error("no product in the catalog has stock left");
  const order = await call(`${kassa}/v1/orders`, { items: [{ productId: product.id, quantity: 1 }] }, token);
  return String(order.id);
}

async function payAtCashier(flow: Flow): Promise<void> {
  const params = await call(`${flow.kassa}/v1/orders/${flow.orderId}/pay`, null, flow.token);
  await call(`${flow.simulator}/cashier/api/pay`, { ...params, bankType: "CMB_CREDIT" });
}

async function cancel(flow: Flow): Promise<void> {
  await call(`${flow.kassa}/v1/orders/${flow.orderId}/cancel`, null, flow.token);
}
