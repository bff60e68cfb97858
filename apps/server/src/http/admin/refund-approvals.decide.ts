import { Type } from "typebox";
import { approveConsoleRefund, rejectConsoleRefund } from "../../app/admin/console-refunds.ts";
import { findRefundApproval } from "../../db/refund-approvals-repo.ts";
import { KassaError } from "../../domain/errors.ts";
import { RefundViewSchema } from "../merchant/refund-schemas.ts";
import { ANY_REQUEST, errorResponses, JSON_BODY } from "../mini-program/route-errors.ts";
import type { KassaApp } from "../server.ts";
import type { AdminContext } from "./context.ts";
import { operatorSees } from "./plugin.ts";
import { ApprovalIdParams, RefundApprovalSchema } from "./refund-approval-schemas.ts";
import { ADMIN_CHANGE, NoteBody } from "./schemas.ts";

const DECISION_ERRORS = [
  ...ANY_REQUEST,
  ...JSON_BODY,
  ...ADMIN_CHANGE,
  "REFUND_APPROVAL_NOT_FOUND",
  "REFUND_APPROVAL_OWN",
  "REFUND_APPROVAL_DECIDED",
] as const;

/**
 * POST /admin/v1/refund-approvals/:approvalId/approve and /reject: the second operator's
 * decision (maker-checker). Approving makes the refund, through the one refund path.
 */
export function registerAdminRefundApprovalsDecide(app: KassaApp, context: AdminContext): void {
  const pending = async (operator: Parameters<typeof operatorSees>[0], approvalId: string) => {
    const approval = await findRefundApproval(context.deps.db, approvalId);
    if (!approval || !operatorSees(operator, approval.app_id))
      throw new KassaError("REFUND_APPROVAL_NOT_FOUND");
    return approval;
  };
  app.post(
    "/admin/v1/refund-approvals/:approvalId/approve",
    {
      config: { permission: "refunds.approve" },
      schema: {
        summary: "Approve a refund another operator asked for; it is made at once",
        tags: ["admin"],
        security: [{ adminSession: [] }],
        params: ApprovalIdParams,
        body: NoteBody,
        response: {
          200: Type.Object({ approval: RefundApprovalSchema, refund: RefundViewSchema }),
          ...errorResponses([
            ...DECISION_ERRORS,
            "ADMIN_REFUND_ABOVE_ROLE_LIMIT",
            "ORDER_NOT_REFUNDABLE",
            "REFUND_AMOUNT_TOO_LARGE",
          ]),
        },
      },
    },
    async (request) => {
      const approval = await pending(request.operator, request.params.approvalId);
      return approveConsoleRefund(
        context.deps,
        { operator: request.operator, address: request.ip },
        approval,
        request.body.note ?? null,
      );
    },
  );
  app.post(
    "/admin/v1/refund-approvals/:approvalId/reject",
    {
      config: { permission: "refunds.approve" },
      schema: {
        summary: "Reject a refund another operator asked for; nothing is refunded",
        tags: ["admin"],
        security: [{ adminSession: [] }],
        params: ApprovalIdParams,
        body: NoteBody,
        response: { 200: RefundApprovalSchema, ...errorResponses([...DECISION_ERRORS]) },
      },
    },
    async (request) => {
      const approval = await pending(request.operator, request.params.approvalId);
      return rejectConsoleRefund(
        context.deps,
        { operator: request.operator, address: request.ip },
        approval,
        request.body.note ?? null,
      );
    },
  );
}
