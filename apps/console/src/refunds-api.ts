/** The admin API's refund shapes, as the console reads them (apps/server/src/http/admin/refund*.ts). */
export interface RefundView {
  id: string;
  orderId: string;
  status: "PROCESSING" | "SUCCESS" | "CLOSED" | "ABNORMAL";
  /** What it goes back through; the list's (GET /admin/v1/refunds), not a refund's answer. */
  channel?: string;
  amountFen: number;
  reason: string | null;
  lastError: string | null;
  createdAt: string;
  succeededAt: string | null;
}

export interface ApprovalView {
  id: string;
  orderId: string;
  amountFen: number;
  reason: string | null;
  status: "PENDING" | "APPROVED" | "REJECTED";
  requestedBy: string;
  requestedAt: string;
  decidedBy: string | null;
  decidedAt: string | null;
  decisionNote: string | null;
  refundId: string | null;
}

export type ConsoleRefundAnswer =
  | { outcome: "refund"; refund: RefundView; approval: null }
  | { outcome: "approval"; refund: null; approval: ApprovalView };

/** What is left to refund: the paid amount less every refund that was not CLOSED. */
export function refundableOf(paidFen: number, refunds: readonly RefundView[]): number {
  return paidFen - refunds.filter((r) => r.status !== "CLOSED").reduce((sum, r) => sum + r.amountFen, 0);
}
