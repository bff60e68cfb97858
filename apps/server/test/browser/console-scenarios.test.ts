import { mkdirSync } from "node:fs";
import type { Browser } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createOperator } from "../../src/app/admin/create-operator.ts";
import { epochToLocal, localToEpoch } from "../../src/domain/booking/local-time.ts";
import { DEMO_RECIPIENT, DEMO_SERVICE } from "../../src/seed.ts";
import { advanceTo, type BookedBody, booked, MerchantBookings } from "../bookings.ts";
import { expectLedgerHolds } from "../check-ledger.ts";
import { KassaUnderTest } from "../kassa-harness.ts";
import { makeApiKey } from "../merchant-keys.ts";
import { payAtSimulator, payOrderAtSimulator } from "../pay-order.ts";
import { tipped } from "../tips.ts";
import { ARTIFACTS, CHROMIUM_AVAILABLE, launchChromium } from "./chromium.ts";
import { buildConsoleIfStale, logInThroughForm, openConsole, settledShot } from "./console-page.ts";

/**
 * The console's bookings and tips pages (issue 12) in Debian's Chromium, on the demo seed's
 * class and tip recipient (src/seed.ts): a paid booking checked in at the door shows its seats
 * and its check-in time; a paid tip shows what is owed and the payer's message as text, a
 * script tag included; a viewer has no tips page and the API refuses it; finance runs a day's
 * reconciliation again and reads the difference a changed bill made. Screenshots go to
 * test-artifacts/ (docs/console.md shows them).
 */
let kassa: KassaUnderTest;
let browser: Browser;
const PASSWORD = "Console-scenarios-password-5";
const MESSAGE = '<img src=x onerror="document.title=1">加油 <b>go</b>';
let booking: BookedBody;
let slotId: string;
let tipOrderId: string;

const yuan = (fen: number) => `¥${(fen / 100).toFixed(2)}`;

beforeAll(async () => {
  if (!CHROMIUM_AVAILABLE) return;
  buildConsoleIfStale();
  kassa = await KassaUnderTest.start();
  const deps = kassa.running.kassa.deps;
  for (const [login, role] of [
    ["wang.finance", "finance"],
    ["zhao.viewer", "viewer"],
  ] as const)
    await createOperator(deps, { login, role, appIds: undefined, password: PASSWORD }, undefined);
  const token = await kassa.login();
  const slot = await deps.db
    .selectFrom("booking_slots")
    .select("id")
    .where("service_id", "=", DEMO_SERVICE.id)
    .orderBy("starts_at")
    .executeTakeFirstOrThrow();
  slotId = slot.id;
  booking = await booked(kassa, token, slotId, 2);
  await payAtSimulator(kassa, token, booking.id);
  const merchant = new MerchantBookings(kassa, (await makeApiKey(kassa, { scopes: "read,write" })).secret);
  const ticket = (await kassa.request("GET", `/v1/bookings/${booking.id}`, { token })).body as BookedBody;
  const scan = await merchant.post("/merchant/v1/bookings/check-in", {
    ticketCode: ticket.booking.ticketCode,
  });
  expect(scan.status, JSON.stringify(scan.body)).toBe(200);
  const tip = await tipped(kassa, token, {
    recipientId: DEMO_RECIPIENT.id,
    amountFen: 666,
    message: MESSAGE,
  });
  await payAtSimulator(kassa, token, tip.id);
  tipOrderId = tip.id;
  browser = await launchChromium();
  mkdirSync(ARTIFACTS, { recursive: true });
}, 90_000);
afterAll(async () => {
  await browser?.close();
  if (kassa) await expectLedgerHolds(kassa.running.kassa.deps.db);
  await kassa?.close();
});

