/**
 * Why a channel call failed, for the caller to decide (design.md convention 5):
 * - `unavailable`: nothing reached the channel, or it refused before acting; safe to retry;
 * - `outcome_unknown`: it may have acted (timeout, lost answer, unverifiable answer); query;
 * - `rejected`: the channel refused for a business reason (`channelCode` says which, in the
 *   channel's own words: WeChat's `INVALID_REQUEST`, `OUT_TRADE_NO_USED`, ...).
 */
export type ChannelErrorKind = "unavailable" | "outcome_unknown" | "rejected";

export class ChannelError extends Error {
  readonly kind: ChannelErrorKind;
  readonly channelCode: string | undefined;
  readonly requestId: string | undefined;
  constructor(
    kind: ChannelErrorKind,
    message: string,
    options: { channelCode?: string; requestId?: string; cause?: unknown } = {},
  ) {
    super(message, { cause: options.cause });
    this.name = "ChannelError";
    this.kind = kind;
    this.channelCode = options.channelCode;
    this.requestId = options.requestId;
  }
}

/** A notification that failed verification or decryption: answered with FAIL, changes nothing. */
export class ChannelNotificationRejected extends Error {
  /** A stable code naming the check that failed (WeChat: the client's `VERIFY_*`/`NOTIFY_*`). */
  readonly reason: string;
  /** Expected traffic that checks we verify (WeChat's WECHATPAY/SIGNTEST/ probes, §3.5): logged low. */
  readonly probe: boolean;
  constructor(reason: string, probe: boolean, cause?: unknown) {
    super(`notification refused: ${reason}`, { cause });
    this.name = "ChannelNotificationRejected";
    this.reason = reason;
    this.probe = probe;
  }
}
