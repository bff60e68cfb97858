import { expect } from "vitest";
import { accountBalance } from "../src/db/ledger-repo.ts";
import { insertTier } from "../src/db/wallet-tiers-repo.ts";
import { toFen } from "../src/domain/money.ts";
import type { KassaUnderTest } from "./kassa-harness.ts";
import { payAtSimulator } from "./pay-order.ts";

export type OrderBody = { id: string; kind: string; status: string; amountFen: number; bonusFen: number };

/** A tier of the demo app, written as the merchant API writes it. */
export async function addTier(kassa: KassaUnderTest, id: string, amountFen: number, bonusFen: number) {
  const now = Date.now();
  await insertTier(kassa.running.kassa.deps.db, {
    id,
    appId: "app_default",
    amountFen: toFen(amountFen),
    bonusFen: toFen(bonusFen),
    active: true,
    createdAt: now,
    updatedAt: now,
  });
}

/** A top-up made and paid as a payer does: POST /v1/wallet/top-ups, then WeChat Pay at the simulator. */
export async function topUpAtSimulator(
  kassa: KassaUnderTest,
  token: string,
  body: { tierId: string } | { amountFen: number },
): Promise<OrderBody> {
  const created = await kassa.request("POST", "/v1/wallet/top-ups", { token, body });
  expect(created.status, JSON.stringify(created.body)).toBe(201);
  const order = created.body as OrderBody;
  await payAtSimulator(kassa, token, order.id);
  return { ...order, status: "PAID" };
}

/** The wallet balance of the user an order belongs to, read from the ledger. */
export async function walletOfOrder(kassa: KassaUnderTest, orderId: string): Promise<number> {
  const db = kassa.running.kassa.deps.db;
  const order = await db
    .selectFrom("orders")
    .select("user_id")
    .where("id", "=", orderId)
    .executeTakeFirstOrThrow();
  return accountBalance(db, "app_default", `wallet:${order.user_id}`);
}
