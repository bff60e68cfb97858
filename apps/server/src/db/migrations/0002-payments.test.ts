import { sql } from "kysely";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createTestDatabase, type TestDatabase } from "../../../test/database.ts";
import { movePaymentAndOrder } from "../../app/move-payment.ts";
import { randomIdSource } from "../../random-ids.ts";
import { migrateToLatest } from "../migrate.ts";
import { findOrderById } from "../orders-repo.ts";
import { findPaymentByOutTradeNo, findPaymentOfOrder } from "../payments-repo.ts";
import { inTransaction } from "../transaction.ts";

/**
 * Migration 0002 on a database as the code before it left it (schema 0001, orders carrying
 * their WeChat Pay attempt): every order is kept, and each gets its payment, with the same
 * out_trade_no, status and channel facts. Runs on SQLite and on PostgreSQL.
 */
let database: TestDatabase;

const T = 1_764_000_000_000;
const orders = [
  // A pending order that was prepaid, with its lease still recorded.
  {
    id: "ord_pending0000000000000000",
    status: "PENDING",
    amount: 2400,
    prepay: "wx2024prepay1",
    lease: T + 5,
    tx: null,
    bank: null,
    paid: null,
  },
  {
    id: "ord_paid00000000000000000000",
    status: "PAID",
    amount: 1200,
    prepay: "wx2024prepay2",
    lease: null,
    tx: "4200000001202411270000000001",
    bank: "OTHERS",
    paid: T + 60_000,
  },
  {
    id: "ord_closed000000000000000000",
    status: "CLOSED",
    amount: 2550,
    prepay: null,
    lease: null,
    tx: null,
    bank: null,
    paid: null,
  },
] as const;

beforeAll(async () => {
  database = await createTestDatabase({ upTo: "0001-init" });
  const db = database.db;
  await sql`insert into users (id, appid, openid, created_at) values ('usr_1', 'wxd678efh567hg6787', 'o-openid-1', ${T})`.execute(
    db,
  );
  await sql`insert into products (id, name, price_fen, stock, active, created_at) values ('prd_tea', 'Tea', 1200, 10, 1, ${T})`.execute(
    db,
  );
  for (const order of orders) {
    await sql`
      insert into orders (id, out_trade_no, user_id, status, amount_fen, description, expires_at,
        prepay_id, prepay_expires_at, prepay_lease_until, transaction_id, bank_type, paid_at,
        created_at, updated_at)
      values (${order.id}, ${order.id}, 'usr_1', ${order.status}, ${order.amount}, 'Tea x2', ${T + 1_800_000},
        ${order.prepay}, ${order.prepay ? T + 6_600_000 : null}, ${order.lease}, ${order.tx}, ${order.bank},
        ${order.paid}, ${T}, ${T + 1})
    `.execute(db);
    await sql`insert into order_lines (order_id, product_id, name, quantity, unit_price_fen) values (${order.id}, 'prd_tea', 'Tea', 2, 1200)`.execute(
      db,
    );
  }
  await migrateToLatest(database);
});
afterAll(async () => {
  await database?.close();
});

describe("migration 0002: payments apart from orders", () => {
  it("keeps every order, its status, amount, lines and times", async () => {
    for (const before of orders) {
      const order = await findOrderById(database.db, before.id);
      expect(order).toMatchObject({
        id: before.id,
        userId: "usr_1",
        status: before.status,
        amountFen: before.amount,
        expiresAt: T + 1_800_000,
        createdAt: T,
        lines: [{ productId: "prd_tea", quantity: 2, unitPriceFen: 1200 }],
      });
    }
  });

  it("gives each order one payment with its out_trade_no, status and channel facts", async () => {
    for (const before of orders) {
      const payment = await findPaymentByOutTradeNo(database.db, before.id);
      expect(payment).toEqual({
        id: `pay_${before.id.slice(4)}`,
        appId: "app_default", // migration 0004 puts rows made before it in the default app
        orderId: before.id,
        channel: "wechatpay",
        outTradeNo: before.id,
        status: before.status,
        amountFen: before.amount,
        expiresAt: T + 1_800_000,
        prepayId: before.prepay,
        prepayExpiresAt: before.prepay ? T + 6_600_000 : null,
        prepayLeaseUntil: before.lease,
        transactionId: before.tx,
        bankType: before.bank,
        paidAt: before.paid,
        createdAt: T,
      });
    }
  });

  it("leaves the orders table without the channel's columns", async () => {
    await expect(sql`select prepay_id from orders`.execute(database.db)).rejects.toThrow();
    await expect(sql`select out_trade_no from orders`.execute(database.db)).rejects.toThrow();
  });

  it("keeps the foreign keys: a line or a payment for an unknown order is refused", async () => {
    await expect(
      sql`insert into order_lines (order_id, product_id, name, quantity, unit_price_fen) values ('ord_nope', 'prd_tea', 'Tea', 1, 1200)`.execute(
        database.db,
      ),
    ).rejects.toThrow();
    await expect(
      sql`insert into payments (id, order_id, channel, out_trade_no, status, amount_fen, expires_at, created_at, updated_at) values ('pay_x', 'ord_nope', 'wechatpay', 'ord_nope', 'PENDING', 1, 1, 1, 1)`.execute(
        database.db,
      ),
    ).rejects.toThrow();
  });

  it("lets a migrated pending payment and its order move on together", async () => {
    const payment = await findPaymentOfOrder(database.db, "ord_pending0000000000000000");
    if (!payment) throw new Error("the migrated order has no payment");
    const moved = await inTransaction(database.db, (trx) =>
      movePaymentAndOrder(trx, {
        payment,
        event: "paid",
        now: T + 2,
        deps: {
          ids: randomIdSource,
          observe: { riskDecision: () => undefined, ledgerEntryPosted: () => undefined },
        },
        facts: { transactionId: "4200000009", bankType: "CMB_DEBIT", paidAt: T + 2 },
      }),
    );
    expect(moved?.orderStatus).toBe("PAID");
    expect(await findPaymentOfOrder(database.db, payment.orderId)).toMatchObject({
      status: "PAID",
      transactionId: "4200000009",
    });
  });
});
