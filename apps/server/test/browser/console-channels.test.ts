import { mkdirSync } from "node:fs";
import type { Browser, Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createOperator } from "../../src/app/admin/create-operator.ts";
import { epochToLocal, localToEpoch } from "../../src/domain/booking/local-time.ts";
import { advanceTo } from "../bookings.ts";
import { KassaUnderTest } from "../kassa-harness.ts";
import { payAtAlipayCashier, payOrderAtSimulator } from "../pay-order.ts";
import { ARTIFACTS, CHROMIUM_AVAILABLE, launchChromium } from "./chromium.ts";
import { buildConsoleIfStale, logInThroughForm, openConsole, settledShot } from "./console-page.ts";

/**
 * The console's channels (issue 14) in Chromium: the demo app takes WeChat Pay and Alipay, and
 * the operator sees which paid each order (微信支付 / 支付宝 tags), filters the orders by it,
 * and reconciles Alipay's bill as well as WeChat Pay's. Screenshots go to test-artifacts/.
 */
let kassa: KassaUnderTest;
let browser: Browser;
const PASSWORD = "Channels-test-password-9";
let wechatOrderId: string;
let alipayOrderId: string;

beforeAll(async () => {
  if (!CHROMIUM_AVAILABLE) return;
  buildConsoleIfStale();
  kassa = await KassaUnderTest.start();
  await createOperator(
    kassa.running.kassa.deps,
    { login: "wang.admin", role: "admin", appIds: undefined, password: PASSWORD },
    undefined,
  );
  wechatOrderId = (await payOrderAtSimulator(kassa, await kassa.login())).id;
  const alipayToken = await kassa.loginAlipay();
  const created = await kassa.request("POST", "/v1/orders", {
    token: alipayToken,
    body: { items: [{ productId: "prd_jasmine_tea", quantity: 3 }] },
  });
  expect(created.status).toBe(201);
  alipayOrderId = (created.body as { id: string }).id;
  await payAtAlipayCashier(kassa, alipayToken, alipayOrderId);
  browser = await launchChromium();
  mkdirSync(ARTIFACTS, { recursive: true });
}, 90_000);
afterAll(async () => {
  await browser?.close();
  await kassa?.close();
});

/** The channel tags of the orders list's row of this order. */
const tagsOfRow = (page: Page, orderId: string) =>
  page
    .getByTestId("orders-table")
    .locator("tbody tr.ant-table-row", { hasText: orderId })
    .getByTestId("channel")
    .allTextContents();

/** Pick an option of an Ant Design select: open it, then click the option by its label. */
async function choose(page: Page, testId: string, label: string): Promise<void> {
  await page.getByTestId(testId).click();
  await page.locator(`.ant-select-item-option[title="${label}"]`).click();
}

