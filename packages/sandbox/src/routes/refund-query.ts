import { OUT_REFUND_NO_PATTERN } from "../domain/refund-request.ts";
import { toRefund } from "../domain/refund-view.ts";
import { findRefund } from "../domain/refunds.ts";
import type { MerchantEndpoint } from "../http/merchant-endpoint.ts";
import { paramError, WechatApiError } from "../wechat-error.ts";

/** §5.5 `GET /v3/refund/domestic/refunds/{out_refund_no}`: direct merchants pass no mchid. */
export const refundQueryEndpoint: MerchantEndpoint = {
  name: "refund.query",
  method: "GET",
  url: "/v3/refund/domestic/refunds/:out_refund_no",
  async handle({ ctx, merchant, params }) {
    const outRefundNo = params.out_refund_no ?? "";
    if (!OUT_REFUND_NO_PATTERN.test(outRefundNo)) {
      throw paramError(
        "out_refund_no",
        "must be 1 to 64 characters of 0-9, A-Z, a-z, _, -, |, * and @",
        "path",
        outRefundNo,
      );
    }
    const refund = findRefund(ctx, merchant.mchid, outRefundNo);
    if (!refund) {
      throw new WechatApiError(
        "RESOURCE_NOT_EXISTS",
        `退款单不存在: no refund with out_refund_no ${outRefundNo} for this mchid`,
      );
    }
    return { status: 200, body: toRefund(refund) };
  },
};
