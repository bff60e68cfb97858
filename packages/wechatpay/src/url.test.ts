import { describe, expect, it } from "vitest";
import { buildQueryString, encodeUrlComponent } from "./url.ts";

describe("encodeUrlComponent (§2: the signed URL is the one sent)", () => {
  it("encodes | and * of out_trade_no the way Go's url.PathEscape does", () => {
    expect(encodeUrlComponent("ab|cd*ef")).toBe("ab%7Ccd%2Aef");
  });

  it("leaves unreserved characters alone and encodes the rest", () => {
    expect(encodeUrlComponent("A-z_0.9~")).toBe("A-z_0.9~");
    expect(encodeUrlComponent("a b/c?d@e!'()")).toBe("a%20b%2Fc%3Fd%40e%21%27%28%29");
  });

  it("survives the URL parser unchanged, so what is signed is what fetch sends", () => {
    const path = `/v3/pay/transactions/out-trade-no/${encodeUrlComponent("x|y*z-1")}`;
    expect(new URL(path, "https://api.mch.weixin.qq.com").pathname).toBe(path);
  });
});

describe("buildQueryString", () => {
  it("keeps the given order and encodes values", () => {
    expect(buildQueryString({ mchid: "1900000001", b: "x y" })).toBe("?mchid=1900000001&b=x%20y");
  });

  it("is empty without parameters", () => {
    expect(buildQueryString(undefined)).toBe("");
    expect(buildQueryString({})).toBe("");
  });
});
