import { mkdirSync } from "node:fs";
import { join } from "node:path";
import type { Browser, Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { KassaUnderTest } from "../kassa-harness.ts";
import { ARTIFACTS, CHROMIUM_AVAILABLE, launchChromium } from "./chromium.ts";

/**
 * The API docs page (/docs, Swagger UI) in a real browser, under the page's own
 * Content-Security-Policy: it must render every route with no console error and no CSP
 * violation, and "Try it out" must reach the API. Debian's Chromium through playwright-core,
 * as test/browser/demo-page.test.ts: CI sets KASSA_REQUIRE_BROWSER=1 and fails without it; a
 * newcomer's `npm test` without Chromium skips this file and says how to get it.
 */

let kassa: KassaUnderTest;
let browser: Browser;

beforeAll(async () => {
  if (!CHROMIUM_AVAILABLE) return;
  kassa = await KassaUnderTest.start();
  browser = await launchChromium();
});
afterAll(async () => {
  await browser?.close();
  await kassa?.close();
});

/** Every console error, uncaught exception, failed request and CSP violation of the page. */
async function watchedPage(): Promise<{ page: Page; problems: string[] }> {
  const page = await browser.newPage();
  const problems: string[] = [];
  page.on("console", (message) => {
    if (message.type() === "error") problems.push(`console: ${message.text()}`);
  });
  page.on("pageerror", (error) => problems.push(`exception: ${error.message}`));
  page.on("requestfailed", (request) => problems.push(`request failed: ${request.url()}`));
  page.on("response", (response) => {
    if (response.status() >= 400) problems.push(`${response.status()}: ${response.url()}`);
  });
  // A violation is also a console error in Chromium; the event names the directive.
  await page.exposeFunction("reportCspViolation", (text: string) => problems.push(`CSP: ${text}`));
  // Runs in the page, before its own scripts (a string: this file is typed for Node, not the DOM).
  await page.addInitScript(`document.addEventListener("securitypolicyviolation", (event) =>
    window.reportCspViolation(event.violatedDirective + " blocked " + (event.blockedURI || "inline") +
      " (" + event.sourceFile + ":" + event.lineNumber + ")"));`);
  return { page, problems };
}

describe.skipIf(!CHROMIUM_AVAILABLE)(
  "the API docs page (skipped: no Chromium; apt-get install -y chromium)",
  () => {
    it("renders every route of the OpenAPI document under its tag with no console error and no CSP violation", async () => {
      // The count comes from the document the page renders, so a new route needs no edit
      // here, and a route the page drops still fails the test.
      const spec = (await (await fetch(`${kassa.url}/docs/json`)).json()) as {
        paths: Record<string, Record<string, unknown>>;
      };
      const operations = Object.values(spec.paths).reduce(
        (sum, methods) => sum + Object.keys(methods).length,
        0,
      );
      expect(operations).toBeGreaterThan(30);
      const { page, problems } = await watchedPage();
      const response = await page.goto(`${kassa.url}/docs`);
      expect(response?.headers()["content-security-policy"]).toContain("style-src 'self'");
      expect(response?.headers()["content-security-policy"]).not.toContain("unsafe-inline");
      await expect.poll(() => page.locator(".opblock").count(), { timeout: 15_000 }).toBe(operations);
      expect(await page.locator(".opblock-tag").allTextContents()).toEqual([
        expect.stringMatching(/^session/),
        expect.stringMatching(/^catalog/),
        expect.stringMatching(/^orders/),
        expect.stringMatching(/^wallet/),
        expect.stringMatching(/^bookings/),
        expect.stringMatching(/^tips/),
        expect.stringMatching(/^merchant/),
        expect.stringMatching(/^admin/),
      ]);
      // Open order creation: its header, its example body and its error list are on the page.
      await page.locator("#operations-orders-post_v1_orders .opblock-summary").click();
      const create = page.locator("#operations-orders-post_v1_orders");
      await expect.poll(() => create.textContent()).toContain("idempotency-key");
      expect(await create.textContent()).toContain("prd_jasmine_tea");
      expect(await create.textContent()).toContain("PRODUCT_NOT_FOUND");
      mkdirSync(ARTIFACTS, { recursive: true });
      await page.screenshot({ path: join(ARTIFACTS, "api-docs.png"), fullPage: true });
      expect(problems).toEqual([]);
    });

    it("answers Try it out on GET /v1/catalog from the API itself, within the page's policy", async () => {
      const { page, problems } = await watchedPage();
      await page.goto(`${kassa.url}/docs`);
      const catalog = page.locator("#operations-catalog-get_v1_catalog");
      await catalog.locator(".opblock-summary").click();
      await catalog.getByRole("button", { name: "Try it out" }).click();
      await catalog.getByRole("button", { name: "Execute" }).click();
      const status = catalog.locator(".live-responses-table tr.response .response-col_status");
      await expect.poll(() => status.textContent(), { timeout: 15_000 }).toBe("200");
      expect(await catalog.locator(".live-responses-table").textContent()).toContain("prd_jasmine_tea");
      expect(problems).toEqual([]);
    });
  },
);
