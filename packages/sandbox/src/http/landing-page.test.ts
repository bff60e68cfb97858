import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createTestMerchant, startTestSandbox } from "../../test/test-sandbox.ts";
import type { RunningSandbox } from "../start.ts";
import { PAGE_CSP } from "./html.ts";

let sandbox: RunningSandbox;
beforeAll(async () => {
  sandbox = await startTestSandbox();
  await createTestMerchant(sandbox, { merchantName: "Shop <b>bold</b>" });
});
afterAll(() => sandbox.close());

describe("the simulator's /", () => {
  it("answers a page of links to the admin page, its API and the cashier, under the pages' CSP", async () => {
    const response = await fetch(`${sandbox.url}/`);
    expect(response.status).toBe(200);
    expect(response.headers.get("content-type")).toBe("text/html; charset=utf-8");
    expect(response.headers.get("content-security-policy")).toBe(PAGE_CSP);
    const html = await response.text();
    for (const link of ["/admin", "/admin/merchants", "/admin/orders", "/cashier"])
      expect(html).toContain(`<a href="${link}">`);
    expect(html).toContain("Shop &lt;b&gt;bold&lt;/b&gt;");
    expect(html).not.toContain("<b>bold</b>");
    // Every link answers.
    for (const link of html.matchAll(/href="([^"]+)"/g))
      expect((await fetch(`${sandbox.url}${link[1]}`)).status, link[1]).toBe(200);
  });

  it("still answers an unknown path as WeChat Pay does", async () => {
    const response = await fetch(`${sandbox.url}/nothing-here`);
    expect(response.status).toBe(404);
    expect(await response.json()).toMatchObject({ code: "RESOURCE_NOT_EXISTS" });
  });
});
