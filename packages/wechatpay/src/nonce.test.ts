import { describe, expect, it } from "vitest";
import { createNonce } from "./nonce.ts";

describe("createNonce (§2 nonce, §7.1 nonceStr)", () => {
  it("makes 32 alphanumeric characters, within nonceStr's 32-character limit", () => {
    for (let i = 0; i < 100; i++) expect(createNonce()).toMatch(/^[0-9A-Z]{32}$/);
  });

  it("does not repeat across many draws (128 bits from a CSPRNG)", () => {
    const draws = new Set(Array.from({ length: 10_000 }, createNonce));
    expect(draws.size).toBe(10_000);
  });
});
