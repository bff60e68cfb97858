import { spawnSync } from "node:child_process";
import { join } from "node:path";
import type { Browser, Page } from "playwright-core";
import { expect } from "vitest";
import { ARTIFACTS } from "./chromium.ts";

/**
 * The console's sources may have changed since `npm install` built it: test what they say
 * now (a few milliseconds when the build is fresh, as on CI right after npm ci).
 */
export function buildConsoleIfStale(): void {
  const build = spawnSync(
    process.execPath,
    [join(import.meta.dirname, "../../../console/scripts/build-if-stale.mjs")],
    { stdio: "inherit" },
  );
  expect(build.status).toBe(0);
}

/**
 * A screenshot into test-artifacts/ once the page has settled: no table still loading,
 * animations over. A locator, not `waitForFunction`: a predicate string is evaluated in the
 * page, and the console's CSP (no 'unsafe-eval') refuses it, as it should.
 */
export async function settledShot(page: Page, name: string): Promise<void> {
  await page.locator(".ant-spin-spinning, .ant-skeleton").first().waitFor({ state: "detached" });
  await page.waitForTimeout(400);
  await page.screenshot({ path: join(ARTIFACTS, `console-${name}.png`), fullPage: true });
}

/**
 * A console tab that records what must never happen on a console page: a CSP violation
 * (the page's policy has no 'unsafe-inline'), an error in the browser's console, or an
 * uncaught exception. `assertClean()` at the end of each test.
 */
export interface WatchedPage {
  page: Page;
  assertClean(): Promise<void>;
  close(): Promise<void>;
}

/**
 * `refusalsExpected`: requests whose 4xx the test provokes on purpose (a day not ready yet,
 * say), matched on the URL: Chromium logs them as errors, but the page showing the refusal is
 * what the test checks.
 */
export async function openConsole(
  browser: Browser,
  url: string,
  refusalsExpected: readonly RegExp[] = [],
): Promise<WatchedPage> {
  const context = await browser.newContext({ viewport: { width: 1280, height: 800 }, locale: "zh-CN" });
  const page = await context.newPage();
  const problems: string[] = [];
  page.on("console", (message) => {
    if (message.type() !== "error") return;
    // Chromium logs every 4xx fetch as an error. A 401 from /admin/v1/session is an answer the
    // console expects and shows (nobody logged in yet, a wrong password, the TOTP step).
    const expected401 =
      message.text().includes("status of 401") && message.location().url.endsWith("/admin/v1/session");
    const provoked =
      /status of 4\d\d/.test(message.text()) &&
      refusalsExpected.some((pattern) => pattern.test(message.location().url));
    if (!expected401 && !provoked)
      problems.push(`console error: ${message.text()} (${message.location().url})`);
  });
  page.on("pageerror", (error) => problems.push(`page error: ${error.message}`));
  // A string, not a function: this package's TypeScript has no DOM types.
  await page.addInitScript({
    content: `window.cspViolations = [];
      document.addEventListener("securitypolicyviolation", (event) => {
        window.cspViolations.push(event.violatedDirective + " blocked " + (event.blockedURI || "inline") + " (" + event.sample + ")");
      });
      // The violation event says no more than "inline": name the <style> that had no nonce.
      new MutationObserver((changes) => {
        for (const change of changes)
          for (const node of change.addedNodes)
            if (node.nodeName === "STYLE" && !node.nonce)
              window.cspViolations.push("a <style> without the nonce: " + node.textContent.slice(0, 120));
      }).observe(document, { childList: true, subtree: true });`,
  });
  await page.goto(url);
  return {
    page,
    async assertClean() {
      const violations = (await page.evaluate("window.cspViolations")) as string[];
      expect([...violations, ...problems]).toEqual([]);
    },
    close: () => context.close(),
  };
}

/** Log in through the page's form (and the TOTP field, when `totp` is given). */
export async function logInThroughForm(
  page: Page,
  login: string,
  password: string,
  totp?: () => string,
): Promise<void> {
  await page.getByTestId("login-name").fill(login);
  await page.getByTestId("login-password").fill(password);
  await page.getByTestId("login-submit").click();
  if (totp) {
    await page.getByTestId("login-totp").fill(totp());
    await page.getByTestId("login-submit").click();
  }
  await page.getByTestId("operator-login").waitFor();
}
