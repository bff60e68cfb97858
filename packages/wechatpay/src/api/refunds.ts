import type { ApiResult } from "../requester.ts";
import type { Refund, RefundRequest } from "../types.ts";
import { encodeUrlComponent } from "../url.ts";
import { checkOutRefundNo, validateRefund } from "../validate.ts";
import { type EndpointContext, isRecord, unexpectedAnswer } from "./context.ts";

/** Named so the retry policy can single it out: on 429 it must be queried first (§5.8). */
export const REFUND_CREATE_OPERATION = "refunds.create";

/**
 * §5.4 `POST /v3/refund/domestic/refunds`. A write, idempotent on out_refund_no: "the same
 * out_refund_no refunds only once", so every retry reuses it. A 200 only means accepted;
 * the final status comes from the notification or `queryRefund`.
 */
export async function createRefund(
  context: EndpointContext,
  request: RefundRequest,
): Promise<ApiResult<Refund>> {
  validateRefund(request, { allowLoopbackNotifyUrl: context.allowLoopbackNotifyUrl === true });
  const result = await context.requester.call<Refund>({
    method: "POST",
    path: "/v3/refund/domestic/refunds",
    body: request,
    kind: "write",
    operation: REFUND_CREATE_OPERATION,
  });
  checkRefund(REFUND_CREATE_OPERATION, result, request.out_refund_no);
  return result;
}

/** §5.5 `GET /v3/refund/domestic/refunds/{out_refund_no}`; direct merchants pass no mchid. */
export async function queryRefund(context: EndpointContext, outRefundNo: string): Promise<ApiResult<Refund>> {
  checkOutRefundNo(outRefundNo);
  const operation = "refunds.query";
  const result = await context.requester.call<Refund>({
    method: "GET",
    path: `/v3/refund/domestic/refunds/${encodeUrlComponent(outRefundNo)}`,
    kind: "read",
    operation,
  });
  checkRefund(operation, result, outRefundNo);
  return result;
}

function checkRefund(operation: string, result: ApiResult<Refund>, outRefundNo: string): void {
  const data: unknown = result.data;
  if (!isRecord(data) || typeof data.status !== "string" || typeof data.refund_id !== "string") {
    throw unexpectedAnswer(operation, result, "the answer lacks refund_id or status");
  }
  if (data.out_refund_no !== outRefundNo) {
    throw unexpectedAnswer(operation, result, "the answer is for another out_refund_no");
  }
}
