import {
  applyFundFlowBill,
  applyTradeBill,
  downloadFundFlowBill,
  downloadFundFlowBillFile,
  downloadTradeBill,
  downloadTradeBillFile,
  type FundFlowBillQuery,
  type TradeBillQuery,
} from "./api/bill.ts";
import { downloadCertificates } from "./api/certificates.ts";
import type { EndpointContext } from "./api/context.ts";
import { type PrepayWithRequestPayment, prepayJsapi, prepayWithRequestPayment } from "./api/jsapi.ts";
import { createRefund, queryRefund } from "./api/refunds.ts";
import { closeTransaction, queryTransactionById, queryTransactionByOutTradeNo } from "./api/transactions.ts";
import type { BillFileOptions, CheckedBillFile } from "./bill/bill-download.ts";
import type { FundFlowBill } from "./bill/fund-flow-bill.ts";
import type { TradeBill } from "./bill/trade-bill.ts";
import { resolveClientConfig, type WechatPayClientOptions } from "./client-options.ts";
import type { HeaderSource } from "./headers.ts";
import { WechatPayKeyring } from "./keyring.ts";
import { code2Session } from "./login.ts";
import { parseNotification, type WechatPayNotification } from "./notify.ts";
import { buildRequestPaymentParams, type RequestPaymentParams } from "./pay-sign.ts";
import type { ApiRequester } from "./requester.ts";
import { SignedRequester } from "./requester-impl.ts";
import type {
  BillApplication,
  Code2SessionResult,
  JsapiPrepayRequest,
  JsapiPrepayResponse,
  Refund,
  RefundRequest,
  Transaction,
} from "./types.ts";
import { checkPrepayId } from "./validate.ts";

export interface WechatPayClient {
  readonly mchid: string;
  readonly appid: string;
  /** The WeChat Pay keys answers and notifications are verified with (§3.4). */
  readonly keyring: WechatPayKeyring;
  /** The signed, retrying, verifying seam the endpoint functions use (bills build on it). */
  readonly requester: ApiRequester;
  readonly jsapi: {
    /** §5.1 */
    prepay(request: JsapiPrepayRequest): Promise<JsapiPrepayResponse>;
    /** §5.1 + §7.1: prepay and the signed `wx.requestPayment` parameters. */
    prepayWithRequestPayment(request: JsapiPrepayRequest): Promise<PrepayWithRequestPayment>;
  };
  readonly transactions: {
    /** §5.2 */
    queryById(transactionId: string): Promise<Transaction>;
    /** §5.2 */
    queryByOutTradeNo(outTradeNo: string): Promise<Transaction>;
    /** §5.3: resolves on 204. */
    close(outTradeNo: string): Promise<void>;
  };
  readonly refunds: {
    /** §5.4 */
    create(request: RefundRequest): Promise<Refund>;
    /** §5.5 */
    queryByOutRefundNo(outRefundNo: string): Promise<Refund>;
  };
  readonly bills: {
    /** §5.7: apply for a trade bill; the answer carries its SHA-1 and a short-lived download_url. */
    applyTradeBill(query: TradeBillQuery): Promise<BillApplication>;
    /** §5.7 */
    applyFundFlowBill(query: FundFlowBillQuery): Promise<BillApplication>;
    /**
     * §5.7: apply, download to a temporary file as a stream, gunzip if asked, check the
     * SHA-1. Stream it with `streamTradeBill(file.lines())`; `file.remove()` when done.
     */
    downloadTradeBillFile(query: TradeBillQuery, options?: BillFileOptions): Promise<CheckedBillFile>;
    /** §5.7, the same for a fund-flow bill. */
    downloadFundFlowBillFile(query: FundFlowBillQuery, options?: BillFileOptions): Promise<CheckedBillFile>;
    /** §5.7: the above, then the whole bill parsed by header name into memory. */
    downloadTradeBill(query: TradeBillQuery): Promise<TradeBill>;
    /** §5.7 */
    downloadFundFlowBill(query: FundFlowBillQuery): Promise<FundFlowBill>;
  };
  readonly login: {
    /** §7.2; needs `appSecret`. Keep `session_key` on the server. */
    code2Session(jsCode: string): Promise<Code2SessionResult>;
  };
  readonly notifications: {
    /** §4: verify with the keyring, decrypt with the APIv3 key, over the RAW body. */
    parse(headers: HeaderSource, rawBody: string | Buffer): Promise<WechatPayNotification>;
  };
  /** §7.1: `wx.requestPayment` parameters for a prepay_id of this appid. */
  requestPayment(prepayId: string): Promise<RequestPaymentParams>;
}

