import { findOrder, findOrderByTransactionId } from "../domain/orders.ts";
import { checkOutTradeNoInPath } from "../domain/prepay-request.ts";
import { toTransaction } from "../domain/transaction-view.ts";
import type { MerchantCall, MerchantEndpoint } from "../http/merchant-endpoint.ts";
import type { MerchantRecord } from "../identity/merchant-record.ts";
import { paramError, WechatApiError } from "../wechat-error.ts";
import { withQueryFault } from "./query-faults.ts";

/**
 * §5.2 queries: `GET /v3/pay/transactions/id/{transaction_id}?mchid=` and
 * `GET /v3/pay/transactions/out-trade-no/{out_trade_no}?mchid=`, answering the
 * Transaction shape, or 404 ORDER_NOT_EXIST.
 */

export const queryByOutTradeNoEndpoint: MerchantEndpoint = {
  name: "transactions.query_by_out_trade_no",
  method: "GET",
  url: "/v3/pay/transactions/out-trade-no/:out_trade_no",
  async handle(call) {
    const outTradeNo = call.params.out_trade_no ?? "";
    checkOutTradeNoInPath(outTradeNo);
    checkMchidQuery(call, call.merchant);
    const order = findOrder(call.ctx, call.merchant.mchid, outTradeNo);
    if (!order) throw notFound(`out_trade_no ${outTradeNo}`);
    return {
      status: 200,
      body: withQueryFault(call.ctx, call.merchant.mchid, outTradeNo, toTransaction(order)),
    };
  },
};

export const queryByTransactionIdEndpoint: MerchantEndpoint = {
  name: "transactions.query_by_id",
  method: "GET",
  url: "/v3/pay/transactions/id/:transaction_id",
  async handle(call) {
    const transactionId = call.params.transaction_id ?? "";
    checkMchidQuery(call, call.merchant);
    // §5.8: a malformed transaction_id is 500 INVALID_TRANSACTIONID (not retryable).
    if (!/^\d{1,32}$/.test(transactionId)) {
      throw new WechatApiError(
        "INVALID_TRANSACTIONID",
        `transaction_id ${transactionId} is not a WeChat Pay order number`,
      );
    }
    const order = findOrderByTransactionId(call.ctx, call.merchant.mchid, transactionId);
    if (!order) throw notFound(`transaction_id ${transactionId}`);
    return {
      status: 200,
      body: withQueryFault(call.ctx, call.merchant.mchid, order.outTradeNo, toTransaction(order)),
    };
  },
};

function checkMchidQuery(call: MerchantCall, merchant: MerchantRecord): void {
  const mchid = call.query.mchid;
  if (!mchid) throw paramError("mchid", "is required in the query string", "query");
  if (mchid !== merchant.mchid) {
    throw paramError(
      "mchid",
      `must be the mchid that signed the request (${merchant.mchid})`,
      "query",
      mchid,
    );
  }
}

function notFound(what: string): WechatApiError {
  return new WechatApiError("ORDER_NOT_EXIST", `no order with ${what}; it was never created with this mchid`);
}
