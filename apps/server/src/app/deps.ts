import type { LoginChannel } from "../channels/login-channel.ts";
import type { PaymentChannel } from "../channels/payment-channel.ts";
import type { DialectName } from "../db/connect.ts";
import type { Executor } from "../db/executor.ts";
import type { Clock } from "../domain/clock.ts";
import type { IdSource } from "../domain/ids.ts";
import type { RateLimiter } from "../limits/rate-limiter.ts";
import type { SingleFlight } from "./single-flight.ts";

/** What every use case is handed (design.md convention 1): no globals, nothing read from env. */
export interface AppDeps {
  db: Executor;
  dialect: DialectName;
  clock: Clock;
  ids: IdSource;
  channel: PaymentChannel;
  /** Turns a mini program's login code into the channel's user id (its own port). */
  login: LoginChannel;
  settings: AppSettings;
  log: AppLog;
  /** Shared counts (Redis with several instances): budgets on calls to the channel. */
  limiter: RateLimiter;
  /** Concurrent identical work in this process runs once (confirm's channel queries). */
  flights: SingleFlight;
}

export interface AppSettings {
  /** Kassa's id of the app this process serves (one today; several come with the apps config). */
  appId: string;
  /** The app's WeChat appid and its merchant's mchid: a notification must name both (§4.3). */
  wechatAppid: string;
  wechatMchid: string;
  /** https://<public base>/notify/wechatpay (§5.1: https, no query string). */
  notifyUrl: string;
  orderTtlMs: number;
  sessionTtlMs: number;
  /** Unpaid orders one user may have open at once (issue 7: one user could hold the catalog). */
  maxOpenOrdersPerUser: number;
  /** Units one user may hold across all their unpaid orders. */
  maxHeldUnitsPerUser: number;
  /** How long `confirm` waits for the channel's word before answering with what it knows. */
  confirmWaitMs: number;
}

/** The structured logger the use cases write to (pino in production). */
export interface AppLog {
  info(fields: Record<string, unknown>, message: string): void;
  warn(fields: Record<string, unknown>, message: string): void;
  error(fields: Record<string, unknown>, message: string): void;
}
