import { mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import type { Browser } from "playwright-core";
import { ARTIFACTS, launchChromium } from "../../../apps/server/test/browser/chromium.ts";
import { SOURCE } from "./build-mini-program.ts";
import type { PageDriver } from "./page-driver.ts";

/**
 * A picture of a page as miniprogram-simulate rendered it: NOT WeChat's renderer. jsdom
 * has no layout, so the page's DOM (simulate's `wx-view`, `wx-text`, `wx-button`, …) is
 * written into an HTML file with the page's own WXSS (app.wxss and the page's, rpx turned
 * into px for a 375 px wide phone, class names prefixed as simulate prefixes them), and
 * Chromium lays it out and paints it. What only WeChat draws is drawn here from the
 * project's own files or approximated, and docs/miniprogram.md says so:
 *   - the built-in components' look (button, input) is a short stylesheet approximating
 *     WeChat's style v2 defaults (BUILT_INS); the attributes it keys on (type, size,
 *     disabled, placeholder, value) are read from simulate's own tree, since its DOM drops them;
 *   - the navigation bar and the tab bar come from app.json and the page's json.
 */

/** A phone's width in CSS px: WXSS's 750rpx. */
const PHONE_WIDTH = 375;
const PHONE_HEIGHT = 667;
/** The attributes of built-in components that change how they look. */
const SHOWN_ATTRIBUTES = ["type", "size", "disabled", "placeholder", "value"];

const BUILT_INS = `
html, body { margin: 0; }
.phone { font-family: -apple-system, "PingFang SC", sans-serif; width: ${PHONE_WIDTH}px; min-height: ${PHONE_HEIGHT}px; display: flex; flex-direction: column; }
.nav { height: 44px; line-height: 44px; text-align: center; font-size: 17px; font-weight: 600; }
.page-body { flex: 1; font-size: 16px; }
.tabbar { display: flex; height: 50px; border-top: 1px solid #e5e5e5; background: #fff; }
.tabbar span { flex: 1; text-align: center; line-height: 50px; font-size: 12px; color: #7a7e83; }
.tabbar span.selected { color: #07c160; }
wx-view { display: block; }
wx-text { display: inline; white-space: pre-wrap; }
wx-button { display: block; box-sizing: border-box; width: 184px; margin: 0 auto; padding: 12px 24px;
  font-size: 17px; font-weight: 700; line-height: 1.41176471; text-align: center; border-radius: 8px;
  color: #06ae56; background: #f2f2f2; }
wx-button[type="primary"] { color: #fff; background: #07c160; }
wx-button[size="mini"] { display: inline-block; width: auto; padding: 0 0.75em; font-size: 13px; line-height: 2.3; }
wx-button[disabled] { color: rgba(0, 0, 0, 0.18); background: #f2f2f2; }
wx-input { display: block; height: 1.4em; line-height: 1.4em; overflow: hidden; white-space: nowrap; }
wx-input::before { content: attr(value); }
wx-input[value=""]::before, wx-input:not([value])::before { content: attr(placeholder); color: #999; }
`;

/** WXSS as Chromium reads simulate's DOM: rpx to px, `page` to the page's body, tags and classes renamed. */
export function translateWxss(wxss: string): string {
  return wxss
    .replace(/(-?\d*\.?\d+)rpx/g, (_all, n: string) => `${(Number(n) * PHONE_WIDTH) / 750}px`)
    .replace(/([^{}]+)\{/g, (_all, selectors: string) => {
      const renamed = selectors
        .split(",")
        .map((selector) =>
          selector
            .replace(/\.([-_a-zA-Z][-_a-zA-Z0-9]*)/g, ".main--$1")
            .replace(/(^|[\s>+~])page\b/g, "$1.page-body")
            .replace(/(^|[\s>+~])(button|input|text|view)\b/g, "$1wx-$2"),
        )
        .join(",");
      return `${renamed}{`;
    });
}

interface ExparserNode {
  $$?: { setAttribute(name: string, value: string): void; removeAttribute(name: string): void };
  _vt?: { tagName?: string; attrs?: { name: string; value: unknown }[] };
  childNodes?: ExparserNode[];
  shadowRoot?: ExparserNode;
}

/** Copies the attributes simulate keeps in its tree but leaves out of the DOM onto the DOM. */
function showAttributes(node: ExparserNode | undefined, depth = 0): void {
  if (!node || depth > 200) return;
  const tag = node._vt?.tagName;
  if ((tag === "button" || tag === "input") && node.$$) {
    for (const { name, value } of node._vt?.attrs ?? []) {
      if (!SHOWN_ATTRIBUTES.includes(name)) continue;
      if (value === false || value === undefined || value === null) node.$$.removeAttribute(name);
      else node.$$.setAttribute(name, value === true ? "" : String(value));
    }
  }
  for (const child of node.childNodes ?? []) showAttributes(child, depth + 1);
  if (node.shadowRoot && depth === 0) showAttributes(node.shadowRoot, depth + 1);
}

const escapeHtml = (text: string) =>
  text.replace(/[&<>"]/g, (c) => ({ "&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;" })[c] ?? c);

/** The HTML file for a page of the built mini program (`pages/order/order`), as it shows now. */
export function pageHtml(driver: PageDriver, pagePath: string): string {
  const app = JSON.parse(readFileSync(join(SOURCE, "app.json"), "utf8")) as {
    window: {
      navigationBarTitleText: string;
      navigationBarBackgroundColor: string;
      navigationBarTextStyle: string;
    };
    tabBar: { list: { pagePath: string; text: string }[] };
  };
  const own = JSON.parse(readFileSync(join(SOURCE, `${pagePath}.json`), "utf8")) as {
    navigationBarTitleText?: string;
  };
  showAttributes((driver.page as unknown as { _exparserNode?: ExparserNode })._exparserNode);
  const wxss = [
    readFileSync(join(SOURCE, "app.wxss"), "utf8"),
    readFileSync(join(SOURCE, `${pagePath}.wxss`), "utf8"),
  ];
  const tabs = app.tabBar.list.some((tab) => tab.pagePath === pagePath)
    ? `<nav class="tabbar">${app.tabBar.list
        .map(
          (tab) =>
            `<span${tab.pagePath === pagePath ? ' class="selected"' : ""}>${escapeHtml(tab.text)}</span>`,
        )
        .join("")}</nav>`
    : "";
  const navColor = app.window.navigationBarTextStyle === "white" ? "#fff" : "#000";
  return `<!doctype html>
<html lang="zh-CN"><head><meta charset="utf-8">
<title>${escapeHtml(pagePath)}: miniprogram-simulate's DOM laid out by Chromium (not WeChat's renderer)</title>
<style>${BUILT_INS}
.nav { background: ${app.window.navigationBarBackgroundColor}; color: ${navColor}; }
${wxss.map(translateWxss).join("\n")}</style></head>
<body><div class="phone">
<header class="nav">${escapeHtml(own.navigationBarTitleText ?? app.window.navigationBarTitleText)}</header>
<div class="page-body">${driver.html}</div>
${tabs}
</div></body></html>
`;
}

let browser: Browser | undefined;

export interface Shot {
  png: string;
  /** How far the laid-out page is wider than the phone (0: it fits). */
  overflowPx: number;
  /** The buttons Chromium laid out with a size, of those in the page. */
  buttonsWithSize: number;
  buttons: number;
}

/** Writes test-artifacts/miniprogram/NAME.html and NAME.png (2x, a phone's width, the page's full height). */
export async function screenshot(driver: PageDriver, pagePath: string, name: string): Promise<Shot> {
  const dir = join(ARTIFACTS, "miniprogram");
  mkdirSync(dir, { recursive: true });
  const htmlFile = join(dir, `${name}.html`);
  writeFileSync(htmlFile, pageHtml(driver, pagePath));
  browser ??= await launchChromium();
  const context = await browser.newContext({
    viewport: { width: PHONE_WIDTH, height: PHONE_HEIGHT },
    deviceScaleFactor: 2,
    offline: true,
  });
  try {
    const page = await context.newPage();
    await page.goto(`file://${htmlFile}`);
    const png = join(dir, `${name}.png`);
    await page.screenshot({ path: png, fullPage: true });
    // A string, not a function: the root tsconfig has no DOM types, and this runs in Chromium.
    const layout = (await page.evaluate(`(() => {
      const buttons = [...document.querySelectorAll("wx-button")];
      return {
        overflowPx: document.documentElement.scrollWidth - window.innerWidth,
        buttons: buttons.length,
        buttonsWithSize: buttons.filter((b) => b.getBoundingClientRect().width > 0 && b.getBoundingClientRect().height > 0).length,
      };
    })()`)) as Omit<Shot, "png">;
    return { png, ...layout };
  } finally {
    await context.close();
  }
}

export async function closeScreenshots(): Promise<void> {
  await browser?.close();
  browser = undefined;
}
