import { mkdirSync } from "node:fs";
import { Secret } from "otpauth";
import type { Browser } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createOperator } from "../../src/app/admin/create-operator.ts";
import { totpOf } from "../../src/app/admin/operator-login.ts";
import { raiseAlert } from "../../src/app/alerting/raise-alert.ts";
import { KassaUnderTest } from "../kassa-harness.ts";
import { makeApiKey } from "../merchant-keys.ts";
import { payOrderAtSimulator } from "../pay-order.ts";
import { ARTIFACTS, CHROMIUM_AVAILABLE, launchChromium } from "./chromium.ts";
import { buildConsoleIfStale, logInThroughForm, openConsole, settledShot } from "./console-page.ts";

/**
 * The operators' console (issue 12) in Debian's Chromium: one Kassa and one browser for the
 * whole file (each test opens its own browser context, so cookies do not leak between them).
 * Every page is checked for CSP violations and console errors, and screenshotted into
 * test-artifacts/ (docs/console.md shows them).
 */
let kassa: KassaUnderTest;
let browser: Browser;
const PASSWORD = "Console-test-password-7";
let totpSecret: string;
let paid: { id: string; outTradeNo: string };
let hostileOrderId: string;
/** What a merchant might type, hoping the console renders it as HTML. */
const HOSTILE_NAME = `<img src=x onerror="window.xss=1"><script>window.xss=2</script>茶`;

beforeAll(async () => {
  if (!CHROMIUM_AVAILABLE) return;
  buildConsoleIfStale();
  kassa = await KassaUnderTest.start();
  const deps = kassa.running.kassa.deps;
  await createOperator(
    deps,
    { login: "wang.admin", role: "admin", appIds: undefined, password: PASSWORD },
    undefined,
  );
  await createOperator(
    deps,
    { login: "lin.support", role: "support", appIds: undefined, password: PASSWORD },
    undefined,
  );
  totpSecret = new Secret({ size: 20 }).base32;
  await deps.db
    .updateTable("operators")
    .set({ totp_secret: totpSecret })
    .where("login", "=", "lin.support")
    .execute();

  const token = await kassa.login();
  const order = await payOrderAtSimulator(kassa, token, [{ productId: "prd_jasmine_tea", quantity: 2 }]);
  const payment = await kassa.running.kassa.deps.db
    .selectFrom("payments")
    .select("out_trade_no")
    .where("order_id", "=", order.id)
    .executeTakeFirstOrThrow();
  paid = { id: order.id, outTradeNo: payment.out_trade_no };
  const { secret } = await makeApiKey(kassa);
  const product = await kassa.request("POST", "/merchant/v1/products", {
    headers: { authorization: `Bearer ${secret}` },
    body: { id: "prd_hostile", name: HOSTILE_NAME, priceFen: 1, stock: 5 },
  });
  expect(product.status).toBe(201);
  const hostile = await kassa.request("POST", "/v1/orders", {
    token,
    body: { items: [{ productId: "prd_hostile", quantity: 1 }] },
  });
  hostileOrderId = (hostile.body as { id: string }).id;
  await raiseAlert(deps, deps.db, {
    kind: "amount_mismatch",
    subjectId: paid.id,
    detail: { expectedFen: 2400, notifiedFen: 1 },
    appId: "app_default",
  });

  browser = await launchChromium();
  mkdirSync(ARTIFACTS, { recursive: true });
}, 90_000);
afterAll(async () => {
  await browser?.close();
  await kassa?.close();
});

