import type { ExternalChannelName } from "../domain/payment.ts";

/**
 * The port that turns a mini program's login code into the channel's id for that user:
 * WeChat's wx.login code through code2Session (reference §7.2) today, Alipay's
 * my.getAuthCode code later. Apart from the payment port: a login is not a payment, and an
 * app logs its users in through one channel even when it takes payments through two.
 */
export interface LoginChannel {
  readonly name: ExternalChannelName;
  /**
   * A refused code (unknown, expired, used) is an expected answer; a channel that cannot be
   * asked throws ChannelError (`unavailable`).
   */
  exchangeCode(code: string): Promise<LoginOutcome>;
}

export type LoginOutcome =
  /** The user's id at the channel (WeChat: the openid under our appid); it never leaves Kassa. */
  { outcome: "identified"; channelUserId: string } | { outcome: "code_refused"; reason: string };
