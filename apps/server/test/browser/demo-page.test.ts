import { mkdirSync } from "node:fs";
import { join } from "node:path";
import type { Browser } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { KassaUnderTest } from "../kassa-harness.ts";
import { ARTIFACTS, CHROMIUM_AVAILABLE, launchChromium } from "./chromium.ts";

/**
 * The demo page in a real browser: Debian's Chromium driven by playwright-core (never a
 * browser download). `.ci/run` installs Chromium and sets KASSA_REQUIRE_BROWSER=1, so CI
 * fails rather than skips when it is missing; a newcomer's `npm test` without Chromium skips
 * this file and says how to get it.
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

describe.skipIf(!CHROMIUM_AVAILABLE)(
  "the demo page (skipped: no Chromium; apt-get install -y chromium)",
  () => {
    it("logs in, orders, pays on the simulator's cashier, and shows the order PAID", async () => {
      const page = await browser.newPage();
      await page.goto(`${kassa.url}/demo`);
      await page.getByTestId("login").click();
      await expect.poll(() => page.getByTestId("session").textContent()).toBe("Logged in.");
      await page.getByTestId("quantity-prd_jasmine_tea").fill("2");
      await page.getByTestId("create-order").click();
      await expect.poll(() => page.getByTestId("order-status").textContent()).toBe("PENDING");
      expect(await page.getByTestId("order-amount").textContent()).toBe("¥24.00");

      const [cashier] = await Promise.all([page.waitForEvent("popup"), page.getByTestId("pay").click()]);
      await cashier.waitForLoadState();
      expect(await cashier.getByTestId("cashier-amount").textContent()).toBe("24.00");
      await cashier.getByTestId("cashier-bank-type").selectOption("CMB_CREDIT");
      await cashier.getByTestId("cashier-pay").click();
      await expect.poll(() => cashier.getByTestId("cashier-result").textContent()).toBe("Paid");

      await expect
        .poll(() => page.getByTestId("order-status").textContent(), { timeout: 15_000 })
        .toBe("PAID");
      mkdirSync(ARTIFACTS, { recursive: true });
      await page.screenshot({ path: join(ARTIFACTS, "demo-paid-order.png"), fullPage: true });
    });

    it("tops up the wallet at the cashier, pays an order from the balance, and shows the history", async () => {
      const page = await browser.newPage();
      const problems: string[] = [];
      page.on("console", (message) => {
        if (message.type() === "error") problems.push(message.text());
      });
      const response = await page.goto(`${kassa.url}/demo`);
      expect(response?.headers()["content-security-policy"]).not.toContain("unsafe-inline");
      await page.getByTestId("login").click();
      await expect.poll(() => page.getByTestId("wallet-balance").textContent()).toBe("¥0.00");
      expect(await page.getByTestId("wallet-tiers").textContent()).toContain("Pay ¥100.00, get ¥110.00");

      const [cashier] = await Promise.all([
        page.waitForEvent("popup"),
        page.getByTestId("top-up-wtr_demo_100").click(),
      ]);
      await cashier.waitForLoadState();
      expect(await cashier.getByTestId("cashier-amount").textContent()).toBe("100.00");
      await cashier.getByTestId("cashier-bank-type").selectOption("CMB_CREDIT");
      await cashier.getByTestId("cashier-pay").click();
      await expect.poll(() => cashier.getByTestId("cashier-result").textContent()).toBe("Paid");
      await expect
        .poll(() => page.getByTestId("wallet-balance").textContent(), { timeout: 15_000 })
        .toBe("¥110.00");

      await page.getByTestId("quantity-prd_mooncake").fill("2");
      await page.getByTestId("create-order").click();
      await expect.poll(() => page.getByTestId("order-status").textContent()).toBe("PENDING");
      await page.getByTestId("pay-from-wallet").click();
      await expect.poll(() => page.getByTestId("order-status").textContent()).toBe("PAID");
      await expect.poll(() => page.getByTestId("wallet-balance").textContent()).toBe("¥59.00");
      await expect
        .poll(() => page.getByTestId("wallet-history-item").allTextContents())
        .toEqual([
          expect.stringMatching(/order paid from the wallet.*-¥51\.00$/),
          expect.stringMatching(/wallet top-up paid through wechatpay.*\+¥110\.00$/),
        ]);
      expect(problems).toEqual([]);
      mkdirSync(ARTIFACTS, { recursive: true });
      await page.screenshot({ path: join(ARTIFACTS, "demo-wallet.png"), fullPage: true });
    });

    it("shows CLOSED after a cancel", async () => {
      const page = await browser.newPage();
      await page.goto(`${kassa.url}/demo`);
      await page.getByTestId("login").click();
      await page.getByTestId("quantity-prd_oolong_tea").fill("1");
      await page.getByTestId("create-order").click();
      await expect.poll(() => page.getByTestId("order-status").textContent()).toBe("PENDING");
      await page.getByTestId("cancel").click();
      await expect.poll(() => page.getByTestId("order-status").textContent()).toBe("CLOSED");
    });
  },
);
