import type { SandboxContext } from "../context.ts";
import type { KeyPairPem } from "../identity/certificates.ts";
import type { Table } from "../store.ts";

/**
 * The Alipay gateway's state (reference A.1-A.6), in the sandbox's snapshot store beside
 * WeChat Pay's tables. Money is integer fen; yuan strings exist only on the wire.
 */

export interface AlipayAppRecord {
  appId: string;
  sellerId: string;
  notifyUrl: string;
  keyMode: "key" | "cert";
  createdAt: number;
  /** The app's key pair: the merchant signs with the private half, we verify with the public one. */
  appKey: KeyPairPem;
  /** Alipay's key pair for this app: we sign answers and notifications with it. */
  alipayKey: KeyPairPem;
  /** Certificate mode (A.3): a root CA of our own issues the app's and Alipay's certificates. */
  certificates?: {
    rootCaPrivateKeyPem: string;
    /** `alipayRootCert.crt`: the bundle (an RSA root; A.3 root SN rule). */
    rootBundlePem: string;
    appCertPem: string;
    alipayCertPem: string;
    appCertSn: string;
    alipayCertSn: string;
    alipayRootCertSn: string;
    /** Alipay certificates replaced by a rotation, oldest first (still downloadable by SN). */
    retiredAlipayCerts?: { sn: string; certificatePem: string }[];
  };
}

export type AlipayTradeStatus = "WAIT_BUYER_PAY" | "TRADE_SUCCESS" | "TRADE_FINISHED" | "TRADE_CLOSED";

export interface AlipayTradeRecord {
  appId: string;
  tradeNo: string;
  outTradeNo: string;
  totalFen: number;
  subject: string;
  body?: string;
  productCode?: string;
  buyerId?: string;
  buyerOpenId?: string;
  buyerLogonId: string;
  passbackParams?: string;
  /** The `notify_url` common parameter of the create call (A.1), else the app's. */
  notifyUrl?: string;
  /** What a repeated create must match, else ACQ.CONTEXT_INCONSISTENT (A.1). */
  fingerprint: string;
  status: AlipayTradeStatus;
  createdAt: number;
  expiresAt: number;
  expiryJobId?: string;
  paidAt?: number;
  closedAt?: number;
  refundedFen: number;
}

export interface AlipayRefundRecord {
  appId: string;
  tradeNo: string;
  outTradeNo: string;
  /** A.5: the refund request number; the out_trade_no when the call named none. */
  outRequestNo: string;
  refundFen: number;
  reason?: string;
  refundedAt: number;
}

/** A buyer as one app sees them (A.6: the same person has a different open_id per app). */
export interface AlipayBuyerRecord {
  appId: string;
  userId: string;
  openId: string;
  /** Masked, as notifications and queries show it (A.4 `buyer_logon_id`). */
  logonId: string;
}

export interface AlipayAuthCodeRecord {
  code: string;
  appId: string;
  userId: string;
  createdAt: number;
  expiresAt: number;
  usedAt?: number;
}

export interface AlipayTokenRecord {
  appId: string;
  userId: string;
  accessToken: string;
  refreshToken: string;
  issuedAt: number;
}

export interface AlipayNotifyAttempt {
  number: number;
  at: number;
  status?: number;
  latencyMs: number;
  responseExcerpt: string;
  error?: string;
  outcome: "SUCCEEDED" | "FAILED";
  /** The fault rule kind that bent this attempt, if any. */
  fault?: string;
}

export interface AlipayNotificationRecord {
  notifyId: string;
  appId: string;
  tradeNo: string;
  outTradeNo: string;
  url: string;
  /** The A.4 fields except the envelope's notify_time, sign_type and sign, set at each attempt. */
  fields: Record<string, string>;
  status: "PENDING" | "DELIVERED" | "FAILED";
  createdAt: number;
  attempts: AlipayNotifyAttempt[];
  /** Ladder steps taken (a duplicated attempt is two attempts but one step). */
  scheduledAttempts: number;
  jobId?: string;
  nextAttemptAt?: number;
  deliveredAt?: number;
}

export interface AlipayTables {
  apps: Table<AlipayAppRecord>;
  /** Keyed by `tradeKey(appId, outTradeNo)`. */
  trades: Table<AlipayTradeRecord>;
  /** trade_no → `tradeKey`. */
  tradeNos: Table<string>;
  /** Keyed by `refundKey(appId, tradeNo, outRequestNo)`. */
  refunds: Table<AlipayRefundRecord>;
  /** Keyed by `buyerKey(appId, id)`, once under the user_id and once under the open_id. */
  buyers: Table<AlipayBuyerRecord>;
  authCodes: Table<AlipayAuthCodeRecord>;
  /** Keyed by refresh token. */
  tokens: Table<AlipayTokenRecord>;
  notifications: Table<AlipayNotificationRecord>;
}

/** The tables, added through `ctx.store.table` as context.ts asks of later features. */
export function alipayTables(ctx: SandboxContext): AlipayTables {
  const store = ctx.store;
  return {
    apps: store.table("alipayApps"),
    trades: store.table("alipayTrades"),
    tradeNos: store.table("alipayTradeNos"),
    refunds: store.table("alipayRefunds"),
    buyers: store.table("alipayBuyers"),
    authCodes: store.table("alipayAuthCodes"),
    tokens: store.table("alipayTokens"),
    notifications: store.table("alipayNotifications"),
  };
}

export const tradeKey = (appId: string, outTradeNo: string) => `${appId}/${outTradeNo}`;
export const refundKey = (appId: string, tradeNo: string, outRequestNo: string) =>
  `${appId}/${tradeNo}/${outRequestNo}`;
export const buyerKey = (appId: string, id: string) => `${appId}/${id}`;
