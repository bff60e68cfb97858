import type { Selectable } from "kysely";
import { type RefundApprovalEvent, transitionRefundApproval } from "../domain/refund-approval.ts";
import type { Executor } from "./executor.ts";
import type { RefundApprovalsTable } from "./schema.ts";

export type RefundApprovalRow = Selectable<RefundApprovalsTable>;

export async function insertRefundApproval(
  trx: Executor,
  approval: Omit<RefundApprovalRow, "decided_by" | "decided_at" | "decision_note" | "refund_id" | "status">,
): Promise<void> {
  await trx
    .insertInto("refund_approvals")
    .values({
      ...approval,
      status: "PENDING",
      decided_by: null,
      decided_at: null,
      decision_note: null,
      refund_id: null,
    })
    .execute();
}

export async function findRefundApproval(db: Executor, id: string): Promise<RefundApprovalRow | undefined> {
  return db.selectFrom("refund_approvals").selectAll().where("id", "=", id).executeTakeFirst();
}

/**
 * Decide a PENDING approval, as a compare-and-set (design.md convention 2): false when another
 * decision came first (a double click, a second approver), and then nothing was written.
 */
export async function decideRefundApproval(
  trx: Executor,
  change: {
    approval: RefundApprovalRow;
    event: RefundApprovalEvent;
    operatorId: string;
    note: string | null;
    now: number;
  },
): Promise<boolean> {
  const move = transitionRefundApproval(change.approval.status, change.event);
  if (!move.ok) return false;
  const row = await trx
    .updateTable("refund_approvals")
    .set({
      status: move.to,
      decided_by: change.operatorId,
      decided_at: change.now,
      decision_note: change.note,
    })
    .where("id", "=", change.approval.id)
    .where("status", "=", move.from)
    .returning("id")
    .executeTakeFirst();
  return row !== undefined;
}

export async function setApprovalRefund(trx: Executor, approvalId: string, refundId: string): Promise<void> {
  await trx
    .updateTable("refund_approvals")
    .set({ refund_id: refundId })
    .where("id", "=", approvalId)
    .execute();
}

/** An app's approvals, newest first, a page at a time; `status` to see only the waiting ones. */
export async function listRefundApprovals(
  db: Executor,
  query: {
    appId: string;
    status: string | undefined;
    before: { createdAt: number; id: string } | undefined;
    limit: number;
  },
): Promise<RefundApprovalRow[]> {
  let select = db.selectFrom("refund_approvals").selectAll().where("app_id", "=", query.appId);
  if (query.status) select = select.where("status", "=", query.status as RefundApprovalRow["status"]);
  const { before } = query;
  if (before)
    select = select.where((eb) =>
      eb.or([
        eb("requested_at", "<", before.createdAt),
        eb.and([eb("requested_at", "=", before.createdAt), eb("id", "<", before.id)]),
      ]),
    );
  return select.orderBy("requested_at", "desc").orderBy("id", "desc").limit(query.limit).execute();
}
