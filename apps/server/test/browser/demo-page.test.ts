import { mkdirSync } from "node:fs";
import { join } from "node:path";
import type { Browser, Page } from "playwright-core";
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

/** The page's console errors, with where (a refused inline style or script shows as one). */
function watch(page: Page): string[] {
  const problems: string[] = [];
  page.on("console", (message) => {
    if (message.type() === "error") problems.push(`${message.text()} ${message.location().url}`);
  });
  return problems;
}

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

    it("logs in as an Alipay mini program, pays at the simulator's Alipay cashier, and shows the order PAID", async () => {
      const page = await browser.newPage();
      const problems = watch(page);
      await page.goto(`${kassa.url}/demo`);
      await page.getByTestId("login-alipay").click();
      await expect.poll(() => page.getByTestId("session").textContent()).toBe("Logged in with Alipay.");
      expect(await page.getByTestId("pay").textContent()).toBe("Pay with Alipay (simulator)");
      await page.getByTestId("quantity-prd_oolong_tea").fill("1");
      await page.getByTestId("create-order").click();
      await expect.poll(() => page.getByTestId("order-status").textContent()).toBe("PENDING");

      // my.tradePay({ tradeNO }) opens Alipay's cashier; the simulator's stands in for it.
      const [cashier] = await Promise.all([page.waitForEvent("popup"), page.getByTestId("pay").click()]);
      await cashier.waitForLoadState();
      expect(await cashier.getByTestId("alipay-cashier-amount").textContent()).toBe("18.00");
      expect(await cashier.getByTestId("alipay-cashier-status").textContent()).toBe("WAIT_BUYER_PAY");
      await cashier.getByTestId("alipay-cashier-pay").click();
      await expect.poll(() => cashier.getByTestId("alipay-cashier-result").textContent()).toBe("9000");

      await expect
        .poll(() => page.getByTestId("order-status").textContent(), { timeout: 15_000 })
        .toBe("PAID");
      mkdirSync(ARTIFACTS, { recursive: true });
      await page.screenshot({ path: join(ARTIFACTS, "demo-alipay-paid.png"), fullPage: true });
      await cashier.screenshot({ path: join(ARTIFACTS, "demo-alipay-cashier.png"), fullPage: true });
      expect(problems).toEqual([]);
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

    it("books a slot, pays at the cashier, and shows the ticket and the seats left", async () => {
      const page = await browser.newPage();
      const problems = watch(page);
      await page.goto(`${kassa.url}/demo`);
      await page.getByTestId("login").click();
      const slot = page.locator('[data-testid^="slot-slt_demo_"]').first();
      await expect.poll(() => slot.textContent()).toContain("¥88.00 a seat, 12 left");
      const slotId = ((await slot.getAttribute("data-testid")) ?? "").slice("slot-".length);
      await page.getByTestId(`seats-${slotId}`).fill("2");
      await page.getByTestId(`book-${slotId}`).click();
      await expect.poll(() => page.getByTestId("order-status").textContent()).toBe("PENDING");
      expect(await page.getByTestId("order-amount").textContent()).toBe("¥176.00");
      expect(await page.getByTestId("order-description").textContent()).toContain(
        "茶艺课 Tea ceremony class",
      );
      // Held while unpaid: the seats are gone from the slot already.
      await expect.poll(() => slot.textContent()).toContain("10 left");

      const [cashier] = await Promise.all([page.waitForEvent("popup"), page.getByTestId("pay").click()]);
      await cashier.waitForLoadState();
      expect(await cashier.getByTestId("cashier-amount").textContent()).toBe("176.00");
      await cashier.getByTestId("cashier-bank-type").selectOption("CMB_CREDIT");
      await cashier.getByTestId("cashier-pay").click();
      await expect.poll(() => cashier.getByTestId("cashier-result").textContent()).toBe("Paid");
      await expect
        .poll(() => page.getByTestId("order-status").textContent(), { timeout: 15_000 })
        .toBe("PAID");
      await expect.poll(() => page.getByTestId("order-ticket").textContent()).toMatch(/^tkt_[0-9a-z]{26}$/);
      await expect.poll(() => slot.textContent()).toContain("10 left");
      expect(problems).toEqual([]);
      mkdirSync(ARTIFACTS, { recursive: true });
      await page.screenshot({ path: join(ARTIFACTS, "demo-booking.png"), fullPage: true });
    });

    it("tips within the bounds with a message shown as text, and refuses one fen beyond them", async () => {
      const page = await browser.newPage();
      const problems = watch(page);
      await page.goto(`${kassa.url}/demo`);
      await page.getByTestId("login").click();
      const rules = page.getByTestId("rules-rcp_demo_host");
      await expect.poll(() => rules.textContent()).toBe("¥1.00–¥200.00 a tip, ¥500.00 left today");

      await page.getByTestId("tip-amount-rcp_demo_host").fill("200.01");
      await page.getByTestId("tip-go-rcp_demo_host").click();
      await expect.poll(() => page.getByTestId("error").textContent()).toContain("TIP_AMOUNT_ABOVE_MAXIMUM");
      // The refusal is the one error the browser logs (as it logs any 4xx answer).
      expect(problems).toEqual([
        `Failed to load resource: the server responded with a status of 400 (Bad Request) ${kassa.url}/v1/tips`,
      ]);
      problems.length = 0;

      await page.getByTestId("tip-preset-rcp_demo_host-666").click();
      expect(await page.getByTestId("tip-amount-rcp_demo_host").inputValue()).toBe("6.66");
      await page.getByTestId("tip-message-rcp_demo_host").fill("<b>x</b>");
      await page.getByTestId("tip-go-rcp_demo_host").click();
      await expect.poll(() => page.getByTestId("order-status").textContent()).toBe("PENDING");
      expect(await page.getByTestId("error").textContent()).toBe("");
      expect(await page.getByTestId("order-amount").textContent()).toBe("¥6.66");
      // The payer's markup is text on the page: seven characters, no <b> element.
      const message = page.getByTestId("order-message");
      expect(await message.textContent()).toBe("<b>x</b>");
      expect(await message.innerHTML()).toBe("&lt;b&gt;x&lt;/b&gt;");
      expect(await message.locator("b").count()).toBe(0);
      await expect.poll(() => rules.textContent()).toBe("¥1.00–¥200.00 a tip, ¥493.34 left today");

      const [cashier] = await Promise.all([page.waitForEvent("popup"), page.getByTestId("pay").click()]);
      await cashier.waitForLoadState();
      expect(await cashier.getByTestId("cashier-amount").textContent()).toBe("6.66");
      await cashier.getByTestId("cashier-bank-type").selectOption("CMB_CREDIT");
      await cashier.getByTestId("cashier-pay").click();
      await expect.poll(() => cashier.getByTestId("cashier-result").textContent()).toBe("Paid");
      await expect
        .poll(() => page.getByTestId("order-status").textContent(), { timeout: 15_000 })
        .toBe("PAID");
      expect(await message.textContent()).toBe("<b>x</b>");
      expect(problems).toEqual([]);
      mkdirSync(ARTIFACTS, { recursive: true });
      await page.screenshot({ path: join(ARTIFACTS, "demo-tip.png"), fullPage: true });
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
