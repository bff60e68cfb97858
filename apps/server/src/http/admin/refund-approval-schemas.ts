import { Type } from "typebox";
import { REFUND_APPROVAL_STATUSES } from "../../domain/refund-approval.ts";

const NullableText = Type.Union([Type.String(), Type.Null()]);

export const RefundApprovalSchema = Type.Object({
  id: Type.String({ description: "`rap_…`" }),
  orderId: Type.String(),
  amountFen: Type.Integer(),
  amountYuan: Type.String(),
  reason: NullableText,
  returnStock: Type.Boolean(),
  status: Type.String({
    enum: [...REFUND_APPROVAL_STATUSES],
    description: "PENDING until a second operator decides: APPROVED (the refund is `refundId`) or REJECTED",
  }),
  requestedBy: Type.String({ description: "The operator who asked for it (the maker)" }),
  requestedAt: Type.String(),
  decidedBy: Type.Union([Type.String(), Type.Null()], { description: "The second operator (the checker)" }),
  decidedAt: NullableText,
  decisionNote: NullableText,
  refundId: Type.Union([Type.String(), Type.Null()], { description: "The refund an approval made" }),
});

export const ApprovalIdParams = Type.Object({
  approvalId: Type.String({ maxLength: 64, description: "The approval's `id`" }),
});
