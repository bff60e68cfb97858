import type { AdminApi } from "./admin-api.ts";

/**
 * The admin JSON API under `/admin/` (loopback only, see http/admin-scope.ts): one line
 * per route, each a thin call into AdminApi. Add a route by adding a line.
 */

export interface AdminInput {
  admin: AdminApi;
  /** The parsed JSON body; `{}` when there was none. */
  body: Record<string, unknown>;
  params: Record<string, string>;
  query: Record<string, string | undefined>;
}

export interface AdminRoute {
  method: "GET" | "POST" | "DELETE";
  /** Relative to `/admin`. */
  url: string;
  /** 200 unless `status` says otherwise. */
  status?: number;
  handle(input: AdminInput): unknown;
}

export const ADMIN_ROUTES: readonly AdminRoute[] = [
  { method: "GET", url: "/", handle: ({ admin }) => admin.page() },
  { method: "GET", url: "/merchants", handle: ({ admin }) => ({ data: admin.listMerchants() }) },
  { method: "POST", url: "/merchants", status: 201, handle: ({ admin, body }) => admin.createMerchant(body) },
  {
    method: "GET",
    url: "/merchants/:mchid",
    handle: ({ admin, params }) => admin.getMerchant(params.mchid!),
  },
  {
    method: "POST",
    url: "/merchants/:mchid/platform-certificates/rotate",
    handle: ({ admin, params, body }) => admin.rotatePlatformCertificate(params.mchid!, body),
  },
  {
    method: "POST",
    url: "/login-codes",
    status: 201,
    handle: ({ admin, body }) => admin.mintLoginCode(body),
  },
  {
    method: "GET",
    url: "/orders",
    handle: ({ admin, query }) => ({ data: admin.listOrders({ mchid: query.mchid, state: query.state }) }),
  },
  {
    method: "GET",
    url: "/orders/:mchid/:out_trade_no",
    handle: ({ admin, params }) => admin.getOrder(params.mchid!, params.out_trade_no!),
  },
  {
    method: "POST",
    url: "/merchants/:mchid/untracked-payments",
    status: 201,
    handle: ({ admin, params, body }) => admin.addUntrackedPayment(params.mchid!, body),
  },
  {
    method: "POST",
    url: "/orders/:mchid/:out_trade_no/pay",
    handle: ({ admin, params, body }) => admin.payOrder(params.mchid!, params.out_trade_no!, body),
  },
  {
    method: "POST",
    url: "/merchants/:mchid/settings",
    handle: ({ admin, params, body }) => admin.setMerchantSettings(params.mchid!, body),
  },
  {
    method: "GET",
    url: "/refunds",
    handle: ({ admin, query }) => ({
      data: admin.listRefunds({ mchid: query.mchid, outTradeNo: query.out_trade_no }),
    }),
  },
  {
    method: "GET",
    url: "/refunds/:mchid/:out_refund_no",
    handle: ({ admin, params }) => admin.getRefund(params.mchid!, params.out_refund_no!),
  },
  {
    method: "POST",
    url: "/refunds/:mchid/:out_refund_no/outcome",
    handle: ({ admin, params, body }) => admin.setRefundOutcome(params.mchid!, params.out_refund_no!, body),
  },
  {
    method: "GET",
    url: "/notifications",
    handle: ({ admin, query }) => ({
      data: admin.listNotifications({
        mchid: query.mchid,
        outTradeNo: query.out_trade_no,
        outRefundNo: query.out_refund_no,
        status: query.status,
      }),
    }),
  },
  {
    method: "GET",
    url: "/notifications/:id",
    handle: ({ admin, params }) => admin.getNotification(params.id!),
  },
  {
    method: "POST",
    url: "/notifications/:id/resend",
    handle: ({ admin, params }) => admin.resendNotification(params.id!),
  },
  {
    method: "POST",
    url: "/bills/ready-delay",
    handle: ({ admin, body }) => admin.setBillReadyDelay(body.ms),
  },
  // The Alipay gateway (alipay/admin.ts).
  { method: "GET", url: "/alipay/apps", handle: ({ admin }) => ({ data: admin.listAlipayApps() }) },
  {
    method: "POST",
    url: "/alipay/apps",
    status: 201,
    handle: ({ admin, body }) => admin.createAlipayApp(body),
  },
  {
    method: "GET",
    url: "/alipay/apps/:app_id/credentials",
    handle: ({ admin, params }) => admin.alipayCredentials(params.app_id!),
  },
  {
    method: "POST",
    url: "/alipay/apps/:app_id/rotate-certificate",
    handle: ({ admin, params }) => admin.rotateAlipayCertificate(params.app_id!),
  },
  {
    method: "POST",
    url: "/alipay/auth-codes",
    status: 201,
    handle: ({ admin, body }) => admin.mintAlipayAuthCode(body),
  },
  {
    method: "GET",
    url: "/alipay/trades",
    handle: ({ admin, query }) => ({
      data: admin.listAlipayTrades({ appId: query.app_id, status: query.status }),
    }),
  },
  {
    method: "GET",
    url: "/alipay/trades/:app_id/:out_trade_no",
    handle: ({ admin, params }) => admin.getAlipayTrade(params.app_id!, params.out_trade_no!),
  },
  {
    method: "POST",
    url: "/alipay/trades/:app_id/:out_trade_no/pay",
    handle: ({ admin, params }) => admin.payAlipayTrade(params.app_id!, params.out_trade_no!),
  },
  {
    method: "GET",
    url: "/alipay/notifications",
    handle: ({ admin, query }) => ({
      data: admin.listAlipayNotifications({ appId: query.app_id, outTradeNo: query.out_trade_no }),
    }),
  },
  { method: "GET", url: "/clock", handle: ({ admin }) => admin.time() },
  { method: "POST", url: "/clock/advance", handle: ({ admin, body }) => admin.advanceClock(body.ms) },
  { method: "POST", url: "/clock/speed", handle: ({ admin, body }) => admin.setClockSpeed(body.speed) },
  { method: "POST", url: "/probe-rate", handle: ({ admin, body }) => admin.setProbeRate(body.rate) },
  { method: "GET", url: "/faults", handle: ({ admin }) => ({ data: admin.listFaults() }) },
  { method: "POST", url: "/faults", status: 201, handle: ({ admin, body }) => admin.addFault(body) },
  { method: "DELETE", url: "/faults", handle: ({ admin }) => admin.clearFaults() },
  {
    method: "DELETE",
    url: "/faults/:id",
    status: 204,
    handle: ({ admin, params }) => admin.removeFault(params.id!),
  },
];
