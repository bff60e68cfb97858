import type { MerchantEndpoint } from "../http/merchant-endpoint.ts";
import { fundFlowBillEndpoint, tradeBillEndpoint } from "./bill-apply.ts";
import { billDownloadEndpoint } from "./bill-download.ts";
import { certificatesEndpoint } from "./certificates.ts";
import { jsapiPrepayEndpoint } from "./jsapi-prepay.ts";
import { refundCreateEndpoint } from "./refund-create.ts";
import { refundQueryEndpoint } from "./refund-query.ts";
import { closeOrderEndpoint } from "./transaction-close.ts";
import { queryByOutTradeNoEndpoint, queryByTransactionIdEndpoint } from "./transaction-query.ts";

/** Every WeChat Pay endpoint the simulator serves; a new endpoint is one file plus one line here. */
export const MERCHANT_ENDPOINTS: readonly MerchantEndpoint[] = [
  jsapiPrepayEndpoint,
  queryByOutTradeNoEndpoint,
  queryByTransactionIdEndpoint,
  closeOrderEndpoint,
  certificatesEndpoint,
  refundCreateEndpoint,
  refundQueryEndpoint,
  tradeBillEndpoint,
  fundFlowBillEndpoint,
  billDownloadEndpoint,
];
