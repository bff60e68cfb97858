import { parseArgs } from "node:util";
import { EVENT_TYPES, type EventType } from "../../domain/events.ts";
import {
  bookAndPay,
  cancelBooking,
  cancelOrder,
  checkIn,
  logIn,
  orderOne,
  type Payer,
  pay,
  refundAs,
  tipAndPay,
  topUpAndPay,
} from "./trigger-flows.ts";

interface Trigger {
  /** What it does, for the usage. */
  how: string;
  /** It calls the merchant API, so it needs --key. */
  needsKey?: true;
  /** Makes the event happen; answers what it made, for the line printed. */
  run: (payer: Payer) => Promise<string>;
}

const refundTrigger = (outcome: "SUCCESS" | "CLOSED" | "ABNORMAL", how: string): Trigger => ({
  how,
  needsKey: true,
  run: async (payer) => {
    const { orderId, refundId } = await refundAs(payer, outcome);
    return `order ${orderId}, refund ${refundId}`;
  },
});

/**
 * One way to make each event of the registry (domain/events.ts) happen: typed over EventType,
 * so an event added there does not compile until it has one here.
 */
const TRIGGERS: { readonly [T in EventType]: Trigger } = {
  "order.paid": {
    how: "orders one unit of the first product in stock and pays it at the simulator's cashier",
    run: async (payer) => {
      const orderId = await orderOne(payer);
      await pay(payer, orderId);
      return `order ${orderId}`;
    },
  },
  "order.closed": {
    how: "orders one unit and cancels it",
    run: async (payer) => {
      const orderId = await orderOne(payer);
      await cancelOrder(payer, orderId);
      return `order ${orderId}`;
    },
  },
  "refund.succeeded": refundTrigger("SUCCESS", "pays an order, refunds it in full; WeChat Pay refunds it"),
  "order.refunded": refundTrigger("SUCCESS", "as refund.succeeded (a refund's money back is both)"),
  "refund.closed": refundTrigger("CLOSED", "pays an order, refunds it; WeChat Pay closes the refund"),
  "refund.abnormal": refundTrigger(
    "ABNORMAL",
    "pays an order, refunds it; WeChat Pay cannot deliver the money (ABNORMAL)",
  ),
  "alert.raised": refundTrigger("ABNORMAL", "as refund.abnormal, which raises the alert refund_abnormal"),
  "booking.confirmed": {
    how: "books one seat of the first open slot and pays it",
    run: async (payer) => `booking ${await bookAndPay(payer)}`,
  },
  "booking.cancelled": {
    how: "books and pays a seat, then cancels the booking as the payer",
    run: async (payer) => {
      const orderId = await bookAndPay(payer);
      await cancelBooking(payer, orderId);
      return `booking ${orderId}`;
    },
  },
  "booking.checked_in": {
    how: "books and pays a seat, then checks its ticket in as the merchant",
    needsKey: true,
    run: async (payer) => {
      const orderId = await bookAndPay(payer);
      await checkIn(payer, orderId);
      return `booking ${orderId}`;
    },
  },
  "tip.paid": {
    how: "tips the first recipient the smallest amount it takes and pays it",
    run: async (payer) => `tip ${await tipAndPay(payer)}`,
  },
  "wallet.credited": {
    how: "tops the payer's wallet up with the first tier and pays it",
    run: async (payer) => `top-up ${await topUpAndPay(payer)}`,
  },
};

const width = Math.max(...EVENT_TYPES.map((type) => type.length));
export const TRIGGER_USAGE = `Usage:
  npm run kassa -- trigger <event> [--key <sk_test_…>] [--kassa <url>] [--simulator <url>]

Demo mode only: makes the event happen for real, as a payer (and the merchant) would, through
the running Kassa (npm start, http://127.0.0.1:8700 by default) and its simulator
(http://127.0.0.1:8780), as a new payer each time. Events:
${EVENT_TYPES.map((type) => `  ${type.padEnd(width)}  ${TRIGGERS[type].how}${TRIGGERS[type].needsKey ? " (--key)" : ""}`).join("\n")}

(--key): calls the merchant API, with a key of write scope:
  npm run kassa -- keys create --app app_default --scopes read,write`;

export interface TriggerIo {
  mode: "demo" | "production";
  /** The demo app's WeChat appid, whose login codes the simulator mints. */
  appid: string;
  /** The demo merchant's mchid, whose refunds' outcomes the simulator's admin API sets. */
  mchid: string;
  kassaUrl: string;
  simulatorUrl: string;
  out: (line: string) => void;
  err: (line: string) => void;
}

/**
 * `npm run kassa -- trigger EVENT` (issue 11): one real event for `listen` (or any endpoint)
 * to receive, made through the public APIs, so it travels the same path as a payer's. Every
 * event type has its trigger (TRIGGERS). Exit code: 0 done, 1 refused or failed (with the
 * reason), 2 usage.
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
  if (!type || rest.length > 0 || !Object.hasOwn(TRIGGERS, type)) {
    io.err(`${type ? `trigger: no way to make ${type} happen\n` : ""}${TRIGGER_USAGE}`);
    return 2;
  }
  if (io.mode !== "demo") {
    io.err("trigger works in demo mode only: in production, events come from real payers");
    return 1;
  }
  const trigger = TRIGGERS[type as EventType];
  const key = parsed.values.key;
  if (trigger.needsKey && !key) {
    io.err(
      `trigger ${type} calls the merchant API: give a key of write scope with --key (npm run kassa -- keys create --app app_default --scopes read,write)`,
    );
    return 2;
  }
  const kassa = parsed.values.kassa ?? io.kassaUrl;
  const simulator = parsed.values.simulator ?? io.simulatorUrl;
  try {
    const payer = await logIn({ kassa, simulator, mchid: io.mchid, appid: io.appid, key });
    const made = await trigger.run(payer);
    io.out(`Triggered ${type}: ${made}. Kassa sends the event to the app's endpoints now.`);
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
    options: { kassa: { type: "string" }, simulator: { type: "string" }, key: { type: "string" } },
  });
}
