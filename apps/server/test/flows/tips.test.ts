import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { DEMO_MERCHANT } from "../../src/channels/demo-sandbox.ts";
import { expectLedgerHolds } from "../check-ledger.ts";
import { KassaUnderTest } from "../kassa-harness.ts";
import { makeApiKey } from "../merchant-keys.ts";
import { deliver, paymentNotification } from "../notifications.ts";
import { payAtSimulator } from "../pay-order.ts";
import { aMinuteLater, eventsOfOrder, refundsAtChannel, untilRefundIs } from "../refunds.ts";
import {
  expectDailyTotalsAddUp,
  MerchantTips,
  type RecipientBody,
  type TippedBody,
  tip,
  tipped,
} from "../tips.ts";
import { topUpAtSimulator, walletOfOrder } from "../wallet.ts";

/**
 * Issue 10, tipping through the simulator over real HTTP: a payer tips a recipient an amount
 * they choose within its rules, with a message kept as text, and pays by WeChat Pay or from
 * the wallet; the ledger owes the tip to the recipient's payable, a payout clears it, a refund
 * takes it back out; each bound holds to the fen; 20 concurrent tips of one payer never pass
 * the daily cap. checkLedger after each. SQLite and PostgreSQL.
 */
let kassa: KassaUnderTest;
let merchant: MerchantTips;

beforeAll(async () => {
  kassa = await KassaUnderTest.start({
    KASSA_RATE_LIMIT_PER_USER: "1000",
    KASSA_RATE_LIMIT_LOGIN_PER_IP: "1000",
    KASSA_MAX_OPEN_ORDERS_PER_USER: "100",
  });
  merchant = new MerchantTips(kassa, (await makeApiKey(kassa)).secret);
});
afterAll(async () => {
  await kassa?.close();
});
afterEach(async () => {
  await expectLedgerHolds(kassa.running.kassa.deps.db);
  await expectDailyTotalsAddUp(kassa);
});

const db = () => kassa.running.kassa.deps.db;
const tipOf = async (token: string, orderId: string) =>
  (await kassa.request("GET", `/v1/tips/${orderId}`, { token })).body as TippedBody;
const entriesOf = async (orderId: string) =>
  (
    await db()
      .selectFrom("ledger_entries")
      .select(["cause_type", "description"])
      .where("order_id", "=", orderId)
      .orderBy("seq")
      .execute()
  ).map((entry) => [entry.cause_type, entry.description]);
const ordersOfUser = async (token: string) =>
  ((await kassa.request("GET", "/v1/orders?limit=100", { token })).body as { data: unknown[] }).data.length;

