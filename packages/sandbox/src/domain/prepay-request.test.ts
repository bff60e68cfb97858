import { describe, expect, it } from "vitest";
import { resolveTimeExpire } from "./prepay-request.ts";

const NOW = Date.parse("2025-06-08T10:00:00+08:00");
const MINUTE = 60_000;

describe("resolveTimeExpire (§5.1 time_expire)", () => {
  it("defaults to 7 days after creation", () => {
    expect(resolveTimeExpire(undefined, NOW)).toBe(NOW + 7 * 24 * 60 * MINUTE);
  });

  it("reads RFC 3339 with an offset or Z, with or without fractions of a second", () => {
    expect(resolveTimeExpire("2025-06-08T12:34:56+08:00", NOW)).toBe(Date.parse("2025-06-08T04:34:56Z"));
    expect(resolveTimeExpire("2025-06-08T04:34:56Z", NOW)).toBe(Date.parse("2025-06-08T04:34:56Z"));
    expect(resolveTimeExpire("2025-06-08T04:34:56.5-00:00", NOW)).toBe(Date.parse("2025-06-08T04:34:56.5Z"));
  });

  it("raises a value under one minute ahead to one minute", () => {
    expect(resolveTimeExpire("2025-06-08T10:00:30+08:00", NOW)).toBe(NOW + MINUTE);
  });

  it("refuses times without an offset, impossible dates and times, the past and more than 90 days ahead", () => {
    for (const bad of [
      "2025-06-08T12:00:00",
      "2025-06-08 12:00:00+08:00",
      "2025-06-31T12:00:00+08:00",
      "2025-06-08T24:00:00+08:00",
      "2025-06-08T12:60:00+08:00",
      "2025-06-08T10:00:00+08:00",
      "2025-09-07T10:00:01+08:00",
    ]) {
      expect(() => resolveTimeExpire(bad, NOW), bad).toThrow(
        expect.objectContaining({ wechatCode: "PARAM_ERROR" }),
      );
    }
    expect(resolveTimeExpire("2025-09-06T10:00:00+08:00", NOW)).toBe(NOW + 90 * 24 * 60 * MINUTE);
  });
});
