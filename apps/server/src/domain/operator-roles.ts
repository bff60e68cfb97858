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
  /** Webhook endpoints are the deployment's wiring: admin's (issue 12). */
  "webhooks.read": ["admin"],
  "webhooks.replay": ["admin"],
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
