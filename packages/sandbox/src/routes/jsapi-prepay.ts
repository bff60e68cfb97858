import { prepay } from "../domain/prepay.ts";
import { readPrepayRequest } from "../domain/prepay-request.ts";
import type { MerchantEndpoint } from "../http/merchant-endpoint.ts";

/** §5.1 `POST /v3/pay/transactions/jsapi` → `200 {"prepay_id": "wx..."}`. */
export const jsapiPrepayEndpoint: MerchantEndpoint = {
  name: "jsapi.prepay",
  method: "POST",
  url: "/v3/pay/transactions/jsapi",
  async handle({ ctx, merchant, jsonBody }) {
    const request = readPrepayRequest(jsonBody(), ctx.config.httpNotifyUrls);
    const prepayId = await prepay(ctx, merchant, request);
    return { status: 200, body: { prepay_id: prepayId } };
  },
};