describe("a tip", () => {
  it("paid by WeChat Pay is owed to its recipient, with its message kept as text", async () => {
    const recipient = await merchant.recipient();
    expect(recipient).toMatchObject({ active: true, balanceFen: 0, timeZone: "Asia/Shanghai" });
    const token = await kassa.login();
    const listed = (await kassa.request("GET", "/v1/tip-recipients?limit=100", { token })).body as {
      data: (RecipientBody & { leftTodayFen: number })[];
    };
    expect(listed.data.find((row) => row.id === recipient.id)).toMatchObject({
      presetAmountsFen: [100, 666, 1888],
      minFen: 100,
      maxFen: 20_000,
      dailyCapFen: 50_000,
      tippedTodayFen: 0,
      leftTodayFen: 50_000,
    });

    const order = await tipped(kassa, token, {
      recipientId: recipient.id,
      amountFen: 666,
      message: " <b>x</b> 谢谢 ",
    });
    expect(order).toMatchObject({ kind: "tip", status: "PENDING", amountFen: 666, lines: [] });
    expect(order.tip).toMatchObject({ amountFen: 666, message: "<b>x</b> 谢谢", status: "PENDING" });
    await payAtSimulator(kassa, token, order.id);
    expect((await tipOf(token, order.id)).tip.status).toBe("PAID");
    expect(await entriesOf(order.id)).toEqual([["payment_captured", "tip paid through wechatpay"]]);
    expect(await merchant.balanceOf(recipient.id)).toBe(666);
    expect(await merchant.tipsOf(recipient.id)).toMatchObject([
      { orderId: order.id, amountFen: 666, message: "<b>x</b> 谢谢", status: "PAID" },
    ]);
    // Stored as the payer wrote it, not escaped or stripped: showing it as text is the reader's part.
    expect(
      (await db().selectFrom("tips").select("message").where("order_id", "=", order.id).executeTakeFirst())
        ?.message,
    ).toBe("<b>x</b> 谢谢");
    expect(await eventsOfOrder(kassa, order.id)).toEqual(["tip.paid", "order.paid"]);
    const event = await db()
      .selectFrom("outbox_events")
      .select("payload")
      .where("aggregate_id", "=", order.id)
      .where("type", "=", "tip.paid")
      .executeTakeFirstOrThrow();
    expect(JSON.parse(event.payload)).toMatchObject({
      orderId: order.id,
      tip: { recipientId: recipient.id, amountFen: 666, message: "<b>x</b> 谢谢", status: "PAID" },
      order: { kind: "tip", status: "PAID" },
    });
    const listedAfter = (await kassa.request("GET", "/v1/tip-recipients?limit=100", { token })).body as {
      data: (RecipientBody & { leftTodayFen: number })[];
    };
    expect(listedAfter.data.find((row) => row.id === recipient.id)).toMatchObject({
      tippedTodayFen: 666,
      leftTodayFen: 50_000 - 666,
    });
    // Another payer's tip is nobody else's.
    const stranger = await kassa.login();
    expect((await kassa.request("GET", `/v1/tips/${order.id}`, { token: stranger })).status).toBe(404);
  });

  it("paid from the wallet takes the wallet's money to the recipient", async () => {
    const recipient = await merchant.recipient();
    const token = await kassa.login();
    const topUp = await topUpAtSimulator(kassa, token, { amountFen: 5_000 });
    const order = await tipped(kassa, token, { recipientId: recipient.id, amountFen: 1_888 });
    const paid = await kassa.request("POST", `/v1/orders/${order.id}/pay-from-wallet`, { token });
    expect(paid.status, JSON.stringify(paid.body)).toBe(200);
    expect(await walletOfOrder(kassa, topUp.id)).toBe(5_000 - 1_888);
    expect((await tipOf(token, order.id)).tip.status).toBe("PAID");
    expect(await entriesOf(order.id)).toEqual([["wallet_payment", "tip paid from the wallet"]]);
    expect(await merchant.balanceOf(recipient.id)).toBe(1_888);
    expect(await eventsOfOrder(kassa, order.id)).toEqual(["tip.paid", "order.paid"]);
  });

  it("is taken at each bound and refused one fen beyond it, with nothing changed", async () => {
    const recipient = await merchant.recipient({ minFen: 100, maxFen: 20_000, dailyCapFen: 20_100 });
    const token = await kassa.login();
    const refusals = [
      { amountFen: 99, code: "TIP_AMOUNT_BELOW_MINIMUM" },
      { amountFen: 20_001, code: "TIP_AMOUNT_ABOVE_MAXIMUM" },
    ];
    for (const { amountFen, code } of refusals) {
      const answer = await tip(kassa, token, { recipientId: recipient.id, amountFen });
      expect(answer.status).toBe(400);
      expect(answer.body).toMatchObject({ code, details: { minFen: 100, maxFen: 20_000 } });
    }
    expect(await ordersOfUser(token)).toBe(0);
    const atMin = await tipped(kassa, token, { recipientId: recipient.id, amountFen: 100 });
    const atMax = await tipped(kassa, token, { recipientId: recipient.id, amountFen: 20_000 });
    // The cap is now reached exactly: one fen more is refused, and says what is left.
    const beyondCap = await tip(kassa, token, { recipientId: recipient.id, amountFen: 100 });
    expect(beyondCap.status).toBe(409);
    expect(beyondCap.body).toMatchObject({
      code: "TIP_DAILY_CAP_REACHED",
      details: { dailyCapFen: 20_100, tippedTodayFen: 20_100, leftTodayFen: 0 },
    });
    expect(await ordersOfUser(token)).toBe(2);
    for (const order of [atMin, atMax]) await payAtSimulator(kassa, token, order.id);
    expect(await merchant.balanceOf(recipient.id)).toBe(20_100);
    // Another payer has a cap of their own.
    const other = await kassa.login();
    await tipped(kassa, other, { recipientId: recipient.id, amountFen: 100 });
  });

  it("refuses a message that is not one short line, and an unknown or inactive recipient", async () => {
    const recipient = await merchant.recipient();
    const token = await kassa.login();
    for (const [message, reason] of [
      ["字".repeat(141), "at most 140 characters"],
      ["line one\nline two", "no control characters or line breaks"],
    ] as const) {
      const answer = await tip(kassa, token, { recipientId: recipient.id, amountFen: 100, message });
      expect(answer.status).toBe(400);
      expect(answer.body).toMatchObject({ code: "TIP_MESSAGE_INVALID", details: { reason } });
    }
    expect(
      (await tipped(kassa, token, { recipientId: recipient.id, amountFen: 100, message: "字".repeat(140) }))
        .tip.message,
    ).toHaveLength(140);
    expect(
      (await tipped(kassa, token, { recipientId: recipient.id, amountFen: 100, message: "   " })).tip.message,
    ).toBeNull();
    expect((await tip(kassa, token, { recipientId: "rcp_unknown", amountFen: 100 })).body).toMatchObject({
      code: "TIP_RECIPIENT_NOT_FOUND",
    });
    const off = await merchant.post(`/merchant/v1/tip-recipients/${recipient.id}/deactivate`);
    expect(off.body).toMatchObject({ active: false });
    const refused = await tip(kassa, token, { recipientId: recipient.id, amountFen: 100 });
    expect(refused.status).toBe(409);
    expect(refused.body).toMatchObject({ code: "TIP_RECIPIENT_INACTIVE" });
    const listed = (await kassa.request("GET", "/v1/tip-recipients?limit=100", { token })).body as {
      data: RecipientBody[];
    };
    expect(listed.data.map((row) => row.id)).not.toContain(recipient.id);
    expect((await merchant.post(`/merchant/v1/tip-recipients/${recipient.id}/activate`)).body).toMatchObject({
      active: true,
    });
    await tipped(kassa, token, { recipientId: recipient.id, amountFen: 100 });
  });
});

