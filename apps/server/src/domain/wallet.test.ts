import { describe, expect, it } from "vitest";
import { toFen } from "./money.ts";
import { describeTopUp, priceTopUp, type WalletTier } from "./wallet.ts";

const bounds = { minFen: 100, maxFen: 500_000 };
const tier: WalletTier = {
  id: "wtr_a",
  appId: "app_default",
  amountFen: toFen(10_000),
  bonusFen: toFen(1_000),
  active: true,
};

describe("pricing a top-up", () => {
  it("takes a tier's amount and bonus as the merchant set them", () => {
    expect(priceTopUp({ tierId: "wtr_a" }, tier, bounds)).toEqual({
      ok: true,
      amountFen: 10_000,
      bonusFen: 1_000,
      tierId: "wtr_a",
      description: "Wallet top-up ¥100.00 (+¥10.00 bonus)",
    });
  });

  it("refuses a withdrawn tier, an unknown one, and another tier than the one asked for", () => {
    for (const [request, found] of [
      [{ tierId: "wtr_a" }, { ...tier, active: false }],
      [{ tierId: "wtr_a" }, undefined],
      [{ tierId: "wtr_b" }, tier],
    ] as const)
      expect(priceTopUp(request, found, bounds)).toEqual({ ok: false, code: "WALLET_TIER_NOT_FOUND" });
  });

  it("gives a custom amount no bonus, within the bounds inclusive, and refuses one outside them", () => {
    expect(priceTopUp({ amountFen: 100 }, undefined, bounds)).toMatchObject({
      ok: true,
      bonusFen: 0,
      tierId: null,
    });
    expect(priceTopUp({ amountFen: 500_000 }, undefined, bounds)).toMatchObject({ ok: true });
    for (const amountFen of [99, 500_001, 1.5])
      expect(priceTopUp({ amountFen }, undefined, bounds)).toEqual({
        ok: false,
        code: "WALLET_TOP_UP_AMOUNT_OUT_OF_BOUNDS",
        bounds,
      });
  });

  it("describes a top-up without a bonus without one", () => {
    expect(describeTopUp(toFen(5_000), toFen(0))).toBe("Wallet top-up ¥50.00");
  });
});
