import { getAppRefund } from "../../app/merchant/refunds.ts";
import { ANY_REQUEST, errorResponses } from "../mini-program/route-errors.ts";
import type { KassaApp } from "../server.ts";
import type { MerchantContext } from "./context.ts";
import { RefundIdParams, RefundViewSchema } from "./refund-schemas.ts";
import { MERCHANT_KEY } from "./route-errors.ts";

/** GET /merchant/v1/refunds/:refundId */
export function registerRefundsGet(app: KassaApp, context: MerchantContext): void {
  app.get(
    "/merchant/v1/refunds/:refundId",
    {
      schema: {
        summary: "Read one refund",
        tags: ["merchant"],
        security: [{ merchantKey: [] }],
        params: RefundIdParams,
        response: {
          200: RefundViewSchema,
          ...errorResponses([...ANY_REQUEST, ...MERCHANT_KEY, "MERCHANT_KEY_SCOPE", "REFUND_NOT_FOUND"]),
        },
      },
    },
    async (request) =>
      getAppRefund(context.deps, { appId: request.merchant.appId, refundId: request.params.refundId }),
  );
}