describe.skipIf(!CHROMIUM_AVAILABLE)(
  "the console's channels (skipped: no Chromium; apt-get install -y chromium)",
  () => {
    it("tags each order with its channel, filters the orders by channel from the URL, and opens an Alipay order", async () => {
      const tab = await openConsole(browser, `${kassa.url}/console`);
      const { page } = tab;
      await logInThroughForm(page, "wang.admin", PASSWORD);
      await page.getByTestId("menu-orders").click();
      await expect
        .poll(() => page.getByTestId("order-link").allTextContents())
        .toEqual([alipayOrderId, wechatOrderId]);
      expect(await tagsOfRow(page, alipayOrderId)).toEqual(["支付宝"]);
      expect(await tagsOfRow(page, wechatOrderId)).toEqual(["微信支付"]);
      await settledShot(page, "orders-channels");

      await choose(page, "filter-channel", "支付宝");
      await page.getByTestId("search").click();
      await expect.poll(() => new URL(page.url()).searchParams.get("channel")).toBe("alipay");
      await expect.poll(() => page.getByTestId("order-link").allTextContents()).toEqual([alipayOrderId]);
      expect(await page.getByTestId("orders-table").textContent()).toContain("¥36.00");
      await settledShot(page, "orders-alipay");
      await choose(page, "filter-channel", "微信支付");
      await page.getByTestId("search").click();
      await expect.poll(() => page.getByTestId("order-link").allTextContents()).toEqual([wechatOrderId]);
      // The link reproduces the view, the filter shown as chosen.
      await page.goto(`${kassa.url}/console/orders?channel=alipay`);
      await expect.poll(() => page.getByTestId("order-link").allTextContents()).toEqual([alipayOrderId]);
      expect(await page.getByTestId("filter-channel").textContent()).toContain("支付宝");

      await page.getByTestId("order-link").click();
      await page.getByTestId("timeline").waitFor();
      expect(await page.getByTestId("order-amount").textContent()).toBe("¥36.00");
      // The order's own channel, and its payment's in the payments table.
      const tags = page.locator('[data-testid="channel"][data-channel="alipay"]');
      await expect.poll(() => tags.allTextContents()).toEqual(["支付宝", "支付宝"]);
      expect(await page.getByTestId("order-sync").textContent()).toContain("向支付宝查询");
      await settledShot(page, "order-detail-alipay");
      await page.getByTestId("language").click();
      await expect.poll(() => tags.allTextContents()).toEqual(["Alipay", "Alipay"]);
      expect(await page.getByTestId("order-sync").textContent()).toBe("Re-query Alipay");
      await tab.assertClean();
      await tab.close();
    }, 60_000);

    // Last: it moves the virtual clock to the next morning, when the day's bills are out.
    it("reconciles Alipay's bill of a day, the channel chosen on the page and kept in its URL", async () => {
      const now = kassa.running.kassa.deps.clock.now();
      const day = epochToLocal(now, "Asia/Shanghai").slice(0, 10);
      const nextDay = epochToLocal(now + 86_400_000, "Asia/Shanghai").slice(0, 10);
      await advanceTo(kassa, localToEpoch(`${nextDay}T10:30`, "Asia/Shanghai") as number);

      const tab = await openConsole(browser, `${kassa.url}/console/reconciliation`);
      const { page } = tab;
      await logInThroughForm(page, "wang.admin", PASSWORD);
      await page.getByTestId("recon-channel").getByText("支付宝").click();
      await expect.poll(() => new URL(page.url()).searchParams.get("channel")).toBe("alipay");
      await page.getByTestId("recon-rerun-day").fill(day);
      await page.getByTestId("recon-rerun").click();
      await expect.poll(() => page.getByTestId("recon-notice").textContent()).toBe(`已安排重新对账 ${day}`);
      await kassa.runJobs();
      await page.reload();
      const runs = page.getByTestId("recon-runs").locator("tbody tr.ant-table-row");
      await expect.poll(() => runs.count(), { timeout: 10_000 }).toBe(1);
      expect(await runs.textContent()).toContain("completed");
      // Alipay's bill has the one Alipay payment (¥36.00), not WeChat Pay's.
      expect(await runs.textContent()).toContain("1 · ¥36.00");
      await page.getByTestId("recon-day").click();
      await expect.poll(() => new URL(page.url()).searchParams.get("day")).toBe(day);
      expect(new URL(page.url()).searchParams.get("channel")).toBe("alipay");
      await expect
        .poll(() => page.getByTestId("recon-report-title").textContent())
        .toBe(`${day} 的对账差异支付宝`);
      await settledShot(page, "reconciliation-alipay");

      // WeChat Pay's reports are their own: its day was not run again.
      await page.getByTestId("recon-channel").getByText("微信支付").click();
      await expect.poll(() => new URL(page.url()).search).toBe("");
      await expect.poll(() => runs.count()).toBe(0);
      const audit = await kassa.running.kassa.deps.db
        .selectFrom("audit_log")
        .select("object_id")
        .where("action", "=", "reconciliation.rerun")
        .execute();
      expect(audit).toEqual([{ object_id: `alipay:${day}` }]);
      await tab.assertClean();
      await tab.close();
    }, 90_000);
  },
);
