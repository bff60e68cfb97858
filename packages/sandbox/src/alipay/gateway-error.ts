/**
 * What the simulated Alipay gateway answers when a call fails (reference A.3 gateway codes):
 * `code` 20000/40001/40002/40004 with a `sub_code` (isv.*, isp.*, ACQ.*) and a `sub_msg`.
 * Sub codes marked [unconfirmed] in the throwing code are our best guess at Alipay's own.
 */

export const GATEWAY_MESSAGES = {
  "20000": "Service Currently Unavailable",
  "40001": "Missing Required Arguments",
  "40002": "Invalid Arguments",
  "40004": "Business Failed",
} as const;

export type GatewayCode = keyof typeof GATEWAY_MESSAGES;

export class AlipayGatewayError extends Error {
  readonly gatewayCode: GatewayCode;
  readonly subCode: string;
  readonly subMsg: string;
  /** Answered under `error_response` rather than `<method>_response` (A.3). */
  readonly errorResponse: boolean;

  constructor(
    gatewayCode: GatewayCode,
    subCode: string,
    subMsg: string,
    options: { errorResponse?: boolean } = {},
  ) {
    super(`${gatewayCode} ${subCode}: ${subMsg}`);
    this.name = "AlipayGatewayError";
    this.gatewayCode = gatewayCode;
    this.subCode = subCode;
    this.subMsg = subMsg;
    this.errorResponse = options.errorResponse ?? false;
  }

  toBody(): Record<string, string> {
    return {
      code: this.gatewayCode,
      msg: GATEWAY_MESSAGES[this.gatewayCode],
      sub_code: this.subCode,
      sub_msg: this.subMsg,
    };
  }
}

/** A.5 business failures: code 40004 with an ACQ.* sub code. */
export function businessError(subCode: string, subMsg: string): AlipayGatewayError {
  return new AlipayGatewayError("40004", subCode, subMsg);
}

/** A.1 "ACQ.INVALID_PARAMETER": a business parameter is missing or malformed. */
export function invalidParameter(detail: string): AlipayGatewayError {
  return businessError("ACQ.INVALID_PARAMETER", `参数无效 (invalid parameter): ${detail}`);
}
