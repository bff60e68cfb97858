import { expect } from "vitest";
import type { KassaUnderTest } from "./kassa-harness.ts";

export type PaidOrder = { id: string; status: string; amountFen: number };

/**
 * An order paid as a payer pays one: created, prepaid, paid at the simulator's cashier
 * with the paySign Kassa made; then waits until Kassa has applied the simulator's
 * notification (its own HTTP request, which may land after the cashier answers).
 */
export async function payOrderAtSimulator(
  kassa: KassaUnderTest,
  token: string,
  items: { productId: string; quantity: number }[] = [{ productId: "prd_jasmine_tea", quantity: 1 }],
): Promise<PaidOrder> {
  const order = (await kassa.request("POST", "/v1/orders", { token, body: { items } })).body as PaidOrder;
  await payAtSimulator(kassa, token, order.id);
  return { ...order, status: "PAID" };
}

/** Pay an order that exists (a purchase or a wallet top-up) at the simulator's cashier, until PAID. */
export async function payAtSimulator(kassa: KassaUnderTest, token: string, orderId: string): Promise<void> {
  const params = (await kassa.request("POST", `/v1/orders/${orderId}/pay`, { token })).body as object;
  const paid = await fetch(`${kassa.sandbox.url}/cashier/api/pay`, {
    method: "POST",
    headers: { "content-type": "application/json" },
    body: JSON.stringify({ ...params, bankType: "CMB_CREDIT" }),
  });
  expect(paid.status).toBe(200);
  await untilPaid(kassa, token, orderId);
}

/**
 * Pay an order of an Alipay payer as my.tradePay does: Kassa answers `{ tradeNO }`, and the
 * buyer pays at the simulator's Alipay cashier (A.2); then waits until Kassa has applied
 * the simulator's notification. Answers the tradeNO.
 */
export async function payAtAlipayCashier(
  kassa: KassaUnderTest,
  token: string,
  orderId: string,
): Promise<string> {
  const pay = await kassa.request("POST", `/v1/orders/${orderId}/pay`, { token });
  expect(pay.status).toBe(200);
  const { tradeNO } = pay.body as { tradeNO: string };
  const paid = await fetch(`${kassa.sandbox.url}/alipay/cashier/api/trade-pay`, {
    method: "POST",
    headers: { "content-type": "application/json" },
    body: JSON.stringify({ tradeNO, action: "pay" }),
  });
  expect(await paid.json()).toMatchObject({ resultCode: "9000", paid: true });
  await untilPaid(kassa, token, orderId);
  return tradeNO;
}

/** Up to 4 s: on a loaded machine the simulator's notification can take seconds to land. */
export async function untilPaid(kassa: KassaUnderTest, token: string, orderId: string): Promise<void> {
  for (let tries = 0; tries < 200; tries += 1) {
    const order = await kassa.request("GET", `/v1/orders/${orderId}`, { token });
    if ((order.body as PaidOrder).status === "PAID") return;
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
  throw new Error(`order ${orderId} never became PAID`);
}
