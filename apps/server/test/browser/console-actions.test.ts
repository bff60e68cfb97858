import { mkdirSync } from "node:fs";
import type { Browser } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createOperator } from "../../src/app/admin/create-operator.ts";
import { expectLedgerHolds } from "../check-ledger.ts";
import { KassaUnderTest } from "../kassa-harness.ts";
import { payOrderAtSimulator } from "../pay-order.ts";
import { refundsAtChannel } from "../refunds.ts";
import { addEndpoint } from "../webhook-flows.ts";
import { WebhookReceiver } from "../webhook-receiver.ts";
import { ARTIFACTS, CHROMIUM_AVAILABLE, launchChromium } from "./chromium.ts";
import { buildConsoleIfStale, logInThroughForm, openConsole, settledShot } from "./console-page.ts";

/**
 * The console's actions (issue 12) in Debian's Chromium, against a Kassa of its own (the
 * figures console.test.ts checks on its dashboard stay its own): refund part of a paid order
 * and see it succeed, approve a refund above the threshold as a second operator, a viewer
 * refused a refund in the page and at the API, replay a webhook, adjust a wallet.
 * Screenshots go to test-artifacts/ (docs/console.md shows them).
 */
let kassa: KassaUnderTest;
let browser: Browser;
let receiver: WebhookReceiver;
const PASSWORD = "Console-actions-password-3";
/** ¥30.00: the refunds of ¥35.00 below wait for a second operator. */
const APPROVAL_ABOVE_FEN = 3000;
let small: { id: string; amountFen: number };
let large: { id: string; amountFen: number };
let userId: string;

beforeAll(async () => {
  if (!CHROMIUM_AVAILABLE) return;
  buildConsoleIfStale();
  kassa = await KassaUnderTest.start({ KASSA_REFUND_APPROVAL_ABOVE_FEN: String(APPROVAL_ABOVE_FEN) });
  const deps = kassa.running.kassa.deps;
  for (const [login, role] of [
    ["lin.support", "support"],
    ["wang.finance", "finance"],
    ["li.admin", "admin"],
    ["zhao.viewer", "viewer"],
  ] as const)
    await createOperator(deps, { login, role, appIds: undefined, password: PASSWORD }, undefined);
  receiver = await WebhookReceiver.start();
  await addEndpoint(kassa, { url: receiver.url });
  const token = await kassa.login();
  small = await payOrderAtSimulator(kassa, token, [{ productId: "prd_jasmine_tea", quantity: 2 }]);
  large = await payOrderAtSimulator(kassa, token, [{ productId: "prd_jasmine_tea", quantity: 3 }]);
  await kassa.runJobs();
  await kassa.runWebhookJobs();
  const order = await deps.db
    .selectFrom("orders")
    .select("user_id")
    .where("id", "=", small.id)
    .executeTakeFirstOrThrow();
  userId = order.user_id;
  browser = await launchChromium();
  mkdirSync(ARTIFACTS, { recursive: true });
}, 90_000);
afterAll(async () => {
  await browser?.close();
  await receiver?.down();
  if (kassa) await expectLedgerHolds(kassa.running.kassa.deps.db);
  await kassa?.close();
});

/** The simulator settles refunds after a minute, and notifies Kassa. */
async function aMinuteLater(): Promise<void> {
  await kassa.sandbox.admin.advanceClock(61_000);
  await kassa.runJobs();
}

