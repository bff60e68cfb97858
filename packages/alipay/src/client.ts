import { billApi, oauthApi } from "./api/bill-and-login.ts";
import { tradeApi } from "./api/trade.ts";
import { type AlipayTradeBill, readTradeBill } from "./bill.ts";
import { type AlipayClientOptions, type ResolvedOptions, resolveOptions } from "./client-options.ts";
import { AlipayError, AlipayNetworkError } from "./errors.ts";
import { type AlipayNotification, type NotificationFields, verifyNotification } from "./notify.ts";
import { callGateway } from "./transport.ts";

/**
 * A small typed client for Alipay mini-program payments over the OpenAPI v2 gateway
 * (reference A.1-A.6). Every answer is verified (A.3) before it is read; amounts in and out
 * are integer fen.
 */
export function createAlipayClient(options: AlipayClientOptions) {
  const resolved = resolveOptions(options);
  const call = (gatewayCall: Parameters<typeof callGateway>[1]) => callGateway(resolved, gatewayCall);
  return {
    appId: resolved.appId,
    /** Certificate mode only: the SNs this client sends and expects (A.3). */
    certificateSns: {
      appCertSn: resolved.appCertSn,
      alipayRootCertSn: resolved.alipayRootCertSn,
      alipayCertSn: resolved.alipayCertSn,
    },
    trade: tradeApi(call),
    bill: {
      ...billApi(call),
      /**
       * A day's (`yyyy-MM-dd`) or month's (`yyyy-MM`) trade bill, read (A.5): the download URL
       * is asked for and fetched at once, since it works for 30 s only.
       */
      async tradeBill(billDate: string): Promise<AlipayTradeBill> {
        const { bill_download_url } = await billApi(call).downloadUrl({
          bill_type: "trade",
          bill_date: billDate,
        });
        return readTradeBill(await fetchBill(resolved, bill_download_url));
      },
    },
    oauth: oauthApi(call),
    notifications: {
      /**
       * Verifies a notification (raw form body, or fields already decoded once) and checks that
       * it is for this app, and for the configured seller when there is one (A.4 checks d, c).
       * Checks a and b (our out_trade_no, the order's exact amount) are the caller's.
       */
      verify(input: Buffer | string | NotificationFields): AlipayNotification {
        const notification = verifyNotification(input, resolved.alipayPublicKey);
        if (notification.app_id !== resolved.appId) {
          throw new AlipayError(
            "NOTIFY_APP_MISMATCH",
            `app_id ${notification.app_id} is not ${resolved.appId}`,
            {
              diagnostics: { app_id: notification.app_id },
            },
          );
        }
        if (resolved.sellerId !== undefined && notification.seller_id !== resolved.sellerId) {
          throw new AlipayError(
            "NOTIFY_APP_MISMATCH",
            `seller_id ${notification.seller_id ?? "(none)"} is not ${resolved.sellerId}`,
            { diagnostics: { seller_id: notification.seller_id } },
          );
        }
        return notification;
      },
    },
  };
}

export type AlipayClient = ReturnType<typeof createAlipayClient>;

/** A.4 "Reply": exactly these 7 characters, HTTP 200, once a notification is handled. */
export const NOTIFY_SUCCESS_REPLY = "success";

/** The bill file behind a download URL: a plain GET, within the client's timeout. */
async function fetchBill(options: ResolvedOptions, url: string): Promise<Uint8Array> {
  let response: Response;
  try {
    response = await options.fetch(url, { signal: AbortSignal.timeout(options.timeoutMs) });
  } catch (error) {
    throw new AlipayNetworkError("NETWORK_ERROR", `the bill download from ${new URL(url).host} failed`, {
      retryable: true,
      cause: error,
    });
  }
  const bytes = new Uint8Array(await response.arrayBuffer());
  if (response.status !== 200) {
    throw new AlipayNetworkError(
      "NETWORK_ERROR",
      `the bill download answered HTTP ${response.status}; its URL lives 30 s: ask for a new one (A.5)`,
      { retryable: true, diagnostics: { status: response.status } },
    );
  }
  return bytes;
}
