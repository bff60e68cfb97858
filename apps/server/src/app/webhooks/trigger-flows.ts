/**
 * What `trigger` does to make each event happen (trigger-command.ts): the calls a payer's
 * phone makes (the mini program API, then the simulator's cashier as WeChat Pay's), the
 * merchant API calls a merchant's server makes (with its key), and, for a refund's outcome,
 * the simulator's admin API, which plays WeChat Pay deciding it. Nothing is written behind
 * Kassa's back: each event comes from Kassa's own path for it.
 */

export interface TriggerContext {
  kassa: string;
  simulator: string;
  /** The demo merchant's mchid and its app's WeChat appid, whose login codes the simulator mints. */
  mchid: string;
  appid: string;
  /** A merchant API key with write scope, for the triggers that need the merchant API. */
  key: string | undefined;
}

/** A payer logged in at Kassa through the simulator's wx.login stand-in (a fresh openid each time). */
export interface Payer extends TriggerContext {
  token: string;
}

/** A GET, or a POST with `body` (`null`: a POST that takes none, as /pay and /cancel). */
async function call(url: string, body?: unknown, authorization?: string): Promise<Record<string, unknown>> {
  const response = await fetch(url, {
    method: body === undefined ? "GET" : "POST",
    headers: {
      ...(body === undefined || body === null ? {} : { "content-type": "application/json" }),
      ...(authorization ? { authorization: `Bearer ${authorization}` } : {}),
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

export async function logIn(context: TriggerContext): Promise<Payer> {
  const { code } = await call(`${context.simulator}/admin/login-codes`, { appid: context.appid });
  const { token } = await call(`${context.kassa}/v1/session`, { code });
  return { ...context, token: String(token) };
}

const asPayer = (payer: Payer, path: string, body?: unknown) =>
  call(`${payer.kassa}${path}`, body, payer.token);

/** An order of one unit of the first product in stock. */
export async function orderOne(payer: Payer): Promise<string> {
  const { items } = (await call(`${payer.kassa}/v1/catalog`)) as {
    items: { id: string; inStock: boolean }[];
  };
  const product = items.find((item) => item.inStock);
  if (!product) throw new Error("no product in the catalog has stock left");
  const order = await asPayer(payer, "/v1/orders", { items: [{ productId: product.id, quantity: 1 }] });
  return String(order.id);
}

/**
 * The payment loop a mini program runs (docs/api.md): /pay, WeChat Pay's cashier (the
 * simulator's, with the paySign Kassa gave), then /confirm, which asks WeChat Pay.
 */
export async function pay(payer: Payer, orderId: string): Promise<void> {
  const params = await asPayer(payer, `/v1/orders/${orderId}/pay`, null);
  await call(`${payer.simulator}/cashier/api/pay`, { ...params, bankType: "CMB_CREDIT" });
  const order = await asPayer(payer, `/v1/orders/${orderId}/confirm`, null);
  if (order.status !== "PAID") throw new Error(`order ${orderId} is ${String(order.status)} after paying`);
}

export async function cancelOrder(payer: Payer, orderId: string): Promise<void> {
  await asPayer(payer, `/v1/orders/${orderId}/cancel`, null);
}

/** One seat of the first open slot with one left, paid: the booking is CONFIRMED. */
export async function bookAndPay(payer: Payer): Promise<string> {
  const page = (await asPayer(payer, "/v1/booking-slots?limit=50")) as {
    data: { id: string; seatsLeft: number }[];
  };
  const slot = page.data.find((row) => row.seatsLeft > 0);
  if (!slot) throw new Error("no booking slot has a seat left");
  const order = await asPayer(payer, "/v1/bookings", { slotId: slot.id, seats: 1 });
  await pay(payer, String(order.id));
  return String(order.id);
}

export async function cancelBooking(payer: Payer, orderId: string): Promise<void> {
  await asPayer(payer, `/v1/bookings/${orderId}/cancel`, null);
}

/** The merchant checks the payer's ticket in at the door (merchant API, with the key). */
export async function checkIn(payer: Payer, orderId: string): Promise<void> {
  const { booking } = (await asPayer(payer, `/v1/bookings/${orderId}`)) as {
    booking: { ticketCode: string | null };
  };
  if (!booking.ticketCode) throw new Error(`booking ${orderId} has no ticket code`);
  await call(`${payer.kassa}/merchant/v1/bookings/check-in`, { ticketCode: booking.ticketCode }, payer.key);
}

/** The smallest tip the first recipient takes, paid. */
export async function tipAndPay(payer: Payer): Promise<string> {
  const page = (await asPayer(payer, "/v1/tip-recipients?limit=1")) as {
    data: { id: string; minFen: number }[];
  };
  const recipient = page.data[0];
  if (!recipient) throw new Error("the app has no tip recipient");
  const order = await asPayer(payer, "/v1/tips", { recipientId: recipient.id, amountFen: recipient.minFen });
  await pay(payer, String(order.id));
  return String(order.id);
}

/** A top-up of the first tier (the smallest custom amount when there is none), paid. */
export async function topUpAndPay(payer: Payer): Promise<string> {
  const tiers = (await asPayer(payer, "/v1/wallet/tiers")) as {
    data: { id: string }[];
    customAmount: { minFen: number };
  };
  const tier = tiers.data[0];
  const order = await asPayer(
    payer,
    "/v1/wallet/top-ups",
    tier ? { tierId: tier.id } : { amountFen: tiers.customAmount.minFen },
  );
  await pay(payer, String(order.id));
  return String(order.id);
}

/**
 * A paid order refunded in full through the merchant API, then settled by WeChat Pay (the
 * simulator) as `outcome`, at once: its notification makes Kassa apply it.
 */
export async function refundAs(
  payer: Payer,
  outcome: "SUCCESS" | "CLOSED" | "ABNORMAL",
): Promise<{ orderId: string; refundId: string }> {
  const orderId = await orderOne(payer);
  await pay(payer, orderId);
  const { amountFen } = await asPayer(payer, `/v1/orders/${orderId}`);
  const refund = await call(
    `${payer.kassa}/merchant/v1/orders/${orderId}/refunds`,
    { amountFen, reason: "kassa trigger" },
    payer.key,
  );
  if (refund.status === "PROCESSING")
    await call(`${payer.simulator}/admin/refunds/${payer.mchid}/${String(refund.outRefundNo)}/outcome`, {
      outcome,
      settleDelayMs: 0,
    });
  else if (refund.status !== outcome)
    throw new Error(`refund ${String(refund.id)} was answered ${String(refund.status)}, not PROCESSING`);
  return { orderId, refundId: String(refund.id) };
}