describe.skipIf(!CHROMIUM_AVAILABLE)(
  "the console's actions (skipped: no Chromium; apt-get install -y chromium)",
  () => {
    it("refunds part of a paid order from its page, in ¥, and shows the refund succeed", async () => {
      const tab = await openConsole(browser, `${kassa.url}/console/orders/${small.id}`);
      const { page } = tab;
      await logInThroughForm(page, "lin.support", PASSWORD);
      await expect.poll(() => page.getByTestId("refundable").textContent()).toBe("¥24.00");
      await page.getByTestId("refund-open").click();
      await page.getByTestId("refund-amount").fill("5.5");
      await page.getByTestId("refund-reason").fill("少发一件 one missing");
      await settledShot(page, "refund-dialog");
      // A double click is one refund: the dialog sends once, under its Idempotency-Key (a second
      // request with the key would get the first's answer: flows/admin-refunds.test.ts).
      await page.getByTestId("refund-submit").dblclick();
      await expect.poll(() => page.getByTestId("action-notice").textContent()).toContain("¥5.50");
      await expect.poll(() => page.getByTestId("refund-status").count()).toBe(1);
      expect(refundsAtChannel(kassa, small.id)).toHaveLength(1);
      const stored = await kassa.running.kassa.deps.db
        .selectFrom("refunds")
        .select("amount_fen")
        .where("order_id", "=", small.id)
        .execute();
      expect(stored).toEqual([{ amount_fen: 550 }]);
      expect(refundsAtChannel(kassa, small.id)[0]).toMatchObject({ amountRefund: 550 });

      await aMinuteLater();
      await page.reload();
      await expect
        .poll(() => page.getByTestId("refund-status").getAttribute("data-status"), { timeout: 10_000 })
        .toBe("SUCCESS");
      expect(await page.getByTestId("refundable").textContent()).toBe("¥18.50");
      expect(await page.getByTestId("order-refunds").textContent()).toContain("少发一件 one missing");
      await settledShot(page, "order-refunded");
      await tab.assertClean();
      await tab.close();
    }, 60_000);

    it("sends a refund above the threshold for approval; the maker cannot approve it, a second operator does", async () => {
      const maker = await openConsole(browser, `${kassa.url}/console/orders/${large.id}`);
      await logInThroughForm(maker.page, "wang.finance", PASSWORD);
      await maker.page.getByTestId("refund-open").click();
      await maker.page.getByTestId("refund-amount").fill("35.00");
      await maker.page.getByTestId("refund-submit").click();
      await expect.poll(() => maker.page.getByTestId("action-notice").textContent()).toContain("¥35.00");
      expect(refundsAtChannel(kassa, large.id)).toHaveLength(0);
      await maker.page.goto(`${kassa.url}/console/refunds?view=approvals&status=PENDING`);
      await maker.page.getByTestId("approval-own").waitFor();
      expect(await maker.page.getByTestId("approval-approve").count()).toBe(0);
      await maker.assertClean();
      await maker.close();

      const checker = await openConsole(
        browser,
        `${kassa.url}/console/refunds?view=approvals&status=PENDING`,
      );
      const { page } = checker;
      await logInThroughForm(page, "li.admin", PASSWORD);
      await page.getByTestId("approval-approve").click();
      await page.getByTestId("approval-note").fill("checked with the shop");
      await settledShot(page, "refund-approvals");
      await page.getByTestId("approval-approve-confirm").click();
      await expect.poll(() => page.getByTestId("approval-notice").textContent()).toBeTruthy();
      expect(refundsAtChannel(kassa, large.id)).toHaveLength(1);
      await page.getByTestId("tab-refunds").click();
      await aMinuteLater();
      await page.reload();
      await expect
        .poll(() =>
          page
            .getByTestId("refunds-table")
            .locator("tr", { hasText: "¥35.00" })
            .getByTestId("refund-status")
            .getAttribute("data-status"),
        )
        .toBe("SUCCESS");
      await settledShot(page, "refunds");
      await checker.assertClean();
      await checker.close();
    }, 60_000);

    it("shows a viewer no refund button, and the API refuses the viewer's refund", async () => {
      const tab = await openConsole(browser, `${kassa.url}/console/orders/${small.id}`);
      const { page } = tab;
      await logInThroughForm(page, "zhao.viewer", PASSWORD);
      await page.getByTestId("order-refunds").waitFor();
      expect(await page.getByTestId("refund-open").count()).toBe(0);
      expect(await page.getByTestId("order-sync").count()).toBe(0);
      expect(await page.getByTestId("menu-wallets").count()).toBe(0);
      expect(await page.getByTestId("menu-webhooks").count()).toBe(0);
      await tab.assertClean();
      // The session's own CSRF token, so what refuses is the role, not a missing token.
      const refused = await page.evaluate(`(async () => {
        const session = await (await fetch('/admin/v1/session')).json();
        const answer = await fetch('/admin/v1/orders/${small.id}/refunds', {
          method: 'POST',
          headers: { 'content-type': 'application/json', 'x-csrf-token': session.csrfToken, 'idempotency-key': 'viewer-try' },
          body: JSON.stringify({ amountFen: 100 }),
        });
        return [answer.status, (await answer.json()).code];
      })()`);
      expect(refused).toEqual([403, "ADMIN_FORBIDDEN"]);
      expect(refundsAtChannel(kassa, small.id)).toHaveLength(1);
      await tab.close();
    }, 60_000);

    it("replays a webhook delivery, which the receiver gets again with the same webhook-id", async () => {
      // The events of the tests before (refunds) are delivered first: only the replay is new below.
      await kassa.runWebhookJobs();
      const tab = await openConsole(browser, `${kassa.url}/console/webhooks`);
      const { page } = tab;
      await logInThroughForm(page, "li.admin", PASSWORD);
      await page.getByTestId("endpoint-url").click();
      await expect.poll(() => page.url()).toContain("endpoint=whe_");
      await page.getByTestId("delivery-status").first().waitFor();
      const before = receiver.ids();
      expect(before.length).toBeGreaterThan(0);
      await page.getByTestId("deliveries-table").locator(".ant-table-row-expand-icon").last().click();
      await page.getByTestId("attempts-table").waitFor();
      await expect.poll(() => page.getByTestId("attempts-table").textContent()).toContain("200");
      await page.getByTestId("delivery-replay").last().click();
      await page.getByTestId("replay-notice").waitFor();
      await kassa.runWebhookJobs();
      await expect.poll(() => receiver.ids().length).toBe(before.length + 1);
      expect(before).toContain(receiver.ids().at(-1));
      await page.reload();
      await page.getByTestId("deliveries-table").locator(".ant-table-row-expand-icon").last().click();
      await expect.poll(() => page.getByTestId("attempts-table").locator("tbody tr").count()).toBe(2);
      await settledShot(page, "webhooks");
      await tab.assertClean();
      await tab.close();
    }, 60_000);

    it("adjusts a payer's wallet with a reason, finance only, and shows it in the wallet's history", async () => {
      const tab = await openConsole(browser, `${kassa.url}/console/wallets/${userId}`);
      const { page } = tab;
      await logInThroughForm(page, "wang.finance", PASSWORD);
      await page.getByTestId("adjust-amount").fill("1.20");
      await page.getByTestId("adjust-reason").fill("goodwill: late delivery");
      await page.getByTestId("adjust-save").click();
      await expect.poll(() => page.getByTestId("adjust-notice").textContent()).toContain("¥1.20");
      await expect.poll(() => page.getByTestId("wallet-balance").textContent()).toContain("¥1.20");
      await page.getByTestId("menu-wallets").click();
      await expect.poll(() => page.getByTestId("wallet-link").allTextContents()).toEqual([userId]);
      await settledShot(page, "wallets");
      await tab.assertClean();
      await tab.close();
    }, 60_000);
  },
);
