import { AlipayApiError, AlipayError } from "@kassa/alipay";
import { ChannelError } from "./channel-error.ts";

/**
 * An Alipay failure in the port's three kinds (reference A.3 gateway codes, A.5 sub_codes).
 * A write (create, close, refund) that got no trustworthy answer, or a "retry" answer
 * (`20000`, `ACQ.SYSTEM_ERROR`, A.1), may have taken effect: its outcome is unknown and must
 * be queried. A read that failed so is only unavailable.
 */
export function toChannelError(error: unknown, call: "read" | "write"): ChannelError {
  if (!(error instanceof AlipayError)) {
    return new ChannelError("outcome_unknown", "unexpected failure calling Alipay", { cause: error });
  }
  if (error instanceof AlipayApiError) {
    const channelCode = error.subCode ?? error.gatewayCode;
    // Codes only: sub_msg can quote the whole signed request (isv.invalid-signature, A.3),
    // buyer ids and all, and a ChannelError's message may be stored or logged.
    const message = `Alipay answered ${error.gatewayCode} ${error.msg}${error.subCode ? ` ${error.subCode}` : ""}`;
    if (error.retryable) {
      const kind = call === "write" ? "outcome_unknown" : "unavailable";
      return new ChannelError(kind, message, { cause: error, channelCode });
    }
    return new ChannelError("rejected", message, { cause: error, channelCode });
  }
  switch (error.code) {
    case "OUTCOME_UNKNOWN":
      return new ChannelError("outcome_unknown", error.message, { cause: error });
    case "REQUEST_INVALID":
    case "AMOUNT_INVALID":
      // Refused here, before sending (A.1 constraints): nothing reached Alipay.
      return new ChannelError("rejected", error.message, { cause: error, channelCode: error.code });
    case "RESPONSE_SHAPE_INVALID":
    case "RESPONSE_SIGNATURE_MISSING":
    case "RESPONSE_SIGNATURE_INVALID":
    case "RESPONSE_CERT_SN_MISMATCH": {
      // An answer we cannot trust: a write behind it may have happened.
      const kind = call === "write" ? "outcome_unknown" : "unavailable";
      return new ChannelError(kind, error.message, { cause: error, channelCode: error.code });
    }
    default:
      return new ChannelError("unavailable", error.message, { cause: error });
  }
}

/** Alipay's most precise code for an API error: the `sub_code` (ACQ.*, isv.*), else the gateway code. */
export function alipayCodeOf(error: unknown): string | undefined {
  if (!(error instanceof AlipayApiError)) return undefined;
  return error.subCode ?? error.gatewayCode;
}