describe("the daily cap", () => {
  it("holds under 20 concurrent tips of one payer, and a closed tip gives its part back", async () => {
    const recipient = await merchant.recipient({
      minFen: 100,
      maxFen: 1_000,
      dailyCapFen: 5_000,
      presetAmountsFen: [],
    });
    const token = await kassa.login();
    const answers = await Promise.all(
      Array.from({ length: 20 }, () => tip(kassa, token, { recipientId: recipient.id, amountFen: 700 })),
    );
    const made = answers.filter((answer) => answer.status === 201);
    const refused = answers.filter((answer) => answer.status !== 201);
    expect(made).toHaveLength(7);
    for (const answer of refused)
      expect(answer.body).toMatchObject({ code: "TIP_DAILY_CAP_REACHED", details: { dailyCapFen: 5_000 } });
    const total = await db()
      .selectFrom("tip_daily_totals")
      .select("held_fen")
      .where("recipient_id", "=", recipient.id)
      .executeTakeFirstOrThrow();
    expect(Number(total.held_fen)).toBe(4_900);
    expect((await tip(kassa, token, { recipientId: recipient.id, amountFen: 200 })).status).toBe(409);
    expect((await tipped(kassa, token, { recipientId: recipient.id, amountFen: 100 })).amountFen).toBe(100);

    // A cancelled tip gives its part of the day back.
    const first = (made[0]!.body as TippedBody).id;
    expect((await kassa.request("POST", `/v1/orders/${first}/cancel`, { token })).status).toBe(200);
    expect((await tipOf(token, first)).tip.status).toBe("RELEASED");
    expect((await tipped(kassa, token, { recipientId: recipient.id, amountFen: 700 })).amountFen).toBe(700);
    expect((await tip(kassa, token, { recipientId: recipient.id, amountFen: 100 })).status).toBe(409);
  });
});

