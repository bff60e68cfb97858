import { closeOrder } from "../domain/orders.ts";
import { checkOutTradeNoInPath } from "../domain/prepay-request.ts";
import type { MerchantEndpoint } from "../http/merchant-endpoint.ts";
import { paramError } from "../wechat-error.ts";

/**
 * §5.3 `POST /v3/pay/transactions/out-trade-no/{out_trade_no}/close` with `{"mchid"}` →
 * 204, also when the order is unknown or already closed (only the format is checked).
 */
export const closeOrderEndpoint: MerchantEndpoint = {
  name: "transactions.close",
  method: "POST",
  url: "/v3/pay/transactions/out-trade-no/:out_trade_no/close",
  async handle({ ctx, merchant, params, jsonBody }) {
    const outTradeNo = params.out_trade_no ?? "";
    checkOutTradeNoInPath(outTradeNo);
    const mchid = jsonBody().mchid;
    if (typeof mchid !== "string" || mchid.length === 0)
      throw paramError("/mchid", "is required", "body", mchid);
    if (mchid !== merchant.mchid) {
      throw paramError(
        "/mchid",
        `must be the mchid that signed the request (${merchant.mchid})`,
        "body",
        mchid,
      );
    }
    await closeOrder(ctx, merchant.mchid, outTradeNo);
    return { status: 204 };
  },
};
