import { rfc3339Beijing, type Transaction } from "@kassa/wechatpay";
import type { OrderRecord } from "./order-record.ts";
import { TRADE_STATE_DESCRIPTIONS } from "./order-state.ts";

/**
 * An order in the §5.2 Transaction shape (the query answer, and the decrypted payment
 * notification of §4.3). `transaction_id`, `trade_type`, `bank_type`, `success_time` and
 * `attach` appear once the order is paid; `attach` is echoed only then (§5.1).
 */
export function toTransaction(order: OrderRecord): Transaction {
  const paid = order.transactionId !== undefined;
  return {
    appid: order.appid,
    mchid: order.mchid,
    out_trade_no: order.outTradeNo,
    ...(paid ? { transaction_id: order.transactionId!, trade_type: "JSAPI" as const } : {}),
    trade_state: order.state,
    trade_state_desc: TRADE_STATE_DESCRIPTIONS[order.state],
    ...(paid ? { bank_type: order.bankType ?? "OTHERS" } : {}),
    ...(paid && order.attach !== undefined ? { attach: order.attach } : {}),
    ...(paid && order.successTime !== undefined ? { success_time: rfc3339Beijing(order.successTime) } : {}),
    payer: { openid: order.payerOpenid },
    amount: paid
      ? {
          total: order.amountTotal,
          payer_total: order.payerTotal ?? order.amountTotal,
          currency: "CNY",
          payer_currency: "CNY",
        }
      : { total: order.amountTotal, currency: "CNY", payer_currency: "CNY" },
    ...(order.deviceId === undefined ? {} : { scene_info: { device_id: order.deviceId } }),
    promotion_detail: [],
  };
}
