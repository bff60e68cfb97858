import type { ApiResult } from "../requester.ts";
import type { Transaction } from "../types.ts";
import { encodeUrlComponent } from "../url.ts";
import { checkOutTradeNo, checkTransactionId } from "../validate.ts";
import { type EndpointContext, isRecord, unexpectedAnswer } from "./context.ts";

/** §5.2 `GET /v3/pay/transactions/id/{transaction_id}?mchid=...` */
export async function queryTransactionById(
  context: EndpointContext,
  transactionId: string,
): Promise<ApiResult<Transaction>> {
  checkTransactionId(transactionId);
  const operation = "transactions.queryById";
  const result = await context.requester.call<Transaction>({
    method: "GET",
    path: `/v3/pay/transactions/id/${encodeUrlComponent(transactionId)}`,
    query: { mchid: context.mchid },
    kind: "read",
    operation,
  });
  checkTransaction(operation, result, context.mchid);
  if (result.data.transaction_id !== transactionId) {
    throw unexpectedAnswer(operation, result, "the answer is for another transaction_id");
  }
  return result;
}

/** §5.2 `GET /v3/pay/transactions/out-trade-no/{out_trade_no}?mchid=...` */
export async function queryTransactionByOutTradeNo(
  context: EndpointContext,
  outTradeNo: string,
): Promise<ApiResult<Transaction>> {
  checkOutTradeNo(outTradeNo);
  const operation = "transactions.queryByOutTradeNo";
  const result = await context.requester.call<Transaction>({
    method: "GET",
    // §2: `|` and `*` are legal here and are encoded identically in the signed and sent URL.
    path: `/v3/pay/transactions/out-trade-no/${encodeUrlComponent(outTradeNo)}`,
    query: { mchid: context.mchid },
    kind: "read",
    operation,
  });
  checkTransaction(operation, result, context.mchid);
  if (result.data.out_trade_no !== outTradeNo) {
    throw unexpectedAnswer(operation, result, "the answer is for another out_trade_no");
  }
  return result;
}

/**
 * §5.3 `POST /v3/pay/transactions/out-trade-no/{out_trade_no}/close`, body `{"mchid"}`,
 * 204 on success, also when repeated or for an unknown order: query to confirm.
 */
export async function closeTransaction(
  context: EndpointContext,
  outTradeNo: string,
): Promise<ApiResult<void>> {
  checkOutTradeNo(outTradeNo);
  return context.requester.call<void>({
    method: "POST",
    path: `/v3/pay/transactions/out-trade-no/${encodeUrlComponent(outTradeNo)}/close`,
    body: { mchid: context.mchid },
    kind: "write",
    operation: "transactions.close",
  });
}

/** The fields a caller acts on must be there and be ours (§4.3's checks, applied to queries). */
function checkTransaction(operation: string, result: ApiResult<Transaction>, mchid: string): void {
  const data: unknown = result.data;
  if (!isRecord(data) || typeof data.trade_state !== "string" || typeof data.out_trade_no !== "string") {
    throw unexpectedAnswer(operation, result, "the answer lacks out_trade_no or trade_state");
  }
  if (data.mchid !== mchid) throw unexpectedAnswer(operation, result, "the answer is for another mchid");
}