describe.skipIf(!CHROMIUM_AVAILABLE)(
  "the console's bookings and tips pages (skipped: no Chromium; apt-get install -y chromium)",
  () => {
    it("shows a service's slots with their seats, and a slot's booking with its check-in", async () => {
      const tab = await openConsole(browser, `${kassa.url}/console/bookings`);
      const { page } = tab;
      await logInThroughForm(page, "zhao.viewer", PASSWORD);
      const slots = page.getByTestId("slots-table");
      // The demo seeds three slots of 12 seats; the first has the 2 booked above.
      await expect.poll(() => slots.locator("tbody tr.ant-table-row").count()).toBe(3);
      const first = slots.locator("tbody tr.ant-table-row").first();
      expect(await first.textContent()).toContain("2 / 12");
      expect(await first.textContent()).toContain("¥88.00");
      await page.getByTestId("slot-link").first().click();
      // The slot is in the URL: a link shows the same view.
      await expect.poll(() => new URL(page.url()).searchParams.get("slot")).toBe(slotId);
      const row = page.getByTestId("slot-bookings").locator("tbody tr.ant-table-row");
      await expect.poll(() => row.count()).toBe(1);
      const text = await row.textContent();
      expect(text).toContain(booking.id);
      expect(text).toContain("CHECKED_IN");
      expect(await row.locator(".ant-tag-green").count()).toBe(1);
      await settledShot(page, "bookings");
      // A viewer sees no tips page in the menu, and the API refuses it.
      expect(await page.getByTestId("menu-tips").count()).toBe(0);
      const refused = await page.request.get(`${kassa.url}/admin/v1/tip-recipients`);
      expect(refused.status()).toBe(403);
      await tab.assertClean();
      await tab.close();
    }, 60_000);

    it("shows a recipient's balance, and its tip's message as text, never as HTML", async () => {
      const tab = await openConsole(browser, `${kassa.url}/console/tips`);
      const { page } = tab;
      await logInThroughForm(page, "wang.finance", PASSWORD);
      const recipients = page.getByTestId("recipients-table").locator("tbody tr.ant-table-row");
      await expect.poll(() => recipients.count()).toBe(1);
      expect(await recipients.first().textContent()).toContain("¥6.66");
      await page.getByTestId("recipient-link").first().click();
      await expect.poll(() => new URL(page.url()).searchParams.get("recipient")).toBe(DEMO_RECIPIENT.id);
      const message = page.getByTestId("tip-message");
      await expect.poll(() => message.count()).toBe(1);
      expect(await message.textContent()).toBe(MESSAGE);
      expect(await message.locator("img, b").count()).toBe(0);
      expect(await page.title()).not.toBe("1");
      expect(await page.getByTestId("recipient-tips").textContent()).toContain(tipOrderId);
      await settledShot(page, "tips");
      await tab.assertClean();
      await tab.close();
    }, 60_000);

    // Last: it moves the virtual clock to the next morning, when the day's bills are ready.
    it("runs a day's reconciliation again, and shows the difference a changed bill made", async () => {
      const token = await kassa.login();
      const order = await payOrderAtSimulator(kassa, token, [{ productId: "prd_jasmine_tea", quantity: 1 }]);
      kassa.sandbox.admin.addFault({ fault: "bill_amount_changed", outTradeNo: order.id, deltaFen: 100 });
      const now = kassa.running.kassa.deps.clock.now();
      const day = epochToLocal(now, "Asia/Shanghai").slice(0, 10);
      const nextDay = epochToLocal(now + 86_400_000, "Asia/Shanghai").slice(0, 10);
      await advanceTo(kassa, localToEpoch(`${nextDay}T10:30`, "Asia/Shanghai") as number);

      const tab = await openConsole(browser, `${kassa.url}/console/reconciliation`, [
        // The page names the channel it reconciles (WeChat Pay's, when none is chosen).
        new RegExp(`/admin/v1/reconciliation/runs/${nextDay}/rerun\\?channel=wechatpay$`),
      ]);
      const { page } = tab;
      await logInThroughForm(page, "wang.finance", PASSWORD);
      // A day whose bills are not out yet: the page says which day is the latest ready one.
      await page.getByTestId("recon-rerun-day").fill(nextDay);
      await page.getByTestId("recon-rerun").click();
      await expect
        .poll(() => page.getByTestId("recon-notice").textContent())
        .toContain(`最近可对账的日期是 ${day}`);
      await page.getByTestId("recon-rerun-day").fill(day);
      await page.getByTestId("recon-rerun").click();
      await expect.poll(() => page.getByTestId("recon-notice").textContent()).toBe(`已安排重新对账 ${day}`);
      await kassa.runJobs();
      await page.reload();
      const run = page.getByTestId("recon-runs").locator("tbody tr.ant-table-row");
      await expect.poll(() => run.count(), { timeout: 10_000 }).toBe(1);
      expect(await run.textContent()).toContain("completed");
      await page.getByTestId("recon-day").click();
      await expect.poll(() => new URL(page.url()).searchParams.get("day")).toBe(day);
      const difference = page.getByTestId("recon-differences").locator("tbody tr.ant-table-row");
      await expect.poll(() => difference.count(), { timeout: 10_000 }).toBe(1);
      const text = await difference.textContent();
      expect(text).toContain("amount_differs");
      expect(text).toContain(order.id);
      expect(text).toContain(yuan(order.amountFen + 100));
      await settledShot(page, "reconciliation");
      const audit = await kassa.running.kassa.deps.db
        .selectFrom("audit_log")
        .select(["action", "object_id"])
        .where("action", "=", "reconciliation.rerun")
        .execute();
      expect(audit).toEqual([{ action: "reconciliation.rerun", object_id: `wechatpay:${day}` }]);
      await tab.assertClean();
      await tab.close();
    }, 90_000);
  },
);