describe("a late payment", () => {
  it("of a tip whose order closed is the recipient's, and counts toward the payer's day again", async () => {
    const recipient = await merchant.recipient({
      minFen: 100,
      maxFen: 1_000,
      dailyCapFen: 1_000,
      presetAmountsFen: [],
    });
    const token = await kassa.login();
    const order = await tipped(kassa, token, { recipientId: recipient.id, amountFen: 1_000 });
    expect((await kassa.request("POST", `/v1/orders/${order.id}/cancel`, { token })).status).toBe(200);
    expect((await tipOf(token, order.id)).tip.status).toBe("RELEASED");
    const other = await tipped(kassa, token, { recipientId: recipient.id, amountFen: 1_000 });
    // WeChat Pay says the closed one was paid after all: the money is taken, so it counts.
    const late = await paymentNotification(kassa, {
      outTradeNo: order.id,
      amountFen: 1_000,
      id: `late-${order.id}`,
    });
    expect(await deliver(kassa, late)).toBeLessThan(300);
    expect(await tipOf(token, order.id)).toMatchObject({ status: "PAID", tip: { status: "PAID" } });
    expect(await merchant.balanceOf(recipient.id)).toBe(1_000);
    const total = await db()
      .selectFrom("tip_daily_totals")
      .select("held_fen")
      .where("recipient_id", "=", recipient.id)
      .executeTakeFirstOrThrow();
    expect(Number(total.held_fen)).toBe(2_000);
    expect((await tip(kassa, token, { recipientId: recipient.id, amountFen: 100 })).body).toMatchObject({
      code: "TIP_DAILY_CAP_REACHED",
      details: { leftTodayFen: 0 },
    });
    expect((await kassa.request("POST", `/v1/orders/${other.id}/cancel`, { token })).status).toBe(200);
  });
});

