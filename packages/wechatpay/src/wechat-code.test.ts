import { describe, expect, it } from "vitest";
import { normaliseWechatCode } from "./wechat-code.ts";

describe("normaliseWechatCode (§5.8: match both spellings)", () => {
  it.each([
    ["SYSTEMERROR", "SYSTEM_ERROR"],
    ["SYSTEM_ERROR", "SYSTEM_ERROR"],
    ["BANKERROR", "BANK_ERROR"],
    ["ORDERNOTEXIST", "ORDER_NOT_EXIST"],
    ["NOAUTH", "NO_AUTH"],
    ["RULELIMIT", "RULE_LIMIT"],
    ["NOTENOUGH", "NOT_ENOUGH"],
    ["ACCOUNTERROR", "ACCOUNT_ERROR"],
    ["USERPAYING", "USER_PAYING"],
  ])("reads the old spelling %s as %s", (old, normalised) => {
    expect(normaliseWechatCode(old)).toBe(normalised);
  });

  it("passes unknown codes through, upper-cased and trimmed", () => {
    expect(normaliseWechatCode(" openid_mismatch ")).toBe("OPENID_MISMATCH");
    expect(normaliseWechatCode("ORDERPAID")).toBe("ORDERPAID");
  });
});
