import type { RunningSandbox } from "@kassa/sandbox";
import { checkLedger } from "../src/app/check-ledger.ts";
import { DEMO_MERCHANT } from "../src/channels/demo-sandbox.ts";
import { sealLedger } from "../src/db/ledger-seal.ts";
import type { TestDatabase } from "./database.ts";

const FINAL_ORDER = new Set(["PAID", "CLOSED"]);
/** WeChat Pay's trade states of a charged payment: paid, or paid and (partly) refunded since. */
const paidThere = (state: string | undefined) => state === "SUCCESS" || state === "REFUND";
const HOLDING = new Set(["HELD", "CONFIRMED", "CHECKED_IN"]);

/**
 * What must hold once Kassa has converged (after a crash, or at the end of a simulation),
 * checked against the simulator's own record of what really happened (quality-bar.md: 0 lost
 * payments, 0 double charges or refunds; issue 16's list). Returns one line per violation,
 * none when all holds; the crash tests expect none (crash-harness.ts expectConverged), the
 * simulation prints them with its seed (simulation/run-simulation.ts).
 * - every order is final (PAID or CLOSED), none stuck PENDING or CLOSING;
 * - a Kassa order is PAID exactly when the simulator has one paid transaction for it (never
 *   two), and every payment's status matches the simulator's state of its out_trade_no;
 * - every refund matches the simulator's (one per out_refund_no, same status), refunded ≤ paid;
 * - the ledger holds (app/check-ledger.ts, before and after sealing), every cause is posted
 *   once, and WeChat Pay's clearing account (plus the fees taken from it) equals what the
 *   channel captured minus what it refunded;
 * - stock: what was sold (PAID orders' lines) left the shelf exactly once, nothing else did;
 * - seats: a paid booking holds its seats (CONFIRMED), a closed one holds none, and every
 *   slot holds exactly its holding bookings' seats (never more than its capacity).
 * Reads whole tables: built for a test's or a simulation's database, not production's.
 */