describe("payouts and refunds", () => {
  it("a payout debits the payable once per Idempotency-Key, and never above the balance", async () => {
    const recipient = await merchant.recipient();
    const token = await kassa.login();
    for (const amountFen of [1_000, 2_000]) {
      const order = await tipped(kassa, token, { recipientId: recipient.id, amountFen });
      await payAtSimulator(kassa, token, order.id);
    }
    expect(await merchant.balanceOf(recipient.id)).toBe(3_000);
    const path = `/merchant/v1/tip-recipients/${recipient.id}/payouts`;
    const above = await merchant.post(path, { amountFen: 3_001 });
    expect(above.status).toBe(409);
    expect(above.body).toMatchObject({ code: "TIP_PAYOUT_ABOVE_BALANCE", details: { balanceFen: 3_000 } });
    const key = { "idempotency-key": `payout-${recipient.id}` };
    const first = await merchant.post(path, { amountFen: 1_200, reference: "bank transfer #1" }, key);
    expect(first.status, JSON.stringify(first.body)).toBe(201);
    expect(first.body).toMatchObject({ amountFen: 1_200, reference: "bank transfer #1", balanceFen: 1_800 });
    const again = await merchant.post(path, { amountFen: 1_200, reference: "bank transfer #1" }, key);
    expect(again.headers.get("idempotent-replayed")).toBe("true");
    expect(again.body).toEqual(first.body);
    expect(await merchant.balanceOf(recipient.id)).toBe(1_800);
    const payouts = (await merchant.get(path)).body as { data: { id: string }[] };
    expect(payouts.data.map((payout) => payout.id)).toEqual([(first.body as { id: string }).id]);
    const entries = await db()
      .selectFrom("ledger_entries")
      .select("cause_type")
      .where("cause_type", "=", "tip_payout")
      .where("cause_id", "=", (first.body as { id: string }).id)
      .execute();
    expect(entries).toHaveLength(1);
    // Two payouts of the rest at once: one is booked, the other refused; the payable never goes negative.
    const race = await Promise.all([
      merchant.post(path, { amountFen: 1_800 }),
      merchant.post(path, { amountFen: 1_800 }),
    ]);
    expect(race.map((answer) => answer.status).sort()).toEqual([201, 409]);
    expect(await merchant.balanceOf(recipient.id)).toBe(0);
    const list = (await merchant.get("/merchant/v1/tip-recipients?limit=100")).body as {
      data: RecipientBody[];
    };
    expect(list.data.find((row) => row.id === recipient.id)).toMatchObject({ balanceFen: 0 });
  });

  it("a refund takes the tip back out of the payable, and none is made of money paid out already", async () => {
    const recipient = await merchant.recipient();
    const token = await kassa.login();
    const order = await tipped(kassa, token, { recipientId: recipient.id, amountFen: 2_000 });
    await payAtSimulator(kassa, token, order.id);
    const refund = await merchant.post(`/merchant/v1/orders/${order.id}/refunds`, { amountFen: 500 });
    expect(refund.status, JSON.stringify(refund.body)).toBe(201);
    // Held at once: the recipient cannot be paid out what is on its way back.
    expect(await merchant.balanceOf(recipient.id)).toBe(1_500);
    await aMinuteLater(kassa);
    await untilRefundIs(kassa, (refund.body as { id: string }).id, "SUCCESS");
    expect(refundsAtChannel(kassa, order.id)).toMatchObject([{ amountRefund: 500 }]);
    expect(await merchant.balanceOf(recipient.id)).toBe(1_500);
    expect(await entriesOf(order.id)).toEqual([
      ["payment_captured", "tip paid through wechatpay"],
      ["tip_refund_requested", "tip refund requested, its amount taken from the recipient's payable"],
      ["refund_succeeded", "tip refunded through wechatpay"],
    ]);
    // The merchant pays the recipient 1,200 of the 1,500: only 300 can still be refunded.
    await merchant.post(`/merchant/v1/tip-recipients/${recipient.id}/payouts`, { amountFen: 1_200 });
    const tooMuch = await merchant.post(`/merchant/v1/orders/${order.id}/refunds`, { amountFen: 301 });
    expect(tooMuch.status).toBe(409);
    expect(tooMuch.body).toMatchObject({ code: "TIP_REFUND_ABOVE_PAYABLE", details: { payableFen: 300 } });
    expect(await merchant.balanceOf(recipient.id)).toBe(300);
    const rest = await merchant.post(`/merchant/v1/orders/${order.id}/refunds`, { amountFen: 300 });
    expect(rest.status, JSON.stringify(rest.body)).toBe(201);
    expect(await merchant.balanceOf(recipient.id)).toBe(0);
    await aMinuteLater(kassa);
    await untilRefundIs(kassa, (rest.body as { id: string }).id, "SUCCESS");
  });

  it("a refund the channel closes gives its hold back to the payable", async () => {
    const recipient = await merchant.recipient();
    const token = await kassa.login();
    const order = await tipped(kassa, token, { recipientId: recipient.id, amountFen: 800 });
    await payAtSimulator(kassa, token, order.id);
    const refund = (await merchant.post(`/merchant/v1/orders/${order.id}/refunds`, { amountFen: 800 }))
      .body as {
      id: string;
      outRefundNo: string;
    };
    expect(await merchant.balanceOf(recipient.id)).toBe(0);
    await kassa.sandbox.admin.setRefundOutcome(DEMO_MERCHANT.mchid, refund.outRefundNo, {
      outcome: "CLOSED",
      settleDelayMs: 0,
    });
    await aMinuteLater(kassa);
    await untilRefundIs(kassa, refund.id, "CLOSED");
    expect(await merchant.balanceOf(recipient.id)).toBe(800);
    expect((await entriesOf(order.id)).map(([cause]) => cause)).toEqual([
      "payment_captured",
      "tip_refund_requested",
      "tip_refund_released",
    ]);
    // Owed again, so it can be paid out.
    const payout = await merchant.post(`/merchant/v1/tip-recipients/${recipient.id}/payouts`, {
      amountFen: 800,
    });
    expect(payout.body).toMatchObject({ balanceFen: 0 });
  });

  it("a refund of a tip paid from the wallet goes back to the wallet", async () => {
    const recipient = await merchant.recipient();
    const token = await kassa.login();
    const topUp = await topUpAtSimulator(kassa, token, { amountFen: 3_000 });
    const order = await tipped(kassa, token, { recipientId: recipient.id, amountFen: 1_000 });
    expect((await kassa.request("POST", `/v1/orders/${order.id}/pay-from-wallet`, { token })).status).toBe(
      200,
    );
    expect(await walletOfOrder(kassa, topUp.id)).toBe(2_000);
    const refund = await merchant.post(`/merchant/v1/orders/${order.id}/refunds`, { amountFen: 1_000 });
    expect(refund.body).toMatchObject({ status: "SUCCESS", amountFen: 1_000 });
    expect(await walletOfOrder(kassa, topUp.id)).toBe(3_000);
    expect(await merchant.balanceOf(recipient.id)).toBe(0);
    expect(await entriesOf(order.id)).toEqual([
      ["wallet_payment", "tip paid from the wallet"],
      ["tip_refund_requested", "tip refund requested, its amount taken from the recipient's payable"],
      ["refund_succeeded", "tip refunded to the wallet"],
    ]);
  });
});

