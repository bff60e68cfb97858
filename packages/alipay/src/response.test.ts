import { AlipaySdk } from "alipay-sdk";
import { beforeAll, describe, expect, it } from "vitest";
import { AlipayApiError, AlipayError } from "./errors.ts";
import { signedGatewayResponse } from "./gateway.ts";
import { verifyGatewayResponse } from "./response.ts";
import { makeKeyPair, type TestKeyPair } from "./testing/test-pki.ts";

let alipay: TestKeyPair;
let other: TestKeyPair;
let sdk: AlipaySdk;
const METHOD = "alipay.trade.query";

beforeAll(() => {
  alipay = makeKeyPair();
  other = makeKeyPair();
  sdk = new AlipaySdk({
    appId: "2021000000000001",
    privateKey: other.privateKeyBase64,
    keyType: "PKCS8",
    alipayPublicKey: alipay.publicKeyBase64,
  });
});

/** Escaped slashes, Chinese text, odd spacing and a "sign" inside a value: re-serialising would change every one. */
const RAW =
  '{"code":"10000", "msg":"Success","trade_no":"2026120322001400001","out_trade_no":"ord_1",' +
  '"trade_status":"TRADE_SUCCESS","total_amount":"12.30","buyer_logon_id":"159****0000",' +
  '"subject":"茶 \\u0026 \\"sign\\":x","qr":"https:\\/\\/qr.alipay.com\\/x"}';

function verify(raw: string, certSn?: string) {
  return verifyGatewayResponse(raw, METHOD, { alipayPublicKey: alipay.publicKey, alipayCertSn: certSn });
}

function errorOf(run: () => unknown): AlipayError {
  try {
    run();
  } catch (error) {
    expect(error).toBeInstanceOf(AlipayError);
    return error as AlipayError;
  }
  throw new Error("expected an AlipayError");
}

describe("gateway answers are verified over the raw *_response text (reference A.3)", () => {
  it("accepts a signed answer and gives back the parsed response", () => {
    const result = verify(signedGatewayResponse(METHOD, RAW, alipay.privateKey));
    expect(result.trade_no).toBe("2026120322001400001");
    expect(result.qr).toBe("https://qr.alipay.com/x");
    // Re-serialised, the text differs: verifying JSON.stringify(parsed) would have failed.
    expect(JSON.stringify(JSON.parse(RAW))).not.toBe(RAW);
  });

  it("agrees with alipay-sdk's checkResponseSign on the same answer", () => {
    const answer = signedGatewayResponse(METHOD, RAW, alipay.privateKey);
    const { sign } = JSON.parse(answer) as { sign: string };
    expect(() => sdk.checkResponseSign(answer, "alipay_trade_query_response", sign, "t")).not.toThrow();
    const tampered = answer.replace("12.30", "12.31");
    expect(() => sdk.checkResponseSign(tampered, "alipay_trade_query_response", sign, "t")).toThrow();
    expect(errorOf(() => verify(tampered)).code).toBe("RESPONSE_SIGNATURE_INVALID");
  });

  it("refuses a changed byte, another key's signature, a mangled sign and no sign on success", () => {
    const answer = signedGatewayResponse(METHOD, RAW, alipay.privateKey);
    expect(errorOf(() => verify(answer.replace("ord_1", "ord_2"))).code).toBe("RESPONSE_SIGNATURE_INVALID");
    expect(errorOf(() => verify(answer.replace('"msg":"Success"', '"msg":"Success" '))).code).toBe(
      "RESPONSE_SIGNATURE_INVALID",
    );
    expect(errorOf(() => verify(signedGatewayResponse(METHOD, RAW, other.privateKey))).code).toBe(
      "RESPONSE_SIGNATURE_INVALID",
    );
    const { sign } = JSON.parse(answer) as { sign: string };
    expect(errorOf(() => verify(answer.replace(sign, `${sign.slice(0, 10)}*${sign.slice(10)}`))).code).toBe(
      "RESPONSE_SIGNATURE_INVALID",
    );
    expect(errorOf(() => verify(`{"alipay_trade_query_response":${RAW}}`)).code).toBe(
      "RESPONSE_SIGNATURE_MISSING",
    );
  });

  it("refuses a repeated key, a missing response and text that is not JSON", () => {
    const answer = signedGatewayResponse(METHOD, RAW, alipay.privateKey);
    const doubled = answer.replace("{", `{"alipay_trade_query_response":{"code":"10000","msg":"x"},`);
    expect(errorOf(() => verify(doubled)).code).toBe("RESPONSE_SHAPE_INVALID");
    expect(errorOf(() => verify('{"sign":"AAAA"}')).code).toBe("RESPONSE_SHAPE_INVALID");
    expect(errorOf(() => verify("<html>502</html>")).code).toBe("RESPONSE_SHAPE_INVALID");
    expect(errorOf(() => verify(`${answer} x`)).code).toBe("RESPONSE_SHAPE_INVALID");
  });

  it("surfaces code != 10000 as AlipayApiError with sub_code and sub_msg, signed or not", () => {
    const body =
      '{"code":"40004","msg":"Business Failed","sub_code":"ACQ.TRADE_NOT_EXIST","sub_msg":"交易不存在"}';
    const signed = errorOf(() =>
      verify(signedGatewayResponse(METHOD, body, alipay.privateKey)),
    ) as AlipayApiError;
    expect(signed).toBeInstanceOf(AlipayApiError);
    expect(signed).toMatchObject({
      code: "API_ERROR",
      gatewayCode: "40004",
      subCode: "ACQ.TRADE_NOT_EXIST",
      subMsg: "交易不存在",
      signatureVerified: true,
      retryable: false,
    });
    const unsigned = errorOf(() =>
      verify('{"error_response":{"code":"40002","msg":"Invalid Arguments","sub_code":"isv.invalid-app-id"}}'),
    ) as AlipayApiError;
    expect(unsigned).toMatchObject({
      gatewayCode: "40002",
      subCode: "isv.invalid-app-id",
      signatureVerified: false,
    });
    const busy = '{"code":"20000","msg":"Service Currently Unavailable","sub_code":"isp.unknow-error"}';
    expect(errorOf(() => verify(signedGatewayResponse(METHOD, busy, alipay.privateKey))).retryable).toBe(
      true,
    );
  });

  it("in certificate mode requires the alipay_cert_sn of the trusted certificate, wherever it sits", () => {
    const answer = signedGatewayResponse(METHOD, RAW, alipay.privateKey, { alipayCertSn: "sn-current" });
    expect(verify(answer, "sn-current").trade_no).toBe("2026120322001400001");
    const first = `{"alipay_cert_sn":"sn-current",${answer.slice(1).replace(',"alipay_cert_sn":"sn-current"', "")}`;
    expect(verify(first, "sn-current").out_trade_no).toBe("ord_1");
    const rotated = errorOf(() => verify(answer, "sn-old"));
    expect(rotated.code).toBe("RESPONSE_CERT_SN_MISMATCH");
    expect(rotated.diagnostics).toEqual({ received: "sn-current", expected: "sn-old" });
    const none = signedGatewayResponse(METHOD, RAW, alipay.privateKey);
    expect(errorOf(() => verify(none, "sn-current")).code).toBe("RESPONSE_CERT_SN_MISMATCH");
  });
});
