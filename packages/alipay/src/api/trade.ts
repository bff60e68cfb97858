import type { Fen } from "../amounts.ts";
import { AlipayRequestValidationError } from "../errors.ts";
import type { GatewayResult } from "../response.ts";
import type { GatewayCall } from "../transport.ts";
import { fen, requiredFen, requiredText, text } from "./read.ts";
import * as check from "./validate.ts";

/** Sends one call; the client binds it to its options. */
export type Call = (call: GatewayCall) => Promise<GatewayResult>;

export interface TradeRef {
  out_trade_no?: string;
  trade_no?: string;
}

/** `alipay.trade.create` for a mini program (reference A.1). */
export interface TradeCreateRequest {
  out_trade_no: string;
  /** Integer fen; sent as a yuan string with two decimals. */
  total_amount: Fen;
  subject: string;
  /** Exactly one: the legacy 2088… user id, or the OpenID-style id (A.1, A.6). */
  buyer_id?: string;
  buyer_open_id?: string;
  /** Default `JSAPI_PAY`, the current docs' product for mini-program payment. */
  product_code?: string;
  /** The mini program the cashier opens in, when another app creates the trade. */
  op_app_id?: string;
  body?: string;
  /** `yyyy-MM-dd HH:mm:ss` (Beijing). A.1: always set a timeout; the default is unknown. */
  time_expire?: string;
  /** Relative, e.g. `90m` (1m-15d). */
  timeout_express?: string;
  notify_url?: string;
}

export interface TradeCreateResult {
  /** Hand it to `my.tradePay({ tradeNO })` (A.2). */
  trade_no: string;
  out_trade_no: string;
}

export interface TradeQueryRequest extends TradeRef {
  query_options?: string[];
}

/** `alipay.trade.query` (A.5); amounts in fen. */
export interface TradeQueryResult {
  trade_no: string;
  out_trade_no: string;
  /** WAIT_BUYER_PAY, TRADE_SUCCESS, TRADE_FINISHED or TRADE_CLOSED (A.4). */
  trade_status: string;
  total_amount: Fen;
  receipt_amount: Fen | undefined;
  buyer_pay_amount: Fen | undefined;
  point_amount: Fen | undefined;
  invoice_amount: Fen | undefined;
  send_pay_date: string | undefined;
  buyer_user_id: string | undefined;
  buyer_open_id: string | undefined;
  buyer_logon_id: string | undefined;
  raw: GatewayResult;
}

export interface TradeCloseRequest extends TradeRef {
  operator_id?: string;
}

export interface TradeCloseResult {
  trade_no: string | undefined;
  out_trade_no: string | undefined;
}

/** `alipay.trade.refund` (A.5). */
export interface TradeRefundRequest extends TradeRef {
  refund_amount: Fen;
  /** One refund request: new for each partial refund, the same when retrying a failed one. */
  out_request_no: string;
  refund_reason?: string;
  operator_id?: string;
}

export interface TradeRefundResult {
  trade_no: string;
  out_trade_no: string;
  /** "Y" when this call moved money; "N" when out_request_no had already been refunded. */
  fund_change: string;
  /** The trade's cumulative refunded amount. */
  refund_fee: Fen;
  gmt_refund_pay: string | undefined;
  send_back_fee: Fen | undefined;
  raw: GatewayResult;
}

/** `alipay.trade.fastpay.refund.query` (A.5). */
export interface RefundQueryRequest extends TradeRef {
  out_request_no: string;
}

export interface RefundQueryResult {
  /** `REFUND_SUCCESS` when done; undefined (an empty answer) means not refunded (yet): retry the refund with the same out_request_no. */
  refund_status: string | undefined;
  refund_amount: Fen | undefined;
  total_amount: Fen | undefined;
  out_request_no: string | undefined;
  trade_no: string | undefined;
  out_trade_no: string | undefined;
  gmt_refund_pay: string | undefined;
  raw: GatewayResult;
}

function defined<T extends Record<string, unknown>>(object: T): Partial<T> {
  return Object.fromEntries(Object.entries(object).filter(([, value]) => value !== undefined)) as Partial<T>;
}

