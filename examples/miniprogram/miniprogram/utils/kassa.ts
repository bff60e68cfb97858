import { kassaConfig } from "../config";
import { demoLoginCode, demoRequestPayment } from "./demo-runtime";
import type {
  KassaErrorBody,
  Order,
  PaymentOutcome,
  RequestPaymentParams,
  Session,
  SessionCreateBody,
} from "./kassa-types";
import { isCancel, type PaymentHint, wxLogin, wxRequestPayment } from "./wechat";

/**
 * The one client every page uses (docs/api.md "The payment loop"):
 *   wx.login → POST /v1/session → a token kept in storage, renewed when Kassa answers 401;
 *   POST /v1/orders/:id/pay → wx.requestPayment → POST /v1/orders/:id/confirm, always.
 * The mini program holds no secret, price or openid: Kassa prices every order and answers
 * every amount it shows.
 */

const SESSION_KEY = "kassa.session";
/** Log in again a minute before Kassa's expiresAt rather than send a token about to lapse. */
const RENEW_EARLY_MS = 60_000;
/** Pause between confirms while the payment is not settled; each confirm itself waits up to 3 s. */
const CONFIRM_PAUSE_MS = 1_000;
/** The least a confirm is given to answer: Kassa's own wait (3 s) and the trip. */
const CONFIRM_TIMEOUT_MIN_MS = 4_000;
const REQUEST_TIMEOUT_MS = 15_000;

type Method = "GET" | "POST" | "DELETE";

interface StoredSession {
  token: string;
  /** Epoch milliseconds */
  expiresAt: number;
}

/** Kassa's error body (docs/errors.md), or NETWORK_UNAVAILABLE when no answer came. */
export class KassaError extends Error {
  constructor(
    readonly code: string,
    message: string,
    readonly status: number,
    readonly requestId: string | null,
    readonly details: unknown = null,
  ) {
    super(message);
  }
}

export interface CallOptions {
  body?: unknown;
  /** false for the calls that need no session (the catalog). */
  session?: boolean;
  idempotencyKey?: string;
  /** How long to wait for Kassa's answer; REQUEST_TIMEOUT_MS when not given. */
  timeoutMs?: number;
}

let loggingIn: Promise<string> | null = null;

/** Kassa's answers to a token it no longer takes (docs/api.md "Sessions"): log in again. */
const SESSION_REFUSED = new Set(["AUTH_SESSION_INVALID", "AUTH_SESSION_REQUIRED"]);

/**
 * A call of the mini program API; a refused session logs in again once and repeats the call.
 * Repeating is safe even for POST /v1/orders: Kassa refuses the token before the route runs.
 */
export async function call<T>(method: Method, path: string, options: CallOptions = {}): Promise<T> {
  if (options.session === false) return send<T>(method, path, options, null);
  const token = await sessionToken();
  try {
    return await send<T>(method, path, options, token);
  } catch (error) {
    // Expired, logged out, or revoked by a sixth login. Only this token is dropped: a call
    // running beside this one may have stored a new one already, and each needless login
    // costs one of the user's 5 live sessions.
    if (!(error instanceof KassaError) || !SESSION_REFUSED.has(error.code)) throw error;
    const stored = wx.getStorageSync(SESSION_KEY) as StoredSession | "";
    if (stored && stored.token === token) wx.removeStorageSync(SESSION_KEY);
    return send<T>(method, path, options, await sessionToken());
  }
}

/** The stored token while it has time left; otherwise one login, shared by concurrent calls. */
export async function sessionToken(): Promise<string> {
  const stored = wx.getStorageSync(SESSION_KEY) as StoredSession | "";
  if (stored && stored.expiresAt - RENEW_EARLY_MS > Date.now()) return stored.token;
  loggingIn ??= login().finally(() => {
    loggingIn = null;
  });
  return loggingIn;
}

async function login(): Promise<string> {
  const code = kassaConfig.demo ? await demoLoginCode() : await wxLogin();
  // A wx.login code is WeChat's: named, so an app with Alipay only refuses the login
  // (APP_CHANNEL_NOT_CONFIGURED) instead of answering my.tradePay's parameters at pay.
  const body: SessionCreateBody = {
    code,
    channel: "wechatpay",
    ...(kassaConfig.app ? { app: kassaConfig.app } : {}),
  };
  const session = await send<Session>("POST", "/v1/session", { body }, null);
  const stored: StoredSession = { token: session.token, expiresAt: Date.parse(session.expiresAt) };
  wx.setStorageSync(SESSION_KEY, stored);
  return session.token;
}

/** DELETE /v1/session: the token stops working at once. */
export async function logout(): Promise<void> {
  const stored = wx.getStorageSync(SESSION_KEY) as StoredSession | "";
  wx.removeStorageSync(SESSION_KEY);
  if (stored) await send("DELETE", "/v1/session", {}, stored.token).catch(() => undefined);
}

