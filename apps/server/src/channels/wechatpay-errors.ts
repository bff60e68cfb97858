import { WechatPayApiError, WechatPayError } from "@kassa/wechatpay";
import { ChannelError } from "./channel-error.ts";

/**
 * A WeChat Pay failure in the port's three kinds (reference §5.8). A write (prepay, close,
 * refund) that ended on a retryable error may have taken effect before the error (a 500
 * after applying, a lost answer): its outcome is unknown and must be queried. The client
 * has already retried what §5.8 allows, with the same parameters.
 */
export function toChannelError(error: unknown, call: "read" | "write"): ChannelError {
  if (!(error instanceof WechatPayError)) {
    return new ChannelError("outcome_unknown", "unexpected failure calling WeChat Pay", { cause: error });
  }
  const requestId = error instanceof WechatPayApiError ? error.requestId : undefined;
  const options = { cause: error, ...(requestId ? { requestId } : {}) };
  if (error.code === "OUTCOME_UNKNOWN") return new ChannelError("outcome_unknown", error.message, options);
  if (error instanceof WechatPayApiError) {
    if (error.retryable) {
      const kind = call === "write" ? "outcome_unknown" : "unavailable";
      return new ChannelError(kind, error.message, { ...options, channelCode: error.wechatCode });
    }
    return new ChannelError("rejected", error.message, { ...options, channelCode: error.wechatCode });
  }
  if (error.code === "REQUEST_INVALID") return new ChannelError("rejected", error.message, options);
  return new ChannelError("unavailable", error.message, options);
}

/** WeChat's code for an API error, or undefined for any other failure. */
export function wechatCodeOf(error: unknown): string | undefined {
  return error instanceof WechatPayApiError ? error.wechatCode : undefined;
}
