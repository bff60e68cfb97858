import { mkdirSync } from "node:fs";
import type { Browser } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createOperator } from "../../src/app/admin/create-operator.ts";
import { hashApiKey } from "../../src/app/merchant/api-keys.ts";
import { DEMO_MERCHANT } from "../../src/channels/demo-sandbox.ts";
import { KassaUnderTest } from "../kassa-harness.ts";
import { makeApiKey } from "../merchant-keys.ts";
import { ARTIFACTS, CHROMIUM_AVAILABLE, launchChromium } from "./chromium.ts";
import { buildConsoleIfStale, logInThroughForm, openConsole, settledShot } from "./console-page.ts";

/**
 * The console's settings and catalog pages (issue 12) in Debian's Chromium: an admin reads the
 * demo app's channel accounts, makes an API key and sees its secret once (gone after a
 * reload), revokes it, and runs the config check; edits a product's stock; a product named
 * with a script shows as text. A viewer reads the catalog with nothing to edit and has no
 * settings page. Screenshots go to test-artifacts/ (docs/console.md shows them).
 */
let kassa: KassaUnderTest;
let browser: Browser;
const PASSWORD = "Console-settings-password-6";
const SCRIPT_NAME = "<script>alert(1)</script>";

beforeAll(async () => {
  if (!CHROMIUM_AVAILABLE) return;
  buildConsoleIfStale();
  kassa = await KassaUnderTest.start();
  const deps = kassa.running.kassa.deps;
  for (const [login, role] of [
    ["li.admin", "admin"],
    ["zhao.viewer", "viewer"],
  ] as const)
    await createOperator(deps, { login, role, appIds: undefined, password: PASSWORD }, undefined);
  const { secret } = await makeApiKey(kassa, { name: "warehouse sync" });
  const product = await kassa.request("POST", "/merchant/v1/products", {
    headers: { authorization: `Bearer ${secret}`, "idempotency-key": "script-product" },
    body: { id: "prd_script", name: SCRIPT_NAME, priceFen: 990, stock: 3 },
  });
  expect(product.status, JSON.stringify(product.body)).toBe(201);
  browser = await launchChromium();
  mkdirSync(ARTIFACTS, { recursive: true });
}, 90_000);
afterAll(async () => {
  await browser?.close();
  await kassa?.close();
});

