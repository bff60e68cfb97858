import { ChannelError } from "../channels/payment-channel.ts";
import { KassaError } from "../domain/errors.ts";

/** A channel failure in the caller's words: what it means for them, and WeChat's code to quote. */
export function channelFailure(error: unknown): unknown {
  if (!(error instanceof ChannelError)) return error;
  const details = {
    ...(error.channelCode ? { channelCode: error.channelCode } : {}),
    ...(error.requestId ? { channelRequestId: error.requestId } : {}),
  };
  switch (error.kind) {
    case "unavailable":
      return new KassaError("CHANNEL_UNAVAILABLE", details);
    case "outcome_unknown":
      return new KassaError("CHANNEL_OUTCOME_UNKNOWN", details);
    case "rejected":
      return new KassaError("CHANNEL_REJECTED", details);
  }
}
