/**
 * What each operator role may do (issue 12): one table, read by every admin route on the
 * server, so the console's hidden buttons are never the only guard. Roles are not a ladder:
 * support acts on orders, finance on money, admin on the deployment; each sees what it acts
 * on. Every operator is also scoped to apps (operators.app_ids).
 */
export const OPERATOR_ROLES = ["viewer", "support", "finance", "admin"] as const;
export type OperatorRole = (typeof OPERATOR_ROLES)[number];

export const PERMISSIONS = {
  /** One's own session: who am I, log out. */
  "session.read": ["viewer", "support", "finance", "admin"],
  /** Orders, payments, their timelines. */
  "orders.read": ["viewer", "support", "finance", "admin"],
  "alerts.read": ["viewer", "support", "finance", "admin"],
  /** The dashboard's sums: what a viewer of the orders could add up. */
  "stats.read": ["viewer", "support", "finance", "admin"],
  "alerts.acknowledge": ["support", "finance", "admin"],
  "operators.read": ["admin"],
  "operators.manage": ["admin"],
  "audit.read": ["admin", "finance"],
  /** Every refund of an app and the approvals waiting: what support and finance act on. */
  "refunds.read": ["viewer", "support", "finance", "admin"],
  /** Ask for a refund; support only up to KASSA_SUPPORT_REFUND_MAX_FEN (roleRefundLimit). */
  "refunds.request": ["support", "finance", "admin"],
  /** Decide a refund above the approval threshold, as the second operator (never the maker). */
  "refunds.approve": ["finance", "admin"],
  /** Close an unpaid order, or ask the channel again what happened to its payment. */
  "orders.act": ["support", "finance", "admin"],
  /** Wallets hold the merchant's debt to payers: money, so finance's. */
  "wallets.read": ["finance", "admin"],
  "wallets.adjust": ["finance", "admin"],
  /** Services, slots and their bookings with check-ins: what support answers payers about. */
  "bookings.read": ["viewer", "support", "finance", "admin"],
  /** Tip recipients with what the merchant owes them, their tips and payouts: money, as wallets. */
  "tips.read": ["finance", "admin"],
  /** The daily reports against the channel's bills, and running a day again: the books', finance's. */
  "reconciliation.read": ["finance", "admin"],
  "reconciliation.rerun": ["finance", "admin"],
  /** Webhook endpoints are the deployment's wiring: admin's (issue 12). */
  "webhooks.read": ["admin"],
  "webhooks.replay": ["admin"],
  /**
   * The settings page: each app's channel accounts (ids, serials, fingerprints, expiry; never
   * a secret), its allow-lists and its API keys. The deployment's wiring, as webhooks are, so
   * reading it is admin's too: an account's serials and key prefixes are no one else's work.
   */
  "settings.read": ["admin"],
  /** Run the config check (the doctor's checks): it signs a read-only call at each channel. */
  "settings.check": ["admin"],
  /** Make and revoke merchant API keys: whoever holds one acts as the merchant's servers. */
  "apiKeys.manage": ["admin"],
  /**
   * The products with their prices and stock, and the top-up tiers: what every payer sees in
   * the mini program, and what support answers payers about, so every role reads them.
   */
  "catalog.read": ["viewer", "support", "finance", "admin"],
  /**
   * Change a product's price or stock: the merchant's catalog is its configuration (prices are
   * set in the merchant's systems through the merchant API), so in the console it is admin's,
   * as settings are; support and finance act on orders and money, not on what is sold.
   */
  "catalog.edit": ["admin"],
} as const satisfies Record<string, readonly OperatorRole[]>;

export type Permission = keyof typeof PERMISSIONS;

export function roleMay(role: OperatorRole, permission: Permission): boolean {
  return (PERMISSIONS[permission] as readonly OperatorRole[]).includes(role);
}

export function isOperatorRole(value: string): value is OperatorRole {
  return (OPERATOR_ROLES as readonly string[]).includes(value);
}

/**
 * The most one operator of this role may refund at once (undefined: no limit of its own; the
 * maker-checker threshold still applies). Support refunds small amounts, finance any.
 */
export function roleRefundLimit(role: OperatorRole, supportMaxFen: number): number | undefined {
  return role === "support" ? supportMaxFen : undefined;
}
