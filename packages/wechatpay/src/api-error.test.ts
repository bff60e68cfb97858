import { describe, expect, it } from "vitest";
import { createApiError } from "./api-error.ts";
import { WechatPayApiError } from "./errors.ts";

const json = (value: unknown) => Buffer.from(JSON.stringify(value));
const headers = (requestId?: string, contentType = "application/json") =>
  new Headers({ "content-type": contentType, ...(requestId ? { "request-id": requestId } : {}) });

describe("createApiError", () => {
  it.each([
    [400, "PARAM_ERROR", "invalid_request", false],
    [400, "INVALID_REQUEST", "invalid_request", false],
    [401, "SIGN_ERROR", "authentication", false],
    [403, "OUT_TRADE_NO_USED", "permission", false],
    [404, "ORDER_NOT_EXIST", "not_found", false],
    [429, "FREQUENCY_LIMITED", "rate_limited", true],
    [500, "SYSTEM_ERROR", "server", true],
    [503, "SERVICE_UNAVAILABLE", "server", true],
    [500, "OPENID_MISMATCH", "server", false],
    [500, "INVALID_TRANSACTIONID", "server", false],
  ] as const)("maps %i %s to family %s, retryable %s (§5.8)", (status, code, family, retryable) => {
    const error = createApiError(status, headers("08F78BB5-1"), json({ code, message: "msg" }));
    expect(error).toBeInstanceOf(WechatPayApiError);
    expect(error).toMatchObject({ code: "API_ERROR", status, wechatCode: code, family, retryable });
    expect(error.requestId).toBe("08F78BB5-1");
  });

  it("normalises the old spelling so callers branch on one code", () => {
    const error = createApiError(500, headers(), json({ code: "SYSTEMERROR", message: "系统繁忙" }));
    expect(error.wechatCode).toBe("SYSTEM_ERROR");
    expect(error.retryable).toBe(true);
  });

  it("keeps the detail, including a 401's sign_information, for debugging the signed string", () => {
    const detail = {
      field: "",
      issue: "sign not match",
      sign_information: { method: "POST", url: "/v3/pay/transactions/jsapi", sign_message_length: 281 },
    };
    const error = createApiError(
      401,
      headers("R-1"),
      json({ code: "SIGN_ERROR", message: "签名错误", detail }),
    );
    expect(error.detail).toEqual(detail);
    expect(error.message).toContain("401 SIGN_ERROR 签名错误");
    expect(error.diagnostics).toMatchObject({ status: 401, wechatCode: "SIGN_ERROR", requestId: "R-1" });
  });

  it("turns a non-JSON error page into a clear message with an excerpt", () => {
    const error = createApiError(
      502,
      headers(undefined, "text/html"),
      Buffer.from("<html><body>Bad Gateway</body></html>"),
    );
    expect(error).toMatchObject({ status: 502, wechatCode: "", family: "server", retryable: true });
    expect(error.wechatMessage).toContain("not a WeChat Pay error");
    expect(error.wechatMessage).toContain("text/html");
    expect(error.wechatMessage).toContain("Bad Gateway");
  });

  it("says so when the error body is empty", () => {
    const error = createApiError(503, new Headers(), Buffer.alloc(0));
    expect(error.wechatMessage).toBe("HTTP 503 with an empty body (no WeChat Pay error code)");
    expect(error.requestId).toBeUndefined();
  });

  it("treats JSON without a code like any unreadable body", () => {
    const error = createApiError(400, headers(), json(["not", "an", "object"]));
    expect(error).toMatchObject({ wechatCode: "", family: "invalid_request", retryable: false });
  });
});
