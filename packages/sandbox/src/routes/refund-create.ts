import { readRefundRequest } from "../domain/refund-request.ts";
import { toRefund } from "../domain/refund-view.ts";
import { createRefund } from "../domain/refunds.ts";
import type { MerchantEndpoint } from "../http/merchant-endpoint.ts";

/** §5.4 `POST /v3/refund/domestic/refunds` → `200` Refund, `status: PROCESSING` (or the repeat's current state). */
export const refundCreateEndpoint: MerchantEndpoint = {
  name: "refund.create",
  method: "POST",
  url: "/v3/refund/domestic/refunds",
  async handle({ ctx, merchant, jsonBody }) {
    const refund = await createRefund(
      ctx,
      merchant,
      readRefundRequest(jsonBody(), ctx.config.httpNotifyUrls),
    );
    return { status: 200, body: toRefund(refund) };
  },
};