export function tradeApi(call: Call) {
  return {
    async create(request: TradeCreateRequest): Promise<TradeCreateResult> {
      if ((request.buyer_id === undefined) === (request.buyer_open_id === undefined)) {
        throw new AlipayRequestValidationError(
          "buyer_id",
          "give exactly one of buyer_id and buyer_open_id (A.1)",
        );
      }
      const result = await call({
        method: "alipay.trade.create",
        notifyUrl: request.notify_url,
        mutating: true,
        bizContent: defined({
          out_trade_no: check.outTradeNo(request.out_trade_no),
          total_amount: check.tradeAmount(request.total_amount, "total_amount"),
          subject: check.subject(request.subject),
          product_code: request.product_code ?? "JSAPI_PAY",
          buyer_id: request.buyer_id,
          buyer_open_id: request.buyer_open_id,
          op_app_id: request.op_app_id,
          body: check.maxLength("body", request.body, 128),
          time_expire: request.time_expire,
          timeout_express: request.timeout_express,
        }),
      });
      return {
        trade_no: requiredText(result, "trade_no"),
        out_trade_no: requiredText(result, "out_trade_no"),
      };
    },

    async query(request: TradeQueryRequest): Promise<TradeQueryResult> {
      const result = await call({
        method: "alipay.trade.query",
        mutating: false,
        bizContent: { ...check.tradeRef(request), ...defined({ query_options: request.query_options }) },
      });
      return {
        trade_no: requiredText(result, "trade_no"),
        out_trade_no: requiredText(result, "out_trade_no"),
        trade_status: requiredText(result, "trade_status"),
        total_amount: requiredFen(result, "total_amount"),
        receipt_amount: fen(result, "receipt_amount"),
        buyer_pay_amount: fen(result, "buyer_pay_amount"),
        point_amount: fen(result, "point_amount"),
        invoice_amount: fen(result, "invoice_amount"),
        send_pay_date: text(result, "send_pay_date"),
        buyer_user_id: text(result, "buyer_user_id"),
        buyer_open_id: text(result, "buyer_open_id"),
        buyer_logon_id: text(result, "buyer_logon_id"),
        raw: result,
      };
    },

    /** Only a WAIT_BUYER_PAY trade closes; if it fails because the buyer just paid, query (A.5). */
    async close(request: TradeCloseRequest): Promise<TradeCloseResult> {
      const result = await call({
        method: "alipay.trade.close",
        mutating: true,
        bizContent: { ...check.tradeRef(request), ...defined({ operator_id: request.operator_id }) },
      });
      return { trade_no: text(result, "trade_no"), out_trade_no: text(result, "out_trade_no") };
    },

    async refund(request: TradeRefundRequest): Promise<TradeRefundResult> {
      const result = await call({
        method: "alipay.trade.refund",
        mutating: true,
        bizContent: {
          ...check.tradeRef(request),
          refund_amount: check.tradeAmount(request.refund_amount, "refund_amount"),
          out_request_no: check.outRequestNo(request.out_request_no),
          ...defined({
            refund_reason: check.maxLength("refund_reason", request.refund_reason, 256),
            operator_id: request.operator_id,
          }),
        },
      });
      return {
        trade_no: requiredText(result, "trade_no"),
        out_trade_no: requiredText(result, "out_trade_no"),
        fund_change: requiredText(result, "fund_change"),
        refund_fee: requiredFen(result, "refund_fee"),
        gmt_refund_pay: text(result, "gmt_refund_pay"),
        send_back_fee: fen(result, "send_back_fee"),
        raw: result,
      };
    },

    /** `code=10000` only says the query worked (A.5). */
    async refundQuery(request: RefundQueryRequest): Promise<RefundQueryResult> {
      const result = await call({
        method: "alipay.trade.fastpay.refund.query",
        mutating: false,
        bizContent: {
          ...check.tradeRef(request),
          out_request_no: check.outRequestNo(request.out_request_no),
        },
      });
      return {
        refund_status: text(result, "refund_status"),
        refund_amount: fen(result, "refund_amount"),
        total_amount: fen(result, "total_amount"),
        out_request_no: text(result, "out_request_no"),
        trade_no: text(result, "trade_no"),
        out_trade_no: text(result, "out_trade_no"),
        gmt_refund_pay: text(result, "gmt_refund_pay"),
        raw: result,
      };
    },
  };
}
