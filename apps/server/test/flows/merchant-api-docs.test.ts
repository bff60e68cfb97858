import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { KassaUnderTest } from "../kassa-harness.ts";

/**
 * Issue 8 §5.6: /docs/json describes the merchant API under its own tag, with its own
 * security scheme (the API key), the key errors on every route, and on every POST the
 * Idempotency-Key header, the replay header and the scope refusal.
 */
interface Operation {
  tags?: string[];
  security?: unknown[];
  parameters?: { in: string; name: string }[];
  responses: Record<string, { description: string; headers?: Record<string, unknown> }>;
}
let kassa: KassaUnderTest;
let spec: {
  components: { securitySchemes: Record<string, { type: string; scheme: string }> };
  paths: Record<string, Record<string, Operation>>;
};

beforeAll(async () => {
  kassa = await KassaUnderTest.start();
  spec = (await kassa.request("GET", "/docs/json")).body as typeof spec;
});
afterAll(async () => {
  await kassa?.close();
});

describe("the merchant API in /docs/json", () => {
  it("puts every merchant route under the merchant tag and the merchantKey scheme, with the key's errors", () => {
    expect(spec.components.securitySchemes.merchantKey).toMatchObject({ type: "http", scheme: "bearer" });
    const operations = Object.entries(spec.paths)
      .filter(([path]) => path.startsWith("/merchant/v1/"))
      .flatMap(([path, methods]) => Object.entries(methods).map(([method, op]) => ({ path, method, op })));
    // The rules below hold for each route; the count only proves the list is not empty (a
    // hard-coded total made every new route edit this line, and told nothing more).
    expect(operations.length).toBeGreaterThan(20);
    for (const { path, method, op } of operations) {
      const where = `${method} ${path}`;
      expect(op.tags, where).toEqual(["merchant"]);
      expect(op.security, where).toEqual([{ merchantKey: [] }]);
      expect(op.responses["401"]?.description, where).toContain("MERCHANT_KEY_INVALID");
      expect(op.responses["429"]?.headers, where).toHaveProperty("retry-after");
      if (method !== "post") continue;
      expect(
        op.parameters?.some((p) => p.in === "header" && p.name === "idempotency-key"),
        where,
      ).toBe(true);
      expect(op.responses["403"]?.description, where).toContain("MERCHANT_KEY_SCOPE");
      expect(op.responses["422"]?.description, where).toContain("IDEMPOTENCY_KEY_REUSED");
      const success = Object.entries(op.responses).find(([status]) => status.startsWith("2"))?.[1];
      expect(success?.headers, where).toHaveProperty("idempotent-replayed");
    }
  });
});
