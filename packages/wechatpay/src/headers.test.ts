import { describe, expect, it } from "vitest";
import { readHeader } from "./headers.ts";

describe("readHeader (§3.1)", () => {
  it("reads from fetch Headers whatever the case sent", () => {
    const headers = new Headers({ "Wechatpay-Serial": "ABC" });
    expect(readHeader(headers, "wechatpay-serial")).toBe("ABC");
  });

  it("reads Node's lower-cased records and hand-built records in any case", () => {
    expect(readHeader({ "wechatpay-nonce": "n1" }, "wechatpay-nonce")).toBe("n1");
    expect(readHeader({ "Wechatpay-Nonce": "n2" }, "wechatpay-nonce")).toBe("n2");
    expect(readHeader({ "WECHATPAY-NONCE": "n3" }, "wechatpay-nonce")).toBe("n3");
  });

  it("returns undefined for an absent header, and never reads inherited object properties", () => {
    expect(readHeader({}, "wechatpay-nonce")).toBeUndefined();
    expect(readHeader({ other: "x" }, "constructor")).toBeUndefined();
    expect(readHeader({ "wechatpay-nonce": [] }, "wechatpay-nonce")).toBeUndefined();
  });

  it("combines a repeated header as fetch does, so an ambiguous repeat cannot pass as one value", () => {
    expect(readHeader({ "wechatpay-timestamp": ["1", "2"] }, "wechatpay-timestamp")).toBe("1, 2");
    const headers = new Headers();
    headers.append("Wechatpay-Timestamp", "1");
    headers.append("Wechatpay-Timestamp", "2");
    expect(readHeader(headers, "wechatpay-timestamp")).toBe("1, 2");
    expect(readHeader({ "wechatpay-timestamp": ["1"] }, "wechatpay-timestamp")).toBe("1");
  });
});