describe.skipIf(!CHROMIUM_AVAILABLE)(
  "the console's settings and catalog pages (skipped: no Chromium; apt-get install -y chromium)",
  () => {
    it("shows the channel accounts, makes an API key whose secret is shown once, revokes it, and runs the config check", async () => {
      const tab = await openConsole(browser, `${kassa.url}/console/settings`);
      const { page } = tab;
      await logInThroughForm(page, "li.admin", PASSWORD);
      await expect
        .poll(() => page.getByTestId("settings-wechatpay").textContent())
        .toContain(DEMO_MERCHANT.mchid);
      expect(await page.getByTestId("settings-merchant-serial").textContent()).toMatch(/^[0-9A-F]{40}$/);
      expect(await page.getByTestId("settings-public-key-fp").textContent()).toMatch(
        /^([0-9A-F]{2}:){31}[0-9A-F]{2}$/,
      );
      expect(await page.locator("body").textContent()).not.toMatch(/PRIVATE KEY|BEGIN/);

      await page.getByTestId("new-key-name").fill("订单同步 <b>order sync</b>");
      await page.getByTestId("new-key-create").click();
      const secret = (await page.getByTestId("new-key-secret").textContent({ timeout: 10_000 })) ?? "";
      expect(secret).toMatch(/^sk_test_[A-Za-z0-9_-]{43}$/);
      kassa.rememberSecret(secret);
      const stored = await kassa.running.kassa.deps.db
        .selectFrom("api_keys")
        .select(["name", "scopes"])
        .where("secret_hash", "=", hashApiKey(secret))
        .executeTakeFirstOrThrow();
      expect(stored).toEqual({ name: "订单同步 <b>order sync</b>", scopes: "read" });
      await expect
        .poll(() => page.getByTestId("keys-table").textContent())
        .toContain("订单同步 <b>order sync</b>");
      expect(await page.getByTestId("keys-table").locator("b").count()).toBe(0);

      await page.getByTestId("config-check-run").click();
      await page.getByTestId("config-check-summary").waitFor({ timeout: 20_000 });
      const statuses = await page
        .getByTestId("config-check-status")
        .evaluateAll((tags) => tags.map((tag) => tag.getAttribute("data-status")));
      expect(statuses.length).toBeGreaterThan(5);
      expect(statuses).not.toContain("fail");
      await settledShot(page, "settings");

      // Shown once: after a reload the page has the key's hint, never the key.
      await page.reload();
      await page.getByTestId("keys-table").locator("tbody tr").first().waitFor();
      await expect.poll(() => page.getByTestId("keys-table").textContent()).toContain(secret.slice(0, 12));
      expect(await page.getByTestId("new-key-secret").count()).toBe(0);
      expect(await page.content()).not.toContain(secret);

      const row = page.getByTestId("keys-table").locator("tr", { hasText: "订单同步" });
      await row.getByTestId("key-revoke").click();
      await page.locator(".ant-popconfirm .ant-btn-primary").click();
      await expect.poll(() => row.getByTestId("key-state").getAttribute("data-state")).toBe("revoked");
      const refused = await kassa.request("GET", "/merchant/v1/products", {
        headers: { authorization: `Bearer ${secret}` },
      });
      expect(refused.status).toBe(401);
      await tab.assertClean();
      await tab.close();
    }, 90_000);

    it("edits a product's stock, and shows a product named with a script as text", async () => {
      const tab = await openConsole(browser, `${kassa.url}/console/catalog`);
      const { page } = tab;
      await logInThroughForm(page, "li.admin", PASSWORD);
      const scriptRow = page.getByTestId("products-table").locator("tr", { hasText: "prd_script" });
      await expect.poll(() => scriptRow.getByTestId("product-name").textContent()).toBe(SCRIPT_NAME);
      expect(await page.getByTestId("products-table").locator("script").count()).toBe(0);
      expect(await scriptRow.textContent()).toContain("¥9.90");

      const mooncake = page.getByTestId("products-table").locator("tr", { hasText: "prd_mooncake" });
      expect(await mooncake.getByTestId("product-stock").textContent()).toBe("20");
      await mooncake.getByTestId("product-edit").click();
      await page.getByTestId("product-stock-input").fill("7");
      await page.getByTestId("product-save").click();
      await expect.poll(() => page.getByTestId("catalog-notice").textContent()).toContain("¥25.50");
      await expect.poll(() => mooncake.getByTestId("product-stock").textContent()).toBe("7");
      const stored = await kassa.running.kassa.deps.db
        .selectFrom("products")
        .select(["stock", "price_fen"])
        .where("id", "=", "prd_mooncake")
        .executeTakeFirstOrThrow();
      expect(stored).toEqual({ stock: 7, price_fen: 2550 });
      const audit = await kassa.running.kassa.deps.db
        .selectFrom("audit_log")
        .select(["before", "after"])
        .where("action", "=", "product.update")
        .where("object_id", "=", "prd_mooncake")
        .executeTakeFirstOrThrow();
      expect(JSON.parse(audit.before ?? "null")).toEqual({ priceFen: 2550, stock: 20 });
      expect(JSON.parse(audit.after ?? "null")).toEqual({ priceFen: 2550, stock: 7 });
      await expect.poll(() => page.getByTestId("tiers-table").textContent()).toContain("¥110.00");
      await settledShot(page, "catalog");
      await tab.assertClean();
      await tab.close();
    }, 60_000);

    it("gives a viewer the catalog with nothing to edit, and no settings page", async () => {
      const tab = await openConsole(browser, `${kassa.url}/console/catalog`);
      const { page } = tab;
      await logInThroughForm(page, "zhao.viewer", PASSWORD);
      await page.getByTestId("products-table").locator("tbody tr").first().waitFor();
      await expect.poll(() => page.getByTestId("products-table").textContent()).toContain("prd_mooncake");
      expect(await page.getByTestId("product-edit").count()).toBe(0);
      expect(await page.getByTestId("menu-settings").count()).toBe(0);
      expect(await page.getByTestId("menu-catalog").count()).toBe(1);
      expect(await page.getByTestId("tipping-table").count()).toBe(0);
      await tab.assertClean();
      await tab.close();
    }, 60_000);
  },
);
