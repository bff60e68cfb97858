/**
 * Request and response models of the endpoints in reference §5 and §7.2, field names as
 * on the wire. Amounts are integer fen everywhere (§5.1 `amount.total`).
 */

/** Integer fen (1 = ¥0.01). */
export type Fen = number;

/** §5.1 JSAPI / mini-program prepay. `appid` and `mchid` are filled in by the client. */
export interface JsapiPrepayRequest {
  description: string;
  out_trade_no: string;
  /** RFC 3339 with offset; only settable on the first call (§5.1). */
  time_expire?: string;
  attach?: string;
  notify_url: string;
  goods_tag?: string;
  support_fapiao?: boolean;
  amount: { total: Fen; currency?: "CNY" };
  payer: { openid: string };
  detail?: {
    cost_price?: Fen;
    invoice_id?: string;
    goods_detail?: {
      merchant_goods_id: string;
      wechatpay_goods_id?: string;
      goods_name?: string;
      quantity: number;
      unit_price: Fen;
    }[];
  };
  scene_info?: {
    payer_client_ip: string;
    device_id?: string;
    store_info?: { id: string; name?: string; area_code?: string; address?: string };
  };
  settle_info?: { profit_sharing?: boolean };
}

export interface JsapiPrepayResponse {
  prepay_id: string;
}

/** §5.2 trade_state; the micropay-only states are listed because queries may return them. */
export type TradeState = "SUCCESS" | "REFUND" | "NOTPAY" | "CLOSED" | "REVOKED" | "USERPAYING" | "PAYERROR";

export interface PromotionDetail {
  coupon_id: string;
  name?: string;
  scope?: "GLOBAL" | "SINGLE";
  type?: "CASH" | "NOCASH";
  amount: Fen;
  stock_id?: string;
  wechatpay_contribute?: Fen;
  merchant_contribute?: Fen;
  other_contribute?: Fen;
  currency?: string;
  goods_detail?: unknown[];
}

/** §5.2 query response, and the decrypted payment notification (§4.3). */
export interface Transaction {
  appid: string;
  mchid: string;
  out_trade_no: string;
  transaction_id?: string;
  trade_type?: "JSAPI" | "NATIVE" | "APP" | "MICROPAY" | "MWEB" | "FACEPAY";
  trade_state: TradeState;
  trade_state_desc: string;
  bank_type?: string;
  attach?: string;
  success_time?: string;
  payer?: { openid: string };
  amount?: { total: Fen; payer_total?: Fen; currency?: string; payer_currency?: string };
  scene_info?: { device_id?: string };
  promotion_detail?: PromotionDetail[];
}

/** §5.4 refund create. */
export interface RefundRequest {
  transaction_id?: string;
  out_trade_no?: string;
  out_refund_no: string;
  reason?: string;
  notify_url?: string;
  funds_account?: "AVAILABLE";
  amount: {
    refund: Fen;
    total: Fen;
    currency: "CNY";
    from?: { account: "AVAILABLE" | "UNAVAILABLE"; amount: Fen }[];
  };
  goods_detail?: {
    merchant_goods_id: string;
    wechatpay_goods_id?: string;
    goods_name?: string;
    unit_price: Fen;
    refund_amount: Fen;
    refund_quantity: number;
  }[];
}

/** §5.4 refund status; ABNORMAL is not final. */
export type RefundStatus = "SUCCESS" | "CLOSED" | "PROCESSING" | "ABNORMAL";

/** §5.4 / §5.5 Refund object. */
export interface Refund {
  refund_id: string;
  out_refund_no: string;
  transaction_id: string;
  out_trade_no: string;
  channel: "ORIGINAL" | "BALANCE" | "OTHER_BALANCE" | "OTHER_BANKCARD";
  user_received_account: string;
  success_time?: string;
  create_time: string;
  status: RefundStatus;
  funds_account?: "UNSETTLED" | "AVAILABLE" | "UNAVAILABLE" | "OPERATION" | "BASIC" | "ECNY_BASIC";
  amount: {
    total: Fen;
    refund: Fen;
    from?: { account: string; amount: Fen }[];
    payer_total: Fen;
    payer_refund: Fen;
    settlement_refund?: Fen;
    settlement_total?: Fen;
    discount_refund?: Fen;
    currency: string;
    refund_fee?: Fen;
  };
  promotion_detail?: unknown[];
}

/** §4.4 decrypted refund notification: the status field is `refund_status` here. */
export interface RefundNotificationResource {
  mchid: string;
  out_trade_no: string;
  transaction_id: string;
  out_refund_no: string;
  refund_id: string;
  refund_status: "SUCCESS" | "CLOSED" | "ABNORMAL";
  success_time?: string;
  user_received_account?: string;
  amount: { total: Fen; refund: Fen; payer_total: Fen; payer_refund: Fen };
}

/** §5.7 bill application. */
export type TradeBillType =
  | "ALL"
  | "SUCCESS"
  | "REFUND"
  | "RECHARGE_REFUND"
  | "ALL_SPECIAL"
  | "SUC_SPECIAL"
  | "REF_SPECIAL";
export type FundFlowAccountType = "BASIC" | "OPERATION" | "FEES";

export interface BillApplication {
  hash_type: "SHA1";
  hash_value: string;
  download_url: string;
}

/** §7.2 jscode2session success. */
export interface Code2SessionResult {
  openid: string;
  session_key: string;
  unionid?: string;
}
