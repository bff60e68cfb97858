import { ChannelError } from "./channel-error.ts";

/** The fake channel refuses for a business reason, under a code of its own. */
export function rejected(channelCode: string, message: string): ChannelError {
  return new ChannelError("rejected", `fake channel: ${message}`, { channelCode });
}
