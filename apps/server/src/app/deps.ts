import type { PaymentChannel } from "../channels/payment-channel.ts";
import type { DialectName } from "../db/connect.ts";
import type { Executor } from "../db/executor.ts";
import type { Clock } from "../domain/clock.ts";
import type { IdSource } from "../domain/ids.ts";

/** What every use case is handed (design.md convention 1): no globals, nothing read from env. */
export interface AppDeps {
  db: Executor;
  dialect: DialectName;
  clock: Clock;
  ids: IdSource;
  channel: PaymentChannel;
  settings: AppSettings;
  log: AppLog;
}

export interface AppSettings {
  appid: string;
  mchid: string;
  /** https://<public base>/notify/wechatpay (§5.1: https, no query string). */
  notifyUrl: string;
  orderTtlMs: number;
  sessionTtlMs: number;
  /** How long `confirm` waits for the channel's word before answering with what it knows. */
  confirmWaitMs: number;
}

/** The structured logger the use cases write to (pino in production). */
export interface AppLog {
  info(fields: Record<string, unknown>, message: string): void;
  warn(fields: Record<string, unknown>, message: string): void;
  error(fields: Record<string, unknown>, message: string): void;
}
