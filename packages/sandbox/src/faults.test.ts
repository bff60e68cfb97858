import { describe, expect, it } from "vitest";
import { FaultRegistry, HTTP_FAULT_KINDS } from "./faults.ts";
import { RandomSource } from "./random.ts";

function registry(seed = "faults") {
  const faults = new FaultRegistry(new RandomSource(seed).stream("faults"));
  faults.defineKinds(HTTP_FAULT_KINDS);
  faults.defineTarget("jsapi.prepay", "http");
  faults.defineTarget("transactions.close", "http");
  return faults;
}

describe("FaultRegistry", () => {
  it("fires a rule `times` times, then drops it", () => {
    const faults = registry();
    faults.add({ endpoint: "jsapi.prepay", fault: "system_error", times: 2 });
    expect(faults.take("jsapi.prepay", "1900000001")?.fault).toBe("system_error");
    expect(faults.take("jsapi.prepay", "1900000001")?.fault).toBe("system_error");
    expect(faults.take("jsapi.prepay", "1900000001")).toBeUndefined();
    expect(faults.list()).toEqual([]);
  });

  it("keeps a rule without `times` until it is removed", () => {
    const faults = registry();
    const rule = faults.add({ endpoint: "jsapi.prepay", fault: "reset" });
    for (let i = 0; i < 5; i++) expect(faults.take("jsapi.prepay", undefined)).toBeDefined();
    faults.remove(rule.id);
    expect(faults.take("jsapi.prepay", undefined)).toBeUndefined();
  });

  it("matches its merchant only when it names one", () => {
    const faults = registry();
    faults.add({ endpoint: "jsapi.prepay", fault: "rate_limit", mchid: "1900000001" });
    expect(faults.take("jsapi.prepay", "1900000002")).toBeUndefined();
    expect(faults.take("jsapi.prepay", undefined)).toBeUndefined();
    expect(faults.take("jsapi.prepay", "1900000001")).toBeDefined();
  });

  it("fires a rule naming a payment or refund only for that one", () => {
    const faults = registry();
    faults.defineTarget("notify.transaction", "http");
    faults.add({ endpoint: "notify.transaction", fault: "system_error", outTradeNo: "ord_a" });
    expect(faults.take("notify.transaction", undefined, undefined, { outTradeNo: "ord_b" })).toBeUndefined();
    expect(faults.take("notify.transaction", undefined)).toBeUndefined();
    expect(faults.take("notify.transaction", undefined, undefined, { outTradeNo: "ord_a" })).toBeDefined();
  });

  it("takes the first matching rule in the order added", () => {
    const faults = registry();
    faults.add({ endpoint: "*", fault: "unavailable", times: 1 });
    faults.add({ endpoint: "jsapi.prepay", fault: "rate_limit", times: 1 });
    expect(faults.take("jsapi.prepay", undefined)?.fault).toBe("unavailable");
    expect(faults.take("jsapi.prepay", undefined)?.fault).toBe("rate_limit");
  });

  it("replays the same firings for the same seed when rules are probabilistic", () => {
    const pattern = (seed: string) => {
      const faults = registry(seed);
      faults.add({ endpoint: "jsapi.prepay", fault: "system_error", probability: 0.3 });
      return Array.from({ length: 40 }, () => faults.take("jsapi.prepay", undefined) !== undefined);
    };
    const first = pattern("replay");
    expect(pattern("replay")).toEqual(first);
    expect(first.filter(Boolean).length).toBeGreaterThan(2);
    expect(first.filter(Boolean).length).toBeLessThan(30);
    expect(pattern("another seed")).not.toEqual(first);
  });

  it("refuses unknown kinds, targets, fields and bounds, saying what is allowed", () => {
    const faults = registry();
    expect(() => faults.add({ endpoint: "jsapi.prepay", fault: "explode" })).toThrow(
      /fault must be one of rate_limit/,
    );
    expect(() => faults.add({ endpoint: "refund.create", fault: "reset" })).toThrow(
      /"\*" or one of jsapi.prepay/,
    );
    expect(() => faults.add({ fault: "reset", when: "now" })).toThrow(/unknown field when/);
    expect(() => faults.add({ fault: "delay", delayMs: -1 })).toThrow(/delayMs/);
    expect(() => faults.add({ fault: "reset", probability: 0 })).toThrow(/probability/);
    expect(() => faults.remove("flt_404")).toThrow(expect.objectContaining({ code: "FAULT_RULE_NOT_FOUND" }));
  });

  it("lets another module register its own kinds and targets in its own scope", () => {
    const faults = registry();
    faults.defineKinds({ duplicate: { scope: "notification", description: "deliver twice" } });
    faults.defineTarget("notify.transaction", "notification");
    expect(() => faults.add({ endpoint: "jsapi.prepay", fault: "duplicate" })).toThrow(/notify.transaction/);
    faults.add({ endpoint: "*", fault: "duplicate" });
    expect(faults.take("jsapi.prepay", undefined)).toBeUndefined(); // "*" stays within the rule's scope
    expect(faults.take("notify.transaction", undefined)?.fault).toBe("duplicate");
  });
});
