import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { expectLedgerHolds } from "../check-ledger.ts";
import { KassaUnderTest } from "../kassa-harness.ts";
import { refundEntries, refundThroughUseCase } from "../refunds.ts";
import { type OrderBody, topUpAtSimulator, walletOfOrder } from "../wallet.ts";

/**
 * Refunds of orders paid from the wallet return to the wallet (issue 9 §3): no channel call,
 * SUCCESS in the transaction that records the refund, booked `wallet_refund` (Dr refunds /
 * Cr wallet) once; the refund totals keep the sum within what the wallet paid, also under
 * a storm of concurrent refunds. The wallet is filled through the simulator. SQLite and
 * PostgreSQL.
 */
let kassa: KassaUnderTest;
let token: string;

beforeAll(async () => {
  kassa = await KassaUnderTest.start({ KASSA_RATE_LIMIT_PER_USER: "1000" });
  token = await kassa.login();
  await topUpAtSimulator(kassa, token, { amountFen: 20_000 });
});
afterAll(async () => {
  await kassa?.close();
});
afterEach(() => expectLedgerHolds(kassa.running.kassa.deps.db));

async function paidFromWallet(quantity: number): Promise<OrderBody> {
  const order = (
    await kassa.request("POST", "/v1/orders", {
      token,
      body: { items: [{ productId: "prd_jasmine_tea", quantity }] },
    })
  ).body as OrderBody;
  const paid = await kassa.request("POST", `/v1/orders/${order.id}/pay-from-wallet`, { token });
  expect(paid.status, JSON.stringify(paid.body)).toBe(200);
  return order;
}

describe("refunding an order paid from the wallet", () => {
  it("returns part, then the rest, to the wallet at once, each booked Dr refunds / Cr wallet once", async () => {
    const order = await paidFromWallet(2);
    const before = await walletOfOrder(kassa, order.id);
    const first = await refundThroughUseCase(kassa, { orderId: order.id, amountFen: 1 });
    expect(first).toMatchObject({ status: "SUCCESS", amountFen: 1 });
    expect(await walletOfOrder(kassa, order.id)).toBe(before + 1);
    const rest = await refundThroughUseCase(kassa, { orderId: order.id, amountFen: order.amountFen - 1 });
    expect(rest).toMatchObject({ status: "SUCCESS" });
    expect(await walletOfOrder(kassa, order.id)).toBe(before + order.amountFen);
    for (const refund of [first, rest]) expect(await refundEntries(kassa, refund.id)).toBe(1);
    const postings = await kassa.running.kassa.deps.db
      .selectFrom("ledger_postings as p")
      .innerJoin("ledger_entries as e", (join) =>
        join.onRef("e.app_id", "=", "p.app_id").onRef("e.seq", "=", "p.entry_seq"),
      )
      .select(["p.account_code", "p.amount_fen"])
      .where("e.cause_id", "=", first.id)
      .orderBy("p.line")
      .execute();
    expect(postings.map((p) => [p.account_code.replace(/usr_\w+/, "u"), p.amount_fen])).toEqual([
      ["refunds", 1],
      ["wallet:u", -1],
    ]);
    const history = (await kassa.request("GET", "/v1/wallet/history?limit=1", { token })).body as {
      data: { cause: string; amountFen: number }[];
    };
    expect(history.data[0]).toMatchObject({ cause: "refund_succeeded", amountFen: order.amountFen - 1 });
    await expect(refundThroughUseCase(kassa, { orderId: order.id, amountFen: 1 })).rejects.toMatchObject({
      code: "REFUND_AMOUNT_TOO_LARGE",
    });
  });

  it("never returns more than the wallet paid: 50 concurrent refunds of a third each succeed 3 times", async () => {
    const order = await paidFromWallet(3);
    const before = await walletOfOrder(kassa, order.id);
    const third = order.amountFen / 3;
    const outcomes = await Promise.allSettled(
      Array.from({ length: 50 }, () => refundThroughUseCase(kassa, { orderId: order.id, amountFen: third })),
    );
    const succeeded = outcomes.filter((outcome) => outcome.status === "fulfilled");
    expect(succeeded).toHaveLength(3);
    for (const outcome of outcomes)
      if (outcome.status === "rejected")
        expect(outcome.reason).toMatchObject({ code: "REFUND_AMOUNT_TOO_LARGE" });
    expect(await walletOfOrder(kassa, order.id)).toBe(before + order.amountFen);
  });
});