describe("the merchant's recipients", () => {
  it("refuse rules no tip could meet, and change them as a whole", async () => {
    const bad = [
      [{ minFen: 500, maxFen: 100 }, "minFen is above maxFen"],
      [{ dailyCapFen: 50 }, "dailyCapFen is below minFen"],
      [{ presetAmountsFen: [50] }, "preset 50 is not whole fen within minFen and maxFen"],
      [{ presetAmountsFen: [666, 666] }, "preset 666 appears twice"],
    ] as const;
    for (const [rules, reason] of bad) {
      const answer = await merchant.post("/merchant/v1/tip-recipients", {
        name: "Ada",
        presetAmountsFen: [],
        minFen: 100,
        maxFen: 1_000,
        dailyCapFen: 5_000,
        ...rules,
      });
      expect(answer.status).toBe(400);
      expect(answer.body).toMatchObject({ code: "TIP_RULES_INVALID", details: { reason } });
    }
    const timeZone = await merchant.post("/merchant/v1/tip-recipients", {
      name: "Ada",
      presetAmountsFen: [],
      minFen: 100,
      maxFen: 1_000,
      dailyCapFen: 5_000,
      timeZone: "Mars/Olympus",
    });
    expect(timeZone.body).toMatchObject({
      code: "TIP_RULES_INVALID",
      details: { reason: "unknown timeZone" },
    });
    const recipient = await merchant.recipient({ presetAmountsFen: [1888, 100] });
    expect(recipient.presetAmountsFen).toEqual([100, 1888]);
    const path = `/merchant/v1/tip-recipients/${recipient.id}`;
    // A minimum above the current maximum is checked against it.
    expect((await merchant.post(path, { minFen: 30_000 })).body).toMatchObject({ code: "TIP_RULES_INVALID" });
    const changed = await merchant.post(path, {
      name: "店员小李 Clerk Li",
      maxFen: 50_000,
      timeZone: "Europe/Berlin",
    });
    expect(changed.body).toMatchObject({
      name: "店员小李 Clerk Li",
      minFen: 100,
      maxFen: 50_000,
      timeZone: "Europe/Berlin",
    });
    expect((await merchant.get("/merchant/v1/tip-recipients/rcp_unknown")).status).toBe(404);
    expect((await merchant.post("/merchant/v1/tip-recipients/rcp_unknown/deactivate")).status).toBe(404);
  });
});
