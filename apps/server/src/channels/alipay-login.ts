import { AlipayApiError, type AlipayClient } from "@kassa/alipay";
import { toChannelError } from "./alipay-errors.ts";
import type { LoginChannel } from "./login-channel.ts";

/**
 * The LoginChannel port over `alipay.system.oauth.token` (reference A.6): the mini program's
 * my.getAuthCode code becomes the user's id in this app, the open_id where the app has
 * OpenID, else the legacy 2088… user_id; it is what trade.create names as the buyer (A.1).
 * The access and refresh tokens are dropped here, never stored: Kassa needs only the id.
 */
export function alipayLoginChannel(client: AlipayClient): LoginChannel {
  return {
    name: "alipay",
    async exchangeCode(code) {
      try {
        const token = await client.oauth.token({ grant_type: "authorization_code", code });
        const channelUserId = token.open_id ?? token.user_id;
        // The client refuses an answer with neither id; this only narrows the type.
        if (channelUserId === undefined) throw new Error("oauth.token answered no user id");
        return { outcome: "identified", channelUserId };
      } catch (error) {
        // A.6: an auth code is single-use and short-lived: a used, expired or unknown one is
        // refused with a 40002 family answer. A 20000 (busy) is retryable and is not a refusal.
        if (error instanceof AlipayApiError && !error.retryable)
          return { outcome: "code_refused", reason: error.subCode ?? error.gatewayCode };
        throw toChannelError(error, "read");
      }
    },
  };
}
