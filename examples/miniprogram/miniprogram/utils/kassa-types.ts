/**
 * The mini program API's answers and request bodies as this mini program reads and sends
 * them (docs/api.md). Written by hand, the fields this mini program uses only; checked
 * against the OpenAPI document Kassa serves at /docs/json (test/api-types.test.ts), so a
 * renamed, retyped or newly required field fails a test instead of drifting. Money is
 * integer fen; the `…Yuan` strings are Kassa's own rendering, shown as they are.
 */

/** POST /v1/session's body. A wx.login code is WeChat's, so the channel is always named. */
export interface SessionCreateBody {
  code: string;
  channel: "wechatpay";
  app?: string;
}

export interface Session {
  token: string;
  /** ISO 8601 */
  expiresAt: string;
}

/** Every error's body (docs/errors.md). */
export interface KassaErrorBody {
  code: string;
  message: string;
  requestId: string;
  details?: unknown;
}

export type OrderStatus = "PENDING" | "CLOSING" | "CLOSED" | "PAID";
export type OrderKind = "purchase" | "top_up" | "booking" | "tip";

export interface Order {
  id: string;
  kind: OrderKind;
  status: OrderStatus;
  amountFen: number;
  bonusFen: number;
  amountYuan: string;
  description: string;
  lines: { productId: string; name: string; quantity: number; unitPriceFen: number }[];
  createdAt: string;
  expiresAt: string;
  paidAt: string | null;
  transactionId: string | null;
  refundedFen: number;
}

export interface Page<T> {
  data: T[];
  nextCursor: string | null;
}

export interface Catalog {
  items: CatalogItem[];
}

/** POST /v1/orders's body: ids and quantities, never a price. */
export interface OrderCreateBody {
  items: { productId: string; quantity: number }[];
}

export interface CatalogItem {
  id: string;
  name: string;
  priceFen: number;
  priceYuan: string;
  inStock: boolean;
}

/** What POST /v1/orders/:id/pay answers: wx.requestPayment's parameters plus appId (§7.1). */
export interface RequestPaymentParams {
  appId: string;
  timeStamp: string;
  nonceStr: string;
  package: string;
  signType: "RSA";
  paySign: string;
}

export interface Wallet {
  balanceFen: number;
  balanceYuan: string;
}

export interface WalletTier {
  id: string;
  amountFen: number;
  bonusFen: number;
  creditFen: number;
}

export interface WalletTiers {
  data: WalletTier[];
  customAmount: { minFen: number; maxFen: number };
}

/** POST /v1/wallet/top-ups's body: a tier, or an amount the payer typed. */
export type TopUpBody = { tierId: string } | { amountFen: number };

export interface WalletHistoryItem {
  cause: string;
  orderId: string | null;
  description: string;
  amountFen: number;
  amountYuan: string;
  postedAt: string;
}

export interface Slot {
  id: string;
  serviceId: string;
  /** Wall-clock start in `timeZone`, YYYY-MM-DDTHH:mm:ss */
  start: string;
  end: string;
  timeZone: string;
  capacity: number;
  seatsLeft: number;
  priceFen: number;
  priceYuan: string;
  status: "OPEN" | "CLOSED" | "CANCELLED";
}

export interface BookingCreateBody {
  slotId: string;
  seats: number;
}

export interface BookedOrder extends Order {
  booking: { slotId: string; seats: number; status: string; ticketCode: string | null };
}

export interface TipRecipient {
  id: string;
  name: string;
  presetAmountsFen: number[];
  minFen: number;
  maxFen: number;
  dailyCapFen: number;
  tippedTodayFen: number;
  leftTodayFen: number;
}

export interface TipCreateBody {
  recipientId: string;
  amountFen: number;
  message?: string;
}

export interface TippedOrder extends Order {
  tip: { recipientId: string; amountFen: number; message: string | null; status: string };
}

/**
 * Where a payment stands on the page. `paid`, `cancelled`, `failed` and `closed` are Kassa's
 * answer after wx.requestPayment returned; `unknown` means Kassa had not seen the money
 * within the wait: the page offers "check again", never "paid" or "failed" on a guess.
 */
export type PaymentState = "paying" | "paid" | "cancelled" | "failed" | "closed" | "unknown";

export interface PaymentOutcome {
  state: Exclude<PaymentState, "paying">;
  /** Kassa's answer; null only when Kassa could not be asked (then `state` is unknown). */
  order: Order | null;
  /** What wx.requestPayment said (a hint, never the outcome). */
  hint: string;
  /** Why Kassa could not be asked, when it could not. */
  error?: unknown;
}
