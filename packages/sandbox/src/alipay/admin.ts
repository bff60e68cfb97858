import { beijingTimestamp, fenToYuan } from "@kassa/alipay";
import { invalid, object, only, optionalString } from "../admin/admin-input.ts";
import { type AlipayAppSeed, parseAlipayAppSeed } from "../config.ts";
import type { SandboxContext } from "../context.ts";
import { SandboxError } from "../errors.ts";
import { type AlipayAppFiles, alipayAppFilePaths } from "./app-files.ts";
import { createAlipayApp, requireAlipayApp, rotateAlipayCertificate } from "./apps.ts";
import { ALIPAY_GATEWAY_PATH } from "./gateway-route.ts";
import { mintAuthCode } from "./oauth.ts";
import {
  type AlipayAppRecord,
  type AlipayNotificationRecord,
  type AlipayTradeRecord,
  alipayTables,
} from "./records.ts";
import { payTrade, requireTrade } from "./trades.ts";

/**
 * The Alipay part of the admin API (what `/admin/alipay/*` serves and tests call): apps and
 * the credentials a client loads, auth codes standing in for `my.getAuthCode`, paying a trade
 * standing in for the buyer at the cashier, and what happened (trades, notifications).
 */

export interface AlipayCredentials {
  appId: string;
  sellerId: string;
  keyMode: "key" | "cert";
  /** Relative to the sandbox's URL: `${sandbox.url}${gatewayPath}`. */
  gatewayPath: string;
  files: AlipayAppFiles;
  appPrivateKeyPem: string;
  /** Key mode: the "Alipay public key" (in certificate mode too, for convenience). */
  alipayPublicKeyPem: string;
  /** Certificate mode only. */
  appCertPem?: string;
  alipayPublicCertPem?: string;
  alipayRootCertPem?: string;
  appCertSn?: string;
  alipayCertSn?: string;
  alipayRootCertSn?: string;
}

export interface AlipayAppView {
  appId: string;
  sellerId: string;
  notifyUrl: string;
  keyMode: "key" | "cert";
  files: AlipayAppFiles;
}

export interface AlipayTradeView {
  appId: string;
  tradeNo: string;
  outTradeNo: string;
  status: AlipayTradeRecord["status"];
  totalAmount: string;
  totalFen: number;
  refundedFen: number;
  subject: string;
  buyerId?: string;
  buyerOpenId?: string;
  notifyUrl?: string;
  createdAt: string;
  expiresAt: string;
  paidAt?: string;
  closedAt?: string;
}

export interface AlipayAuthCodeView {
  code: string;
  appId: string;
  userId: string;
  openId: string;
  expiresAt: string;
}

export interface AlipayAdmin {
  createAlipayApp(input: unknown): Promise<AlipayAppView>;
  listAlipayApps(): AlipayAppView[];
  /** Certificate mode: Alipay's key and public certificate are replaced (A.8 item 2). */
  rotateAlipayCertificate(appId: string): Promise<AlipayCredentials>;
  /** What a client needs: file paths and PEMs, and the SNs in certificate mode. */
  alipayCredentials(appId: string): AlipayCredentials;
  /** Stands in for `my.getAuthCode()`: a single-use code for `appId`, for `userId` (2088…) or a new user. */
  mintAlipayAuthCode(input: unknown): Promise<AlipayAuthCodeView>;
  /** The buyer pays: WAIT_BUYER_PAY → TRADE_SUCCESS, and the TRADE_SUCCESS notification is scheduled. */
  payAlipayTrade(appId: string, outTradeNo: string): Promise<AlipayTradeView>;
  listAlipayTrades(filter?: { appId?: string | undefined; status?: string | undefined }): AlipayTradeView[];
  getAlipayTrade(appId: string, outTradeNo: string): AlipayTradeView;
  listAlipayNotifications(filter?: {
    appId?: string | undefined;
    outTradeNo?: string | undefined;
  }): AlipayNotificationRecord[];
}

