import { LoginError, type WechatPayClient } from "@kassa/wechatpay";
import type { LoginChannel } from "./login-channel.ts";
import { toChannelError } from "./wechatpay-errors.ts";

/**
 * The LoginChannel port over code2Session (reference §7.2), on the server: the openid and
 * session_key never reach the mini program, and session_key is dropped here, never stored.
 */
export function wechatLoginChannel(client: WechatPayClient): LoginChannel {
  return {
    name: "wechatpay",
    async exchangeCode(code) {
      try {
        const session = await client.login.code2Session(code);
        return { outcome: "identified", channelUserId: session.openid };
      } catch (error) {
        // §7.2: 40029 invalid, 40163 already used, ... are refusals; -1 (busy) and 5xx are retryable.
        if (error instanceof LoginError && !error.retryable)
          return { outcome: "code_refused", reason: `errcode ${error.errcode}` };
        throw toChannelError(error, "read");
      }
    },
  };
}
