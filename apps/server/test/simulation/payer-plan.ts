import type { PayerFailure, RandomSource, RandomStream } from "@kassa/sandbox";

/**
 * What one virtual payer (and the merchant, for that payer's order) will do, drawn from the
 * seed before anything runs: the same seed gives the same scripts whatever order the payers
 * run in, because each payer draws from its own stream (`payer/<n>`).
 */
export interface PayerScript {
  index: number;
  /** Which Kassa instance the payer's calls go to first. */
  instance: number;
  order:
    | { kind: "purchase"; items: { productId: string; quantity: number }[] }
    | { kind: "booking"; seats: number };
  /**
   * At the cashier: pay; cancel; fail (with the reason); abandon (never opens it); pay_late
   * (waits until the order is near its expiry, racing the close); pay_twice (two pay calls at
   * once, then pays: one prepay, one charge).
   */
  atCashier: "pay" | "cancel" | "fail" | "abandon" | "pay_late" | "pay_twice";
  failReason: PayerFailure;
  /** After wx.requestPayment: ask Kassa for the real state (the product's rule), or not. */
  confirms: boolean;
  /** The simulator re-sends the payment's notification this many times at once (admin resend). */
  resends: number;
  /** The merchant's refunds once the order is PAID, each possibly sent several times at once. */
  refunds: RefundPlan[];
}

export interface RefundPlan {
  /** Percent of the order's amount (1..100); two refunds over 100 together race for the rest. */
  percent: number;
  /** The same request (same Idempotency-Key) sent this many times at once. */
  copies: number;
}

export interface Catalog {
  products: { id: string; priceFen: number }[];
  hasSlots: boolean;
}

const FAILURES: PayerFailure[] = ["INSUFFICIENT_BALANCE", "WRONG_PASSWORD", "ACCOUNT_FROZEN"];

export function planPayer(
  random: RandomSource,
  index: number,
  instances: number,
  catalog: Catalog,
): PayerScript {
  const draw = random.stream(`payer/${index}`);
  const booking = catalog.hasSlots && draw.chance(0.1);
  const order: PayerScript["order"] = booking
    ? { kind: "booking", seats: 1 + draw.int(2) }
    : { kind: "purchase", items: pickItems(draw, catalog) };
  const atCashier = weighted(draw, [
    ["pay", 62],
    ["cancel", 8],
    ["fail", 6],
    ["abandon", 8],
    ["pay_late", 8],
    ["pay_twice", 8],
  ] as const);
  const refunds: RefundPlan[] = [];
  if (draw.chance(0.3)) {
    const count = draw.chance(0.25) ? 2 : 1;
    for (let i = 0; i < count; i++)
      refunds.push({ percent: draw.chance(0.4) ? 100 : 10 + draw.int(60), copies: 1 + draw.int(3) });
  }
  return {
    index,
    instance: draw.int(instances),
    order,
    atCashier,
    failReason: FAILURES[draw.int(FAILURES.length)] ?? "INSUFFICIENT_BALANCE",
    confirms: draw.chance(0.7),
    resends: draw.int(16),
    refunds,
  };
}

function pickItems(draw: RandomStream, catalog: Catalog): { productId: string; quantity: number }[] {
  const lines = 1 + draw.int(2);
  const chosen = new Map<string, number>();
  for (let i = 0; i < lines; i++) {
    const product = catalog.products[draw.int(catalog.products.length)];
    if (product) chosen.set(product.id, (chosen.get(product.id) ?? 0) + 1 + draw.int(2));
  }
  return [...chosen].map(([productId, quantity]) => ({ productId, quantity }));
}

function weighted<T extends string>(draw: RandomStream, choices: readonly (readonly [T, number])[]): T {
  const total = choices.reduce((sum, [, weight]) => sum + weight, 0);
  let pick = draw.int(total);
  for (const [choice, weight] of choices) {
    if (pick < weight) return choice;
    pick -= weight;
  }
  return choices[0]?.[0] as T;
}