describe.skipIf(!CHROMIUM_AVAILABLE)(
  "the operators' console (skipped: no Chromium; apt-get install -y chromium)",
  () => {
    it("is served at /console with a fresh nonce in a CSP that has no 'unsafe-inline'", async () => {
      const first = await fetch(`${kassa.url}/console`);
      const second = await fetch(`${kassa.url}/console/orders?status=PAID`);
      expect(first.status).toBe(200);
      expect(second.status).toBe(200);
      const policy = first.headers.get("content-security-policy") ?? "";
      expect(policy).not.toContain("unsafe-inline");
      expect(policy).toMatch(/style-src 'self' 'nonce-[A-Za-z0-9+/=]{24}'/);
      const nonce = /'nonce-([^']+)'/.exec(policy)?.[1] as string;
      expect(await first.text()).toContain(`nonce="${nonce}"`);
      expect(second.headers.get("content-security-policy")).not.toContain(nonce);
      expect(first.headers.get("cache-control")).toBe("no-store");
    });

    it("logs in with a password, shows the operator's name and role in zh-CN, switches to English, and logs out", async () => {
      const tab = await openConsole(browser, `${kassa.url}/console`);
      const { page } = tab;
      await page.getByTestId("login-submit").waitFor();
      // Ant Design spaces two-character Chinese buttons: "登 录".
      expect(await page.getByTestId("login-submit").textContent()).toMatch(/^登\s?录$/);
      await settledShot(page, "login");

      await page.getByTestId("login-name").fill("wang.admin");
      await page.getByTestId("login-password").fill("not-the-password");
      await page.getByTestId("login-submit").click();
      await page.getByTestId("login-error").waitFor();

      await logInThroughForm(page, "wang.admin", PASSWORD);
      expect(await page.getByTestId("operator-login").textContent()).toBe("wang.admin");
      expect(await page.getByTestId("operator-role").textContent()).toBe("管理员");
      await settledShot(page, "layout");

      await page.getByTestId("language").click();
      await expect.poll(() => page.getByTestId("operator-role").textContent()).toBe("Admin");
      expect(await page.getByTestId("logout").textContent()).toContain("Log out");
      expect(await page.evaluate("document.documentElement.lang")).toBe("en");

      // A reload keeps the session (GET /admin/v1/session) and the language.
      await page.reload();
      await expect.poll(() => page.getByTestId("operator-role").textContent()).toBe("Admin");

      await page.getByTestId("logout").click();
      await page.getByTestId("login-submit").waitFor();
      // The session ended on the server: a reload shows the login page again.
      await page.reload();
      await page.getByTestId("login-submit").waitFor();
      await tab.assertClean();
      await tab.close();
    }, 60_000);

    it("asks an operator with a second factor for the authenticator's code", async () => {
      const tab = await openConsole(browser, `${kassa.url}/console`);
      const clock = kassa.running.kassa.deps.clock;
      await logInThroughForm(tab.page, "lin.support", PASSWORD, () =>
        totpOf(totpSecret).generate({ timestamp: clock.now() }),
      );
      expect(await tab.page.getByTestId("operator-role").textContent()).toBe("客服");
      await tab.assertClean();
      await tab.close();
    }, 60_000);

    it("finds a paid order by its out_trade_no, with the filters in the URL, and shows its whole timeline", async () => {
      const tab = await openConsole(browser, `${kassa.url}/console`);
      const { page } = tab;
      await logInThroughForm(page, "wang.admin", PASSWORD);
      await page.getByTestId("menu-orders").click();
      await page.getByTestId("filter-outTradeNo").fill(paid.outTradeNo);
      await page.getByTestId("search").click();
      await expect.poll(() => page.url()).toContain(`outTradeNo=${paid.outTradeNo}`);
      await expect.poll(() => page.getByTestId("order-link").allTextContents()).toEqual([paid.id]);
      expect(await page.getByTestId("orders-table").textContent()).toContain("¥24.00");
      // Ant Design's own texts follow the language too (its zh-CN locale, not its English default).
      expect(await page.getByPlaceholder("开始日期").count()).toBe(1);
      await settledShot(page, "orders");

      await page.getByTestId("order-link").click();
      await page.getByTestId("timeline").waitFor();
      expect(await page.getByTestId("order-amount").textContent()).toBe("¥24.00");
      const types = await page
        .getByTestId("timeline-entry")
        .evaluateAll((entries) => entries.map((entry) => entry.getAttribute("data-type")));
      for (const type of [
        "order.created",
        "payment.prepaid",
        "notification.received",
        "order.paid",
        "ledger.posted",
      ])
        expect(types).toContain(type);
      await settledShot(page, "order-detail");
      await tab.assertClean();
      await tab.close();
    }, 60_000);

    it("reproduces a view from its link: the status filter in the URL is applied on the server", async () => {
      const tab = await openConsole(browser, `${kassa.url}/console/orders?status=PENDING`);
      await logInThroughForm(tab.page, "wang.admin", PASSWORD);
      await expect.poll(() => tab.page.getByTestId("order-link").allTextContents()).toEqual([hostileOrderId]);
      await tab.assertClean();
      await tab.close();
    }, 60_000);

    it("shows a script in a product name as text, never as HTML", async () => {
      const tab = await openConsole(browser, `${kassa.url}/console/orders/${hostileOrderId}`);
      const { page } = tab;
      await logInThroughForm(page, "wang.admin", PASSWORD);
      await expect.poll(() => page.getByTestId("line-name").textContent()).toBe(HOSTILE_NAME);
      expect(await page.getByTestId("order-lines").locator("img, script").count()).toBe(0);
      expect(await page.evaluate("window.xss")).toBeUndefined();
      await settledShot(page, "hostile-product-name");
      await tab.assertClean();
      await tab.close();
    }, 60_000);

    it("acknowledges an alert with a note, and the audit log shows who did", async () => {
      const tab = await openConsole(browser, `${kassa.url}/console`);
      const { page } = tab;
      await logInThroughForm(page, "wang.admin", PASSWORD);
      await page.getByTestId("menu-alerts").click();
      await page.getByTestId("alert-acknowledge").click();
      await page.getByTestId("alert-note-input").fill("refunded by phone");
      await settledShot(page, "alerts");
      await page.getByTestId("alert-acknowledge-save").click();
      // Open alerts only, by default: the acknowledged one leaves the list; "All" shows it with its note.
      await expect.poll(() => page.getByTestId("alert-acknowledge").count()).toBe(0);
      await page.getByText("全部", { exact: true }).click();
      await expect.poll(() => page.url()).toContain("open=false");
      await expect.poll(() => page.getByTestId("alert-note").textContent()).toBe("refunded by phone");
      // Then resolved, with a note saying how; it leaves the acknowledged ones for the resolved.
      await page.getByTestId("alert-resolve").click();
      await page.getByTestId("alert-resolution-input").fill("customer confirmed the refund");
      await page.getByTestId("alert-resolve-save").click();
      await expect
        .poll(() => page.getByTestId("alert-resolution-note").textContent())
        .toBe("customer confirmed the refund");
      expect(await page.getByTestId("alert-resolve").count()).toBe(0);
      await settledShot(page, "alerts-resolved");

      await page.getByTestId("menu-audit").click();
      await expect
        .poll(() => page.getByTestId("audit-action").allTextContents())
        .toContain("alert.acknowledge");
      expect(await page.getByTestId("audit-action").allTextContents()).toContain("alert.resolve");
      await settledShot(page, "audit");
      await tab.assertClean();
      await tab.close();
    }, 60_000);

    it("lets an admin make an operator, shown its password once; a viewer has no such pages, and the API refuses it", async () => {
      const tab = await openConsole(browser, `${kassa.url}/console/operators`);
      const { page } = tab;
      await logInThroughForm(page, "wang.admin", PASSWORD);
      await page.getByTestId("new-operator-login").fill("zhao.viewer");
      await page.getByTestId("new-operator-create").click();
      const password = (await page.getByTestId("new-operator-password").textContent()) ?? "";
      expect(password.length).toBeGreaterThanOrEqual(12);
      kassa.rememberSecret(password);
      await expect.poll(() => page.getByTestId("operators-table").textContent()).toContain("zhao.viewer");
      await settledShot(page, "operators");
      await tab.assertClean();
      await tab.close();

      const viewer = await openConsole(browser, `${kassa.url}/console/alerts?open=false`);
      await logInThroughForm(viewer.page, "zhao.viewer", password);
      await viewer.page.getByTestId("alerts-table").waitFor();
      expect(await viewer.page.getByTestId("menu-operators").count()).toBe(0);
      expect(await viewer.page.getByTestId("menu-audit").count()).toBe(0);
      expect(await viewer.page.getByTestId("alert-acknowledge").count()).toBe(0);
      expect(await viewer.page.getByTestId("alert-resolve").count()).toBe(0);
      const refused = await viewer.page.evaluate(
        "fetch('/admin/v1/operators').then((answer) => answer.json()).then((body) => body.code)",
      );
      expect(refused).toBe("ADMIN_FORBIDDEN");
      await viewer.close();
    }, 60_000);

    it("opens on the dashboard: today's and this month's paid amount and conversion, and ECharts charts by hour and day", async () => {
      const tab = await openConsole(browser, `${kassa.url}/console`);
      const { page } = tab;
      await logInThroughForm(page, "wang.admin", PASSWORD);
      // One paid order of ¥24.00 and one unpaid (the hostile product's) were created today.
      await expect.poll(() => page.getByTestId("today-paid").textContent()).toContain("¥24.00");
      expect(await page.getByTestId("month-paid").textContent()).toContain("¥24.00");
      expect(await page.getByTestId("today-conversion").textContent()).toContain("50.0%");
      expect(await page.getByTestId("chart-by-hour").locator("canvas").count()).toBe(1);
      expect(await page.getByTestId("chart-by-day").locator("canvas").count()).toBe(1);
      await page.getByTestId("chart-by-hour").hover();
      await settledShot(page, "dashboard");
      await tab.assertClean();
      await tab.close();
    }, 60_000);
  },
);