function send<T>(method: Method, path: string, options: CallOptions, token: string | null): Promise<T> {
  const header: Record<string, string> = { "content-type": "application/json" };
  if (token) header.authorization = `Bearer ${token}`;
  if (options.idempotencyKey) header["idempotency-key"] = options.idempotencyKey;
  return new Promise((resolve, reject) => {
    wx.request({
      url: `${kassaConfig.baseUrl}${path}`,
      method,
      header,
      timeout: options.timeoutMs ?? REQUEST_TIMEOUT_MS,
      // Bodiless calls (pay, confirm, cancel, logout) send nothing: Kassa refuses a body there.
      ...(options.body === undefined ? {} : { data: options.body as WechatMiniprogram.IAnyObject }),
      success: (response) => {
        if (response.statusCode >= 200 && response.statusCode < 300) {
          resolve(response.data as T);
          return;
        }
        // Partial: a proxy in front of Kassa may answer an error of its own, or no JSON at all.
        const error = (response.data ?? {}) as Partial<KassaErrorBody>;
        reject(
          new KassaError(
            error.code ?? "HTTP_ERROR",
            error.message ?? `Kassa answered ${response.statusCode}`,
            response.statusCode,
            error.requestId ?? null,
            error.details ?? null,
          ),
        );
      },
      fail: (failure) =>
        reject(
          new KassaError(
            "NETWORK_UNAVAILABLE",
            `Kassa could not be reached (${failure.errMsg}); check the network and try again`,
            0,
            null,
          ),
        ),
    });
  });
}

/** A fresh Idempotency-Key per intent; not a secret, only unique for this payer. */
export function newIdempotencyKey(): string {
  return `mp-${Date.now().toString(36)}-${Math.random().toString(36).slice(2, 12)}`;
}

/**
 * Pays an order with WeChat Pay and answers Kassa's word on it. Whatever wx.requestPayment
 * says, Kassa is asked (§7.1 "Do not trust the client result"): a `fail` whose money moved
 * is paid, an `ok` Kassa has not seen is polled until `payWaitMs`, then `unknown`.
 */
export async function payOrder(orderId: string): Promise<PaymentOutcome> {
  let params: RequestPaymentParams;
  try {
    params = await call<RequestPaymentParams>("POST", `/v1/orders/${orderId}/pay`);
  } catch (error) {
    // Paid elsewhere or closed meanwhile: the page shows that, not a bare refusal.
    if (!(error instanceof KassaError) || error.code !== "ORDER_NOT_PAYABLE") throw error;
    const order = await call<Order>("GET", `/v1/orders/${orderId}`);
    return { state: stateOf(order, { ok: true, errMsg: "not payable" }), order, hint: "not payable" };
  }
  const hint = kassaConfig.demo ? await demoRequestPayment(params) : await wxRequestPayment(params);
  return settle(orderId, hint);
}

/** "Check again": ask Kassa once more, with the same bounded wait. */
export function checkAgain(orderId: string): Promise<PaymentOutcome> {
  return settle(orderId, { ok: true, errMsg: "check again" });
}

/**
 * "Cancel order": Kassa closes it at WeChat Pay first and answers CLOSED, CLOSING while
 * WeChat Pay has not confirmed the close (unknown: check again), or PAID if the money moved.
 */
export async function cancelOrder(orderId: string): Promise<PaymentOutcome> {
  const order = await call<Order>("POST", `/v1/orders/${orderId}/cancel`);
  return { state: stateOf(order, { ok: true, errMsg: "cancelled by the payer" }), order, hint: "cancel" };
}

async function settle(orderId: string, hint: PaymentHint): Promise<PaymentOutcome> {
  const deadline = Date.now() + kassaConfig.payWaitMs;
  let order: Order;
  try {
    order = await confirm(orderId, deadline);
    // A fail is settled by one confirm (Kassa asked WeChat Pay); an ok is worth waiting for.
    while (hint.ok && isUnsettled(order) && Date.now() + CONFIRM_PAUSE_MS < deadline) {
      await pause(CONFIRM_PAUSE_MS);
      order = await confirm(orderId, deadline);
    }
  } catch (error) {
    // The money may have moved while Kassa could not be asked: not paid, not failed, unknown.
    return { state: "unknown", order: null, hint: hint.errMsg, error };
  }
  return { state: stateOf(order, hint), order, hint: hint.errMsg };
}

/** A confirm that cannot outlast the wait by more than one confirm's own time. */
function confirm(orderId: string, deadline: number): Promise<Order> {
  const timeoutMs = Math.max(CONFIRM_TIMEOUT_MIN_MS, deadline - Date.now());
  return call<Order>("POST", `/v1/orders/${orderId}/confirm`, { timeoutMs });
}

/** Kassa's status, read with the hint only where Kassa says "not paid": cancelled or failed. */
function stateOf(order: Order, hint: PaymentHint): PaymentOutcome["state"] {
  if (order.status === "PAID") return "paid";
  if (order.status === "CLOSED") return "closed";
  if (hint.ok || order.status === "CLOSING") return "unknown";
  return isCancel(hint) ? "cancelled" : "failed";
}

function isUnsettled(order: Order): boolean {
  return order.status === "PENDING" || order.status === "CLOSING";
}

function pause(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

/** Whole fen as yuan text for amounts Kassa gives only in fen (tiers, tip rules). */
export function yuanOf(fen: number): string {
  const whole = Math.abs(fen);
  return `${fen < 0 ? "-" : ""}${Math.floor(whole / 100)}.${String(whole % 100).padStart(2, "0")}`;
}

/** Yuan typed by the payer, to whole fen without a float; null when it is not an amount. */
export function fenOf(text: string): number | null {
  const match = /^(\d{1,7})(?:\.(\d{1,2}))?$/.exec(text.trim());
  if (!match) return null;
  return Number(match[1]) * 100 + Number((match[2] ?? "").padEnd(2, "0"));
}
