import {
  decideRefundApproval,
  insertRefundApproval,
  type RefundApprovalRow,
  setApprovalRefund,
} from "../../db/refund-approvals-repo.ts";
import { inTransaction } from "../../db/transaction.ts";
import { KassaError } from "../../domain/errors.ts";
import { makeId } from "../../domain/ids.ts";
import { formatYuan, toFen } from "../../domain/money.ts";
import { roleRefundLimit } from "../../domain/operator-roles.ts";
import { needsSecondOperator } from "../../domain/refund-approval.ts";
import type { AppDeps } from "../deps.ts";
import { idempotentWrite, type MerchantWrite, type WriteAnswer } from "../merchant/idempotent-write.ts";
import { type RefundView, viewRefund } from "../refund-view.ts";
import { assertRefundable, recordRefundIntent, submitRecordedRefund } from "../request-refund.ts";
import { recordRiskSignal } from "../risk/risk-monitor.ts";
import { type Actor, audit } from "./audit.ts";

export interface ApprovalView {
  id: string;
  orderId: string;
  amountFen: number;
  amountYuan: string;
  reason: string | null;
  returnStock: boolean;
  status: RefundApprovalRow["status"];
  requestedBy: string;
  requestedAt: string;
  decidedBy: string | null;
  decidedAt: string | null;
  decisionNote: string | null;
  refundId: string | null;
}

export function viewApproval(row: RefundApprovalRow): ApprovalView {
  return {
    id: row.id,
    orderId: row.order_id,
    amountFen: row.amount_fen,
    amountYuan: formatYuan(toFen(row.amount_fen)),
    reason: row.reason,
    returnStock: row.return_stock === 1,
    status: row.status,
    requestedBy: row.requested_by,
    requestedAt: new Date(row.requested_at).toISOString(),
    decidedBy: row.decided_by,
    decidedAt: row.decided_at === null ? null : new Date(row.decided_at).toISOString(),
    decisionNote: row.decision_note,
    refundId: row.refund_id,
  };
}

/** A console refund's answer: made (and submitted), or waiting for a second operator. */
export type ConsoleRefundAnswer =
  | { outcome: "refund"; refund: RefundView; approval: null }
  | { outcome: "approval"; refund: null; approval: ApprovalView };

export interface ConsoleRefundRequest {
  appId: string;
  orderId: string;
  amountFen: number;
  reason: string | undefined;
  returnStock: boolean;
}

/**
 * An operator refunds part or all of an order (issue 12), through the merchant API's one
 * refund path (request-refund.ts). Support may refund up to its limit; a refund above the
 * maker-checker threshold is not made but waits for a second operator. The Idempotency-Key
 * (the console sends one per dialog) makes a double click one refund: the second click gets
 * the first answer back.
 */
export async function requestConsoleRefund(
  deps: AppDeps,
  actor: Actor,
  write: MerchantWrite,
  input: ConsoleRefundRequest,
): Promise<WriteAnswer & { replayed: boolean }> {
  assertWithinRoleLimit(deps, actor, input.amountFen);
  const waits = needsSecondOperator(input.amountFen, deps.settings.consoleRefunds.approvalAboveFen);
  const answer = await idempotentWrite(
    deps,
    { ...write, scope: `operator:${actor.operator.id}` },
    async (trx) => {
      const inTrx = { ...deps, db: trx };
      if (waits) {
        await assertRefundable(trx, input);
        const now = deps.clock.now();
        const row: RefundApprovalRow = {
          id: makeId("refundApproval", deps.ids),
          app_id: input.appId,
          order_id: input.orderId,
          amount_fen: input.amountFen,
          reason: input.reason ?? null,
          return_stock: input.returnStock ? 1 : 0,
          status: "PENDING",
          requested_by: actor.operator.id,
          requested_at: now,
          decided_by: null,
          decided_at: null,
          decision_note: null,
          refund_id: null,
        };
        await insertRefundApproval(trx, row);
        const approval = viewApproval(row);
        await audit(inTrx, actor, {
          action: "refund.approval_request",
          objectType: "refund_approval",
          objectId: row.id,
          appId: input.appId,
          after: { orderId: input.orderId, amountFen: input.amountFen, reason: row.reason },
        });
        return { status: 202, body: { outcome: "approval", refund: null, approval } };
      }
      const refund = await recordRefundIntent(deps, trx, input);
      await audit(inTrx, actor, {
        action: "refund.create",
        objectType: "refund",
        objectId: refund.id,
        appId: input.appId,
        after: { orderId: input.orderId, amountFen: input.amountFen, reason: refund.reason },
      });
      return { status: 201, body: { outcome: "refund", refund: viewRefund(refund), approval: null } };
    },
  );
  const body = answer.body as ConsoleRefundAnswer;
  // An operator asked for a refund (made now, or waiting for approval): the risk rule counts
  // it after the request committed; a replay of the same request is not a second one.
  if (!answer.replayed)
    await recordRiskSignal(deps, "refund_requested", { appId: input.appId, operator: actor.operator.id });
  if (answer.replayed || body.outcome === "approval") return answer;
  return { ...answer, body: { ...body, refund: await submitRecordedRefund(deps, body.refund.id) } };
}

