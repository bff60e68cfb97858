/**
 * The examples in /docs: requests and answers of a real demo run (`npm start`, the
 * walkthrough in docs/api.md). Only the session token is made up: a real one is a secret.
 * A test checks each one against its route's schema, so they cannot drift from the API.
 */

export const ORDER_ID_EXAMPLE = "ord_ahmva667x9ctc6tmg292eqgvhr";

export const SESSION_CREATE_EXAMPLE = {
  request: { code: "Pq4ZgaErAVjQaw4Cc5V9A7nPPe8vK0p8" },
  response: {
    token: "kst_3mVQwJ6lq3l4kX0G4uGmQ1b7o5e9dQp2yJtX8hNcA0s",
    expiresAt: "2026-12-08T20:21:40.311Z",
  },
};

export const CATALOG_EXAMPLE = {
  items: [
    {
      id: "prd_jasmine_tea",
      name: "茉莉花茶 Jasmine tea",
      priceFen: 1200,
      priceYuan: "12.00",
      inStock: true,
    },
    { id: "prd_oolong_tea", name: "乌龙茶 Oolong tea", priceFen: 1800, priceYuan: "18.00", inStock: true },
    { id: "prd_mooncake", name: "月饼 Mooncake", priceFen: 2550, priceYuan: "25.50", inStock: true },
    {
      id: "prd_one_fen_test",
      name: "一分钱测试 One-fen test",
      priceFen: 1,
      priceYuan: "0.01",
      inStock: true,
    },
  ],
};

export const ORDER_CREATE_EXAMPLE = { items: [{ productId: "prd_jasmine_tea", quantity: 2 }] };

export const PENDING_ORDER_EXAMPLE = {
  id: ORDER_ID_EXAMPLE,
  kind: "purchase",
  status: "PENDING",
  amountFen: 2400,
  bonusFen: 0,
  amountYuan: "24.00",
  description: "茉莉花茶 Jasmine tea x2",
  lines: [{ productId: "prd_jasmine_tea", name: "茉莉花茶 Jasmine tea", quantity: 2, unitPriceFen: 1200 }],
  createdAt: "2026-12-01T20:25:39.986Z",
  expiresAt: "2026-12-01T20:55:39.000Z",
  channel: "wechatpay",
  paidAt: null,
  transactionId: null,
  refundedFen: 0,
};

export const PAID_ORDER_EXAMPLE = {
  ...PENDING_ORDER_EXAMPLE,
  status: "PAID",
  paidAt: "2026-12-01T20:25:40.000Z",
  transactionId: "4200061224202612025627048966",
};

export const CLOSED_ORDER_EXAMPLE = { ...PENDING_ORDER_EXAMPLE, status: "CLOSED" };

export const ORDER_PAGE_EXAMPLE = {
  data: [PAID_ORDER_EXAMPLE],
  nextCursor: "MTc5NjE1NjczOTk4NjpvcmRfYWhtdmE2Njd4OWN0YzZ0bWcyOTJlcWd2aHI",
};

export const REQUEST_PAYMENT_EXAMPLE = {
  appId: "wxd678efh567hg6787",
  timeStamp: "1796156740",
  nonceStr: "96A00C93B6804A5773510DAC65315148",
  package: "prepay_id=wx202612020425409e1c3ac985d698b25d04",
  signType: "RSA",
  paySign:
    "FIuYdFfLjJPqjpNd3C0wf74mDqZ9o72mXvUxydwiHY5j1XlvZq319MagmyzFz5/Iv9ZYYWlv6oq3uMPxKcJF335mRA09fkOotqd22RPydQdmZGz9htLDecmDKZ09msdOSJmuTBQ5uIyhl503n6EsB6nZWGxkZnEfMdSdXVWhbYQkGYYN+AlTto2toYQdm6aq8HrzK1df+vDgyuULTo3YevegxMwK7XP62rbmO5MNpdkY6irzVltjvraNm6HSH8Xss1kubc+Y2MU8qBNEc5Kl1LObuXebfTevgiojYfyPc322lAipjCj5hTaZoVsUDC2zxmYFON4f2Z4yqdVPN9hNSg==",
};

/** my.tradePay's one parameter (reference A.2): the trade_no of alipay.trade.create. */
export const TRADE_PAY_EXAMPLE = { tradeNO: "2026120322001481940500000001" };
