import { alipayCertDownload } from "./alipay-cert-download.ts";
import { billDownloadUrlQuery } from "./bills/bill-download.ts";
import type { GatewayMethod } from "./gateway-call.ts";
import { oauthToken } from "./oauth.ts";
import { refundQuery, tradeRefund } from "./refunds.ts";
import { tradeCreate } from "./trade-create.ts";
import { tradeClose, tradeQuery } from "./trade-methods.ts";

/**
 * The methods the gateway answers (reference A.1, A.5, A.6). Each name is also a fault-rule
 * target (e.g. `{"endpoint":"alipay.trade.query","fault":"unavailable"}`). `topLevel`: the
 * method takes its business fields as top-level parameters, not biz_content (A.3).
 */
export interface GatewayMethodEntry {
  handle: GatewayMethod;
  /** The call changes state: the store is committed before the answer goes out. */
  mutating: boolean;
  topLevel?: boolean;
}

export const GATEWAY_METHODS: Readonly<Record<string, GatewayMethodEntry>> = {
  "alipay.trade.create": { handle: tradeCreate, mutating: true },
  "alipay.trade.query": { handle: tradeQuery, mutating: false },
  "alipay.trade.close": { handle: tradeClose, mutating: true },
  "alipay.trade.refund": { handle: tradeRefund, mutating: true },
  "alipay.trade.fastpay.refund.query": { handle: refundQuery, mutating: false },
  "alipay.system.oauth.token": { handle: oauthToken, mutating: true, topLevel: true },
  "alipay.data.dataservice.bill.downloadurl.query": { handle: billDownloadUrlQuery, mutating: true },
  "alipay.open.app.alipaycert.download": { handle: alipayCertDownload, mutating: false },
};
