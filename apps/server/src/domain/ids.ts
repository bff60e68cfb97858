/**
 * Ids are prefixed strings (design.md convention 12) so a person reading a log knows what
 * an id names. The randomness comes from outside the domain (an `IdSource`).
 */
export const ID_PREFIXES = {
  order: "ord",
  payment: "pay",
  user: "usr",
  session: "ses",
  event: "evt",
  job: "job",
  alert: "alr",
  product: "prd",
  operator: "opr",
  paymentQuery: "pqr",
  reconciliation: "rcn",
  difference: "rdf",
  webhookEndpoint: "whe",
  webhookAttempt: "wha",
  walletTier: "wtr",
  walletAdjustment: "wad",
  refund: "rfd",
  bookingService: "svc",
  bookingSlot: "slt",
  ticket: "tkt",
  refundApproval: "rap",
  tipRecipient: "rcp",
  tipPayout: "pyo",
} as const;

export type IdKind = keyof typeof ID_PREFIXES;

/** Produces the random part: 20+ characters of [0-9a-z], from a CSPRNG in production. */
export interface IdSource {
  random(): string;
}

export function makeId(kind: IdKind, source: IdSource): string {
  return `${ID_PREFIXES[kind]}_${source.random()}`;
}

/** What an id Kassa made for `kind` can look like: a cursor or path naming anything else is refused unread. */
export function idPattern(kind: IdKind): RegExp {
  return new RegExp(`^${ID_PREFIXES[kind]}_[0-9a-z]{1,60}$`);
}

/**
 * Kassa's id of an app (a mini program), chosen by the operator in KASSA_APPS_FILE: it is a
 * path segment of the notify URL, so at most 32 characters (§5.1 caps notify_url at 255).
 */
export const APP_ID_PATTERN = "^app_[0-9a-z_]{1,28}$";

/**
 * A payment's `out_trade_no` at the channel: 6-32 characters of [0-9A-Za-z_-] (reference
 * §5.1; we keep off `|` and `*`, which some pages omit). The first payment of an order
 * takes the order's id (`ord_` + 26 fits), so a merchant finds it in WeChat Pay's pages
 * by the id Kassa shows.
 */
export function outTradeNoFor(orderId: string): string {
  return orderId.replace(/[^0-9A-Za-z_-]/g, "").slice(0, 32);
}
