import { AlipayApiError, type AlipayClient } from "@kassa/alipay";
import { toChannelError } from "./alipay-errors.ts";
import type { LoginChannel } from "./login-channel.ts";

/** A.6: Alipay's answer for an auth code it does not take (used, expired, unknown, another app's). */
const CODE_REFUSED = "isv.code-invalid";

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
        // refused as isv.code-invalid. Anything else (a refused signature, an unknown app id, a
        // busy 20000) is Kassa's or Alipay's trouble, not the payer's code: a ChannelError.
        if (error instanceof AlipayApiError && error.subCode === CODE_REFUSED)
          return { outcome: "code_refused", reason: error.subCode };
        throw toChannelError(error, "read");
      }
    },
  };
}