/** The one entry point: parses and checks every option once, then never again. */
export function createWechatPayClient(options: WechatPayClientOptions): WechatPayClient {
  const config = resolveClientConfig(options);
  // The keyring downloads through the requester, and the requester verifies with the
  // keyring: the closure reads `signedRequester` only when a download happens, after both exist.
  const keyring: WechatPayKeyring = new WechatPayKeyring({
    clock: config.clock,
    ...(config.wechatPayPublicKey ? { publicKey: config.wechatPayPublicKey } : {}),
    ...(Array.isArray(config.platformCertificates) ? { certificatePems: config.platformCertificates } : {}),
    ...(config.platformCertificates === "download"
      ? {
          certificates: {
            apiV3Key: config.apiV3Key,
            download: () => downloadCertificates(signedRequester),
          },
        }
      : {}),
  });
  const signedRequester: SignedRequester = new SignedRequester(config, keyring);
  const context: EndpointContext = {
    requester: signedRequester,
    mchid: config.mchid,
    appid: config.appid,
    // A simulator on loopback delivers notifications on loopback too.
    allowLoopbackNotifyUrl: config.baseUrl.protocol === "http:",
  };
  // Built once: the prepay-with-paySign path reuses it on every call.
  const paymentContext = {
    ...context,
    merchantPrivateKey: config.signer.privateKey,
    clock: config.clock,
    signing: config.signing,
  };
  const downloadsCertificates = config.platformCertificates === "download";
  const parseWithKeyring = (headers: HeaderSource, rawBody: string | Buffer) =>
    parseNotification(headers, rawBody, { keys: keyring, apiV3Key: config.apiV3Key, now: config.clock() });

  return {
    mchid: config.mchid,
    appid: config.appid,
    keyring,
    requester: signedRequester,
    jsapi: {
      prepay: async (request) => (await prepayJsapi(context, request)).data,
      prepayWithRequestPayment: async (request) =>
        (await prepayWithRequestPayment(paymentContext, request)).data,
    },
    transactions: {
      queryById: async (id) => (await queryTransactionById(context, id)).data,
      queryByOutTradeNo: async (outTradeNo) => (await queryTransactionByOutTradeNo(context, outTradeNo)).data,
      close: async (outTradeNo) => {
        await closeTransaction(context, outTradeNo);
      },
    },
    refunds: {
      create: async (request) => (await createRefund(context, request)).data,
      queryByOutRefundNo: async (outRefundNo) => (await queryRefund(context, outRefundNo)).data,
    },
    bills: {
      applyTradeBill: (query) => applyTradeBill(context, query),
      applyFundFlowBill: (query) => applyFundFlowBill(context, query),
      downloadTradeBillFile: (query, options) => downloadTradeBillFile(context, query, options),
      downloadFundFlowBillFile: (query, options) => downloadFundFlowBillFile(context, query, options),
      downloadTradeBill: (query) => downloadTradeBill(context, query),
      downloadFundFlowBill: (query) => downloadFundFlowBill(context, query),
    },
    login: {
      code2Session: (jsCode) =>
        code2Session(
          {
            transport: config.transport,
            loginBaseUrl: config.loginBaseUrl,
            appid: config.appid,
            appSecret: config.appSecret,
            timeoutMs: config.timeoutMs,
            userAgent: config.userAgent,
          },
          jsCode,
        ),
    },
    notifications: {
      // Public-key mode has nothing to fetch: no wait before verifying.
      parse: (headers, rawBody) =>
        downloadsCertificates
          ? signedRequester.ensureVerificationKeys().then(() => parseWithKeyring(headers, rawBody))
          : parseWithKeyring(headers, rawBody),
    },
    requestPayment: async (prepayId) => {
      checkPrepayId(prepayId);
      // `return await`: one microtask fewer than returning the promise from an async function.
      return await buildRequestPaymentParams({
        appId: config.appid,
        prepayId,
        privateKey: config.signer.privateKey,
        now: config.clock(),
        signing: config.signing,
      });
    },
  };
}