export async function findViolations(
  database: TestDatabase,
  sandbox: RunningSandbox,
  stockBefore: Map<string, number>,
): Promise<string[]> {
  const violations: string[] = [];
  const db = database.db;
  const orders = await db.selectFrom("orders").select(["id", "status"]).execute();
  for (const order of orders)
    if (!FINAL_ORDER.has(order.status)) violations.push(`order ${order.id} is stuck ${order.status}`);

  const atChannel = new Map(
    sandbox.admin.listOrders({ mchid: DEMO_MERCHANT.mchid }).map((order) => [order.outTradeNo, order]),
  );
  const payments = await db
    .selectFrom("payments")
    .select(["id", "order_id", "status", "out_trade_no", "amount_fen"])
    .where("channel", "=", "wechatpay")
    .execute();
  const paymentsOf = groupBy(payments, (payment) => payment.order_id);
  const wechatOrders = new Set(payments.map((payment) => payment.order_id));
  for (const order of orders) {
    if (!wechatOrders.has(order.id)) continue;
    const charged = (paymentsOf.get(order.id) ?? []).filter((payment) =>
      paidThere(atChannel.get(payment.out_trade_no)?.state),
    ).length;
    if (charged > 1) violations.push(`order ${order.id} charged ${charged} times`);
    if ((order.status === "PAID") !== (charged === 1))
      violations.push(`order ${order.id} is ${order.status} here, charged ${charged} times at the channel`);
  }
  for (const payment of payments) {
    const state = atChannel.get(payment.out_trade_no)?.state;
    const expected = paidThere(state) ? "PAID" : "CLOSED";
    if (payment.status !== expected)
      violations.push(
        `payment ${payment.out_trade_no} is ${payment.status}, ${state ?? "unknown"} at the channel`,
      );
  }

  const refunds = await db
    .selectFrom("refunds")
    .select(["id", "payment_id", "status", "out_refund_no", "amount_fen"])
    .execute();
  const refundsOf = groupBy(refunds, (refund) => refund.payment_id);
  const channelRefundsOf = groupBy(
    sandbox.admin.listRefunds({ mchid: DEMO_MERCHANT.mchid }),
    (r) => r.outTradeNo,
  );
  for (const payment of payments) {
    const own = refundsOf.get(payment.id) ?? [];
    const there = channelRefundsOf.get(payment.out_trade_no) ?? [];
    if (there.length !== own.length)
      violations.push(`${payment.out_trade_no}: ${own.length} refunds here, ${there.length} at the channel`);
    for (const refund of own) {
      const twins = there.filter((r) => r.outRefundNo === refund.out_refund_no);
      if (twins.length !== 1)
        violations.push(`refund ${refund.out_refund_no} is at the channel ${twins.length} times`);
      else if (twins[0]?.status !== refund.status)
        violations.push(
          `refund ${refund.out_refund_no} is ${refund.status} here, ${twins[0]?.status} at the channel`,
        );
    }
    const refunded = own.filter((r) => r.status === "SUCCESS").reduce((sum, r) => sum + r.amount_fen, 0);
    if (refunded > payment.amount_fen)
      violations.push(`${payment.out_trade_no}: ${refunded} fen refunded of ${payment.amount_fen} paid`);
  }

  const postings = await db
    .selectFrom("ledger_entries")
    .select(["cause_type", "cause_id"])
    .select((eb) => eb.fn.countAll<number | string>().as("n"))
    .groupBy(["cause_type", "cause_id"])
    .having((eb) => eb.fn.countAll(), ">", 1)
    .execute();
  for (const cause of postings)
    violations.push(`${cause.cause_type} ${cause.cause_id} posted ${cause.n} times`);
  violations.push(...(await ledgerProblems(database)));
  // This database's payments only: the crash tests run several databases on one simulator.
  const captured = payments
    .map((payment) => atChannel.get(payment.out_trade_no))
    .filter((order) => paidThere(order?.state))
    .reduce((sum, order) => sum + (order?.amountTotal ?? 0), 0);
  const refundedThere = payments
    .flatMap((payment) => channelRefundsOf.get(payment.out_trade_no) ?? [])
    .filter((refund) => refund.status === "SUCCESS")
    .reduce((sum, refund) => sum + refund.amountRefund, 0);
  const books = await db
    .selectFrom("ledger_accounts")
    .where("code", "in", ["wechatpay:clearing", "wechatpay:fees"])
    .select((eb) => eb.fn.coalesce(eb.fn.sum<number | string>("balance_fen"), eb.val(0)).as("fen"))
    .executeTakeFirstOrThrow();
  if (Number(books.fen) !== captured - refundedThere)
    violations.push(
      `the books hold ${books.fen} fen at WeChat Pay; the channel captured ${captured} and refunded ${refundedThere}`,
    );

  const sold = await db
    .selectFrom("order_lines")
    .innerJoin("orders", "orders.id", "order_lines.order_id")
    .where("orders.status", "=", "PAID")
    .select(["order_lines.product_id", "order_lines.quantity"])
    .execute();
  const unitsSold = new Map<string, number>();
  for (const line of sold)
    unitsSold.set(line.product_id, (unitsSold.get(line.product_id) ?? 0) + line.quantity);
  for (const product of await db.selectFrom("products").select(["id", "stock"]).execute()) {
    const expected = (stockBefore.get(product.id) ?? 0) - (unitsSold.get(product.id) ?? 0);
    if (product.stock !== expected)
      violations.push(`stock of ${product.id} is ${product.stock}, not ${expected}`);
  }

  const bookings = await db
    .selectFrom("bookings")
    .innerJoin("orders", "orders.id", "bookings.order_id")
    .select([
      "bookings.order_id",
      "bookings.slot_id",
      "bookings.seats",
      "bookings.status",
      "orders.status as order_status",
    ])
    .execute();
  const seatsHeld = new Map<string, number>();
  for (const booking of bookings) {
    const expected = booking.order_status === "PAID" ? "CONFIRMED" : "RELEASED";
    if (booking.status !== expected && !(expected === "CONFIRMED" && booking.status === "CHECKED_IN"))
      violations.push(
        `booking of ${booking.order_id} is ${booking.status}, its order ${booking.order_status}`,
      );
    if (HOLDING.has(booking.status))
      seatsHeld.set(booking.slot_id, (seatsHeld.get(booking.slot_id) ?? 0) + booking.seats);
  }
  for (const slot of await db
    .selectFrom("booking_slots")
    .select(["id", "seats_held", "capacity"])
    .execute()) {
    const expected = seatsHeld.get(slot.id) ?? 0;
    if (slot.seats_held !== expected)
      violations.push(`slot ${slot.id} holds ${slot.seats_held} seats, not ${expected}`);
    if (slot.seats_held > slot.capacity)
      violations.push(`slot ${slot.id} holds ${slot.seats_held} seats of ${slot.capacity}`);
  }
  return violations;
}

/** The ledger's own check as the flow left it, then sealed: no problem, nothing left unsealed. */
async function ledgerProblems(database: TestDatabase): Promise<string[]> {
  const before = await checkLedger(database.db);
  await sealLedger(database.db, { now: Date.now() });
  const after = await checkLedger(database.db);
  return [
    ...before.problems.map((problem) => `ledger: ${problem}`),
    ...after.problems.map((problem) => `ledger after sealing: ${problem}`),
    ...(after.unsealed > 0 ? [`ledger: ${after.unsealed} entries left unsealed`] : []),
  ];
}

function groupBy<T>(items: readonly T[], key: (item: T) => string): Map<string, T[]> {
  const groups = new Map<string, T[]>();
  for (const item of items) {
    const group = groups.get(key(item));
    if (group) group.push(item);
    else groups.set(key(item), [item]);
  }
  return groups;
}
