/** The admin API's order shapes, as the console reads them (apps/server/src/http/admin/orders.*.ts). */
export interface OrderSummary {
  id: string;
  status: string;
  /** What pays it now (its live payment's channel); absent while it has no payment. */
  channel?: string;
  amountFen: number;
  description: string;
  lines: { productId: string; name: string; quantity: number; unitPriceFen: number }[];
  createdAt: string;
  expiresAt: string;
  paidAt: string | null;
  transactionId: string | null;
  userId: string;
}

export interface OrderDetail extends OrderSummary {
  appId: string;
  payments: {
    id: string;
    channel: string;
    outTradeNo: string;
    status: string;
    amountFen: number;
    createdAt: string;
    prepaidAt: string | null;
    paidAt: string | null;
    transactionId: string | null;
    bankType: string | null;
  }[];
  timeline: { at: string; type: string; paymentId?: string; detail?: Record<string, unknown> }[];
  ledgerEntries: {
    seq: number;
    causeType: string;
    causeId: string;
    description: string;
    postedAt: string;
    postings: { account: string; amountFen: number; side: string }[];
  }[];
}

/** The merchant's day as an interval Kassa can take: Asia/Shanghai is UTC+8 all year (no DST). */
export function dayStartIso(day: string): string {
  return `${day}T00:00:00+08:00`;
}

/** The start of the day after `day` (a YYYY-MM-DD date), in the merchant's zone. */
export function dayAfterIso(day: string): string {
  const next = new Date(Date.parse(`${day}T00:00:00Z`) + 86_400_000).toISOString().slice(0, 10);
  return dayStartIso(next);
}