export function createAlipayAdmin(ctx: SandboxContext): AlipayAdmin {
  const appView = (app: AlipayAppRecord): AlipayAppView => ({
    appId: app.appId,
    sellerId: app.sellerId,
    notifyUrl: app.notifyUrl,
    keyMode: app.keyMode,
    files: alipayAppFilePaths(ctx.dataDir, app),
  });
  const credentials = (appId: string): AlipayCredentials => {
    const app = requireAlipayApp(ctx, appId);
    const certificates = app.certificates;
    return {
      appId: app.appId,
      sellerId: app.sellerId,
      keyMode: app.keyMode,
      gatewayPath: ALIPAY_GATEWAY_PATH,
      files: alipayAppFilePaths(ctx.dataDir, app),
      appPrivateKeyPem: app.appKey.privateKeyPem,
      alipayPublicKeyPem: app.alipayKey.publicKeyPem,
      ...(certificates
        ? {
            appCertPem: certificates.appCertPem,
            alipayPublicCertPem: certificates.alipayCertPem,
            alipayRootCertPem: certificates.rootBundlePem,
            appCertSn: certificates.appCertSn,
            alipayCertSn: certificates.alipayCertSn,
            alipayRootCertSn: certificates.alipayRootCertSn,
          }
        : {}),
    };
  };
  return {
    async createAlipayApp(input) {
      let seed: AlipayAppSeed;
      try {
        seed = parseAlipayAppSeed(input, "app");
      } catch (error) {
        // The same rules as the config file's, reported as the admin request's fault.
        if (error instanceof SandboxError) throw invalid(error.message.replace(/^[^:]*: /, ""));
        throw error;
      }
      return appView((await createAlipayApp(ctx, seed)).app);
    },
    listAlipayApps: () => alipayTables(ctx).apps.values().map(appView),
    async rotateAlipayCertificate(appId) {
      await rotateAlipayCertificate(ctx, appId);
      return credentials(appId);
    },
    alipayCredentials: credentials,
    async mintAlipayAuthCode(input) {
      const body = object(input, "auth code request");
      only(body, ["appId", "userId"]);
      if (typeof body.appId !== "string") throw invalid("appId is required");
      optionalString(body, "userId");
      const { code, buyer } = await mintAuthCode(ctx, {
        appId: body.appId,
        userId: body.userId as string | undefined,
      });
      return {
        code: code.code,
        appId: code.appId,
        userId: buyer.userId,
        openId: buyer.openId,
        expiresAt: beijingTimestamp(code.expiresAt),
      };
    },
    payAlipayTrade: async (appId, outTradeNo) => tradeView(await payTrade(ctx, appId, outTradeNo)),
    listAlipayTrades(filter = {}) {
      return alipayTables(ctx)
        .trades.values()
        .filter(
          (trade) =>
            (!filter.appId || trade.appId === filter.appId) &&
            (!filter.status || trade.status === filter.status),
        )
        .sort((a, b) => a.createdAt - b.createdAt)
        .map(tradeView);
    },
    getAlipayTrade: (appId, outTradeNo) => tradeView(requireTrade(ctx, appId, outTradeNo)),
    listAlipayNotifications(filter = {}) {
      return alipayTables(ctx)
        .notifications.values()
        .filter(
          (record) =>
            (!filter.appId || record.appId === filter.appId) &&
            (!filter.outTradeNo || record.outTradeNo === filter.outTradeNo),
        )
        .sort((a, b) => a.createdAt - b.createdAt);
    },
  };
}

function tradeView(trade: AlipayTradeRecord): AlipayTradeView {
  return {
    appId: trade.appId,
    tradeNo: trade.tradeNo,
    outTradeNo: trade.outTradeNo,
    status: trade.status,
    totalAmount: fenToYuan(trade.totalFen),
    totalFen: trade.totalFen,
    refundedFen: trade.refundedFen,
    subject: trade.subject,
    ...(trade.buyerId === undefined ? {} : { buyerId: trade.buyerId }),
    ...(trade.buyerOpenId === undefined ? {} : { buyerOpenId: trade.buyerOpenId }),
    ...(trade.notifyUrl === undefined ? {} : { notifyUrl: trade.notifyUrl }),
    createdAt: beijingTimestamp(trade.createdAt),
    expiresAt: beijingTimestamp(trade.expiresAt),
    ...(trade.paidAt === undefined ? {} : { paidAt: beijingTimestamp(trade.paidAt) }),
    ...(trade.closedAt === undefined ? {} : { closedAt: beijingTimestamp(trade.closedAt) }),
  };
}
