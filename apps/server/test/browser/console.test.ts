import { mkdirSync } from "node:fs";
import { join } from "node:path";
import { Secret } from "otpauth";
import type { Browser } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createOperator } from "../../src/app/admin/create-operator.ts";
import { totpOf } from "../../src/app/admin/operator-login.ts";
import { KassaUnderTest } from "../kassa-harness.ts";
import { ARTIFACTS, CHROMIUM_AVAILABLE, launchChromium } from "./chromium.ts";
import { logInThroughForm, openConsole } from "./console-page.ts";

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

beforeAll(async () => {
  if (!CHROMIUM_AVAILABLE) return;
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
  browser = await launchChromium();
  mkdirSync(ARTIFACTS, { recursive: true });
}, 60_000);
afterAll(async () => {
  await browser?.close();
  await kassa?.close();
});

const shot = (name: string) => join(ARTIFACTS, `console-${name}.png`);

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
      await page.screenshot({ path: shot("login"), fullPage: true });

      await page.getByTestId("login-name").fill("wang.admin");
      await page.getByTestId("login-password").fill("not-the-password");
      await page.getByTestId("login-submit").click();
      await page.getByTestId("login-error").waitFor();

      await logInThroughForm(page, "wang.admin", PASSWORD);
      expect(await page.getByTestId("operator-login").textContent()).toBe("wang.admin");
      expect(await page.getByTestId("operator-role").textContent()).toBe("管理员");
      await page.screenshot({ path: shot("home"), fullPage: true });

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
  },
);