/**
 * The second operator approves: in one transaction the approval moves to APPROVED and the
 * refund's intent is recorded (reserving the amount, so a refund made meanwhile that took it
 * refuses this one, and the approval stays PENDING); then the refund is submitted as any
 * other. The maker can never decide their own (here, and by the database's CHECK).
 */
export async function approveConsoleRefund(
  deps: AppDeps,
  actor: Actor,
  approval: RefundApprovalRow,
  note: string | null,
): Promise<{ approval: ApprovalView; refund: RefundView }> {
  assertSecondOperator(actor, approval);
  assertWithinRoleLimit(deps, actor, approval.amount_fen);
  const refundId = await inTransaction(deps.db, async (trx) => {
    const now = deps.clock.now();
    const decided = await decideRefundApproval(trx, {
      approval,
      event: "approved",
      operatorId: actor.operator.id,
      note,
      now,
    });
    if (!decided) throw new KassaError("REFUND_APPROVAL_DECIDED", { status: "decided" });
    const refund = await recordRefundIntent(deps, trx, {
      appId: approval.app_id,
      orderId: approval.order_id,
      amountFen: approval.amount_fen,
      reason: approval.reason ?? undefined,
      returnStock: approval.return_stock === 1,
    });
    await setApprovalRefund(trx, approval.id, refund.id);
    await audit({ ...deps, db: trx }, actor, {
      action: "refund.approve",
      objectType: "refund_approval",
      objectId: approval.id,
      appId: approval.app_id,
      before: { status: approval.status },
      after: { status: "APPROVED", refundId: refund.id, note },
    });
    return refund.id;
  });
  const refund = await submitRecordedRefund(deps, refundId);
  return {
    approval: viewApproval({
      ...approval,
      status: "APPROVED",
      decided_by: actor.operator.id,
      decided_at: deps.clock.now(),
      decision_note: note,
      refund_id: refundId,
    }),
    refund,
  };
}

/** The second operator says no: nothing was reserved, so nothing is released. */
export async function rejectConsoleRefund(
  deps: AppDeps,
  actor: Actor,
  approval: RefundApprovalRow,
  note: string | null,
): Promise<ApprovalView> {
  assertSecondOperator(actor, approval);
  const now = deps.clock.now();
  await inTransaction(deps.db, async (trx) => {
    const decided = await decideRefundApproval(trx, {
      approval,
      event: "rejected",
      operatorId: actor.operator.id,
      note,
      now,
    });
    if (!decided) throw new KassaError("REFUND_APPROVAL_DECIDED", { status: "decided" });
    await audit({ ...deps, db: trx }, actor, {
      action: "refund.reject",
      objectType: "refund_approval",
      objectId: approval.id,
      appId: approval.app_id,
      before: { status: approval.status },
      after: { status: "REJECTED", note },
    });
  });
  return viewApproval({
    ...approval,
    status: "REJECTED",
    decided_by: actor.operator.id,
    decided_at: now,
    decision_note: note,
  });
}

function assertSecondOperator(actor: Actor, approval: RefundApprovalRow): void {
  if (approval.requested_by === actor.operator.id) throw new KassaError("REFUND_APPROVAL_OWN");
  if (approval.status !== "PENDING")
    throw new KassaError("REFUND_APPROVAL_DECIDED", { status: approval.status });
}

function assertWithinRoleLimit(deps: AppDeps, actor: Actor, amountFen: number): void {
  const limitFen = roleRefundLimit(actor.operator.role, deps.settings.consoleRefunds.supportMaxFen);
  if (limitFen !== undefined && amountFen > limitFen)
    throw new KassaError("ADMIN_REFUND_ABOVE_ROLE_LIMIT", { limitFen });
}
