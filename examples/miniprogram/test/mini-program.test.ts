import { rmSync } from "node:fs";
import { createRequire } from "node:module";
import { join } from "node:path";
import type { JSDOM } from "jsdom";
import { afterAll, beforeAll, describe, expect, test } from "vitest";
import { DEMO_MERCHANT } from "../../../apps/server/src/channels/demo-sandbox.ts";
import { CHROMIUM_AVAILABLE } from "../../../apps/server/test/browser/chromium.ts";
import { KassaUnderTest } from "../../../apps/server/test/kassa-harness.ts";
import { buildMiniProgram } from "./build-mini-program.ts";
import { installDom } from "./dom.ts";
import { PageDriver } from "./page-driver.ts";
import { closeScreenshots, screenshot } from "./page-screenshot.ts";
import { createWxRuntime, type WxRuntime } from "./wx-runtime.ts";

/**
 * The example mini program (examples/miniprogram, issue 15) against Kassa in demo mode over
 * real HTTP: its pages rendered by miniprogram-simulate, its client module (utils/kassa.ts)
 * calling the real API. Only wx.login and wx.requestPayment are doubles, and they call the
 * simulator (wx-runtime.ts): WeChat's runtime cannot run here.
 */

const require = createRequire(import.meta.url);
/** Short, so "not confirmed yet" shows after one confirm (which itself waits up to 3 s). */
const PAY_WAIT_MS = 2_500;
const OPENID = "o_miniprogram_test_payer_0001";

interface KassaModule {
  call<T>(method: string, path: string, options?: { body?: unknown }): Promise<T>;
  sessionToken(): Promise<string>;
}

let dom: JSDOM;
let kassa: KassaUnderTest;
let buildDir: string;
let runtime: WxRuntime;
let client: KassaModule;

beforeAll(async () => {
  dom = installDom();
  kassa = await KassaUnderTest.start();
  kassa.rememberSecret(OPENID);
  buildDir = buildMiniProgram(kassa.url, { payWaitMs: PAY_WAIT_MS });
  runtime = createWxRuntime({ simulatorUrl: kassa.sandbox.url, appid: DEMO_MERCHANT.appid, openid: OPENID });
  // miniprogram-simulate merges a `wx` already there over its own mock API when it loads.
  (globalThis as Record<string, unknown>).wx = runtime.wx;
  require("miniprogram-simulate");
  client = require(join(buildDir, "utils/kassa.js")) as KassaModule;
});

afterAll(async () => {
  const token = runtime?.storage.get("kassa.session") as { token: string } | undefined;
  if (token) kassa.rememberSecret(token.token);
  await kassa?.close();
  if (buildDir) rmSync(buildDir, { recursive: true, force: true });
});

const open = (url: string, dir = buildDir) => PageDriver.open(dir, url, dom);

/** The order page a tap navigated to, opened as WeChat would open it. */
async function followNavigation(dir = buildDir): Promise<PageDriver> {
  const url = runtime.navigations.at(-1);
  if (!url) throw new Error("the page navigated nowhere");
  return open(url, dir);
}

async function orderFromCatalog(
  productId = "prd_jasmine_tea",
  quantity = 2,
  dir = buildDir,
): Promise<PageDriver> {
  const catalog = await open("/pages/catalog/catalog", dir);
  for (let i = 0; i < quantity; i += 1) await catalog.tap(`#more-${productId}`);
  await catalog.tap("#checkout");
  expect(catalog.text("#error")).toBeUndefined();
  return followNavigation(dir);
}

const orderIdOf = (page: PageDriver) => String((page.data.order as { id: string }).id);

/** What the mini program did from `mark` on (runtime.calls), to see that Kassa was asked after paying. */
function callsSince(mark: number): string[] {
  return runtime.calls.slice(mark);
}

/** `later` comes after `earlier` in the calls since `mark`. */
function expectAfter(mark: number, earlier: string, later: string): void {
  const calls = callsSince(mark);
  const first = calls.indexOf(earlier);
  expect(first, `${earlier} in ${calls.join(", ")}`).toBeGreaterThanOrEqual(0);
  expect(calls.indexOf(later, first), `${later} after ${earlier} in ${calls.join(", ")}`).toBeGreaterThan(
    first,
  );
}

/** Runs `body` as another payer (a fresh wx.login for `openid`), then logs the usual payer in again. */
async function asPayer(openid: string, body: () => Promise<void>): Promise<void> {
  const [before, stored] = [runtime.openid, runtime.storage.get("kassa.session")];
  runtime.openid = openid;
  runtime.storage.delete("kassa.session");
  try {
    await body();
  } finally {
    const own = runtime.storage.get("kassa.session") as { token: string } | undefined;
    if (own) kassa.rememberSecret(own.token);
    runtime.openid = before;
    runtime.storage.set("kassa.session", stored);
  }
}

async function payOn(order: PageDriver, payer: WxRuntime["payer"]): Promise<void> {
  runtime.payer = payer;
  await order.tap("#pay");
}

describe("each page renders what Kassa answers", () => {
  test("the catalog shows Kassa's products and prices, and the cart counts units only", async () => {
    const catalog = await open("/pages/catalog/catalog");
    const items = (await kassa.request("GET", "/v1/catalog")).body as {
      items: { id: string; name: string; priceYuan: string }[];
    };
    for (const item of items.items) {
      expect(catalog.text(`#item-${item.id}`)).toContain(item.name);
      expect(catalog.text(`#item-${item.id}`)).toContain(`¥${item.priceYuan}`);
    }
    await catalog.tap("#more-prd_jasmine_tea");
    await catalog.tap("#more-prd_jasmine_tea");
    await catalog.tap("#less-prd_jasmine_tea");
    expect(catalog.text("#quantity-prd_jasmine_tea")).toBe("1");
    expect(catalog.text("#cart-count")).toContain("1 in the cart");
  });

  test("the wallet shows the balance, the tiers and the custom bounds", async () => {
    const wallet = await open("/pages/wallet/wallet");
    expect(wallet.text("#error")).toBeUndefined();
    expect(wallet.text("#balance")).toMatch(/^¥\d+\.\d{2}$/);
    expect(wallet.html).toContain("Pay ¥100.00, get ¥110.00");
    // The custom amount's bounds, in its input's placeholder (simulate renders no attributes of inputs).
    expect([wallet.data.minYuan, wallet.data.maxYuan]).toEqual(["1.00", "5000.00"]);
  });

  test("the booking calendar shows the open slots by day", async () => {
    const booking = await open("/pages/booking/booking");
    const slots = (await kassa.request("GET", "/v1/booking-slots", { token: await client.sessionToken() }))
      .body as { data: { id: string; start: string; priceYuan: string }[] };
    const first = slots.data[0]!;
    expect(booking.has(`#day-${first.start.slice(0, 10)}`)).toBe(true);
    expect(booking.text(`#slot-${first.id}`)).toContain(`¥${first.priceYuan} a seat`);
  });

  test("the tip page shows each recipient's rules", async () => {
    const tip = await open("/pages/tip/tip");
    const page = (await kassa.request("GET", "/v1/tip-recipients", { token: await client.sessionToken() }))
      .body as { data: { id: string; name: string }[] };
    const recipient = page.data[0]!;
    expect(tip.text(`#recipient-${recipient.id}`)).toContain(recipient.name);
    expect(tip.text(`#rules-${recipient.id}`)).toBe("¥1.00–¥200.00 a tip, ¥500.00 left today");
  });

  test("order history lists the payer's orders, newest first, and opens one", async () => {
    const older = String(((await orderFromCatalog("prd_jasmine_tea", 1)).data.order as { id: string }).id);
    const id = String(((await orderFromCatalog("prd_jasmine_tea", 1)).data.order as { id: string }).id);
    const history = await open("/pages/orders/orders");
    expect(history.text(`#status-${id}`)).toBe("PENDING");
    const shown = (history.data.orders as { id: string }[]).map((order) => order.id);
    expect(shown.indexOf(id)).toBe(0);
    expect(shown.indexOf(older)).toBe(1);
    await history.tap(`#order-${id}`);
    expect(runtime.navigations.at(-1)).toBe(`/pages/order/order?id=${id}`);
  });

  test("order history pages with Kassa's nextCursor: More shows the rest, none twice, then no More", async () => {
    // A payer of their own, so the history holds exactly these orders (closed, so the open-order cap allows 12).
    const openid = "o_miniprogram_test_payer_0002";
    kassa.rememberSecret(openid);
    const token = await kassa.login(openid);
    for (let i = 0; i < 12; i += 1) {
      const made = await kassa.request("POST", "/v1/orders", {
        token,
        body: { items: [{ productId: "prd_jasmine_tea", quantity: 1 }] },
      });
      expect(made.status).toBe(201);
      const cancelled = await kassa.request("POST", `/v1/orders/${(made.body as { id: string }).id}/cancel`, {
        token,
      });
      expect(cancelled.status).toBe(200);
    }
    const all = (await kassa.request("GET", "/v1/orders?limit=100", { token })).body as {
      data: { id: string }[];
    };
    expect(all.data).toHaveLength(12);
    await asPayer(openid, async () => {
      const history = await open("/pages/orders/orders");
      const shown = () => (history.data.orders as { id: string }[]).map((order) => order.id);
      expect(shown()).toEqual(all.data.slice(0, 10).map((order) => order.id));
      expect(history.has("#more")).toBe(true);
      await history.tap("#more");
      expect(history.text("#error")).toBeUndefined();
      expect(shown()).toEqual(all.data.map((order) => order.id));
      expect(history.text(`#status-${all.data[11]!.id}`)).toBe("CLOSED");
      expect(history.has("#more")).toBe(false);
    });
  });
});

describe("paying: Kassa's answer decides, whatever wx.requestPayment said", () => {
  test("paid: the order page shows Kassa's total, then paid with WeChat Pay's transaction id", async () => {
    const order = await orderFromCatalog("prd_jasmine_tea", 2);
    const catalog = (await kassa.request("GET", "/v1/catalog")).body as {
      items: { id: string; priceFen: number }[];
    };
    const price = catalog.items.find((item) => item.id === "prd_jasmine_tea")!.priceFen;
    expect(order.text("#amount")).toBe(
      `¥${Math.floor((2 * price) / 100)}.${String((2 * price) % 100).padStart(2, "0")}`,
    );
    await payOn(order, "pay");
    expect(order.text("#pay-state")).toBe("Paid 已支付");
    expect(order.text("#status")).toBe("PAID");
    expect(order.text("#transaction")).toMatch(/^\d{28}$/);
    expect(order.has("#pay")).toBe(false);
  });

  test("the payer cancels: the page says cancelled, the order stays payable, and paying again works", async () => {
    const order = await orderFromCatalog();
    const mark = runtime.calls.length;
    await payOn(order, "cancel");
    expect(order.text("#pay-state")).toBe("Cancelled: not paid 已取消");
    expect(order.text("#status")).toBe("PENDING");
    // Cancelled is Kassa's word (not paid) read with the sheet's hint, not the hint alone.
    expectAfter(mark, "wx.requestPayment", `POST /v1/orders/${orderIdOf(order)}/confirm`);
    await payOn(order, "pay");
    expect(order.text("#pay-state")).toBe("Paid 已支付");
  });

  test.each(["pay-then-report-fail", "pay-then-report-cancel"] as const)(
    "a fail whose payment went through shows paid once Kassa is asked (%s)",
    async (payer) => {
      const order = await orderFromCatalog();
      await payOn(order, payer);
      expect(order.text("#pay-state")).toBe("Paid 已支付");
      expect(order.text("#status")).toBe("PAID");
    },
  );

  test("the payment fails at the cashier: the page says not paid, try again, once Kassa says so", async () => {
    const order = await orderFromCatalog();
    const mark = runtime.calls.length;
    await payOn(order, "fail");
    expect(order.text("#pay-state")).toBe("Not paid 支付未成功: try again");
    expect(order.text("#status")).toBe("PENDING");
    expectAfter(mark, "wx.requestPayment", `POST /v1/orders/${orderIdOf(order)}/confirm`);
    await payOn(order, "pay");
    expect(order.text("#pay-state")).toBe("Paid 已支付");
  });

  test("Cancel order: Kassa closes it, the page shows closed and offers no payment", async () => {
    const order = await orderFromCatalog();
    await order.tap("#cancel");
    expect(order.text("#error")).toBeUndefined();
    expect(order.text("#pay-state")).toBe("Closed: this order can no longer be paid 已关闭");
    expect(order.text("#status")).toBe("CLOSED");
    expect(order.has("#pay")).toBe(false);
    expect(order.has("#cancel")).toBe(false);
  });

  test("an order paid elsewhere while the page showed it unpaid: Pay shows paid, not a refusal", async () => {
    const order = await orderFromCatalog();
    const id = orderIdOf(order);
    const token = await client.sessionToken();
    const params = (await kassa.request("POST", `/v1/orders/${id}/pay`, { token })).body as Record<
      string,
      string
    >;
    await fetch(`${kassa.sandbox.url}/cashier/api/pay`, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify(params),
    });
    const confirmed = await kassa.request("POST", `/v1/orders/${id}/confirm`, { token });
    expect((confirmed.body as { status: string }).status).toBe("PAID");
    expect(order.text("#status")).toBe("PENDING");
    await payOn(order, "pay");
    expect(order.text("#error")).toBeUndefined();
    expect(order.text("#pay-state")).toBe("Paid 已支付");
    expect(order.text("#status")).toBe("PAID");
  });

  test("an ok Kassa has not seen is 'not confirmed yet' after the bounded wait; check again finds it paid", async () => {
    const order = await orderFromCatalog();
    const startedAt = Date.now();
    await payOn(order, "report-ok-without-paying");
    expect(order.text("#pay-state")).toBe("Not confirmed yet 结果未知: check again");
    expect(order.text("#status")).toBe("PENDING");
    expect(Date.now() - startedAt).toBeLessThan(PAY_WAIT_MS + 4_000);
    // The payer really pays now (at the simulator's cashier); the page asks Kassa again.
    const id = String((order.data.order as { id: string }).id);
    const params = (
      await kassa.request("POST", `/v1/orders/${id}/pay`, { token: await client.sessionToken() })
    ).body as Record<string, string>;
    const paid = await fetch(`${kassa.sandbox.url}/cashier/api/pay`, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify(params),
    });
    expect(paid.status).toBe(200);
    await order.tap("#check-again");
    expect(order.text("#pay-state")).toBe("Paid 已支付");
  });

  test("a top-up from the wallet page is paid on the order page and credits tier plus bonus", async () => {
    const before = (await client.call<{ balanceFen: number }>("GET", "/v1/wallet")).balanceFen;
    const tiers = await client.call<{ data: { id: string; amountFen: number; creditFen: number }[] }>(
      "GET",
      "/v1/wallet/tiers",
    );
    const tier = tiers.data.find((candidate) => candidate.creditFen > candidate.amountFen)!;
    const wallet = await open("/pages/wallet/wallet");
    runtime.payer = "pay";
    await wallet.tap(`#tier-${tier.id}`);
    expect(runtime.navigations.at(-1)).toMatch(/^\/pages\/order\/order\?id=ord_[0-9a-z]{26}&pay=1$/);
    const order = await followNavigation();
    expect(order.text("#pay-state")).toBe("Paid 已支付");
    expect(order.has("#pay-from-wallet")).toBe(false);
    const after = await open("/pages/wallet/wallet");
    const credited = before + tier.creditFen;
    expect(after.text("#balance")).toBe(
      `¥${Math.floor(credited / 100)}.${String(credited % 100).padStart(2, "0")}`,
    );
  });

  test("a booking from the calendar is paid and shows its ticket", async () => {
    const booking = await open("/pages/booking/booking");
    const slotId = (booking.data.slots as { id: string }[])[0]!.id;
    await booking.tap(`#more-${slotId}`);
    expect(booking.text(`#seats-${slotId}`)).toBe("2");
    await booking.tap(`#book-${slotId}`);
    expect(booking.text("#error")).toBeUndefined();
    const order = await followNavigation();
    await payOn(order, "pay");
    expect(order.text("#pay-state")).toBe("Paid 已支付");
    expect(order.text("#ticket")).toMatch(/^tkt_/);
  });

  test("a tip's message shows as the payer typed it, as text, and is paid from the wallet", async () => {
    const tip = await open("/pages/tip/tip");
    const recipientId = (tip.data.recipients as { id: string }[])[0]!.id;
    const message = '<b onclick="x()">谢谢</b> {{order.id}}';
    await tip.tap(`#preset-${recipientId}-666`);
    tip.type(`#message-${recipientId}`, message);
    await tip.tap(`#tip-${recipientId}`);
    expect(tip.text("#error")).toBeUndefined();
    const order = await followNavigation();
    expect(order.text("#amount")).toBe("¥6.66");
    expect(order.text("#tip-message")).toBe(message);
    expect(order.html).not.toContain("<b");
    await order.tap("#pay-from-wallet");
    expect(order.text("#error")).toBeUndefined();
    expect(order.text("#status")).toBe("PAID");
  });
});

describe("demo: true (a Kassa started with npm start, opened in DevTools)", () => {
  let demoDir: string;

  beforeAll(() => {
    demoDir = buildMiniProgram(kassa.url, { payWaitMs: PAY_WAIT_MS, demo: true });
  });
  afterAll(() => {
    if (demoDir) rmSync(demoDir, { recursive: true, force: true });
  });

  /** A demo-mode payer: no session stored, so the first call logs in through /demo/login-code. */
  const asDemoPayer = (body: () => Promise<void>) => asPayer(runtime.openid, body);

  test("logs in with Kassa's /demo/login-code, pays at the simulator's cashier after the dialog's Pay: paid", async () => {
    await asDemoPayer(async () => {
      const mark = runtime.calls.length;
      const order = await orderFromCatalog("prd_jasmine_tea", 1, demoDir);
      runtime.dialog = "confirm";
      await order.tap("#pay");
      expect(order.text("#pay-state")).toBe("Paid 已支付");
      expect(order.text("#status")).toBe("PAID");
      const calls = callsSince(mark);
      // Neither of WeChat's own calls: they know nothing of the simulator.
      expect(calls).not.toContain("wx.login");
      expect(calls).not.toContain("wx.requestPayment");
      expectAfter(mark, "POST /demo/login-code", "POST /v1/session");
      expectAfter(mark, "wx.showModal", "POST /cashier/api/pay");
      expectAfter(mark, "POST /cashier/api/pay", `POST /v1/orders/${orderIdOf(order)}/confirm`);
    });
  });

  test("the dialog's Cancel: the page shows cancelled once Kassa confirms it is not paid", async () => {
    await asDemoPayer(async () => {
      const order = await orderFromCatalog("prd_jasmine_tea", 1, demoDir);
      const mark = runtime.calls.length;
      runtime.dialog = "cancel";
      await order.tap("#pay");
      expect(order.text("#pay-state")).toBe("Cancelled: not paid 已取消");
      expect(order.text("#status")).toBe("PENDING");
      expect(order.has("#pay")).toBe(true);
      expectAfter(mark, "POST /cashier/api/cancel", `POST /v1/orders/${orderIdOf(order)}/confirm`);
    });
  });
});

describe("the session", () => {
  test("a token Kassa no longer takes is renewed with a new wx.login, and the call goes through", async () => {
    const token = await client.sessionToken();
    const logins = runtime.logins;
    // Revoked behind the mini program's back: Kassa answers 401 AUTH_SESSION_INVALID, as for an expired one.
    expect((await kassa.request("DELETE", "/v1/session", { token })).status).toBe(204);
    const wallet = await client.call<{ balanceYuan: string }>("GET", "/v1/wallet");
    expect(wallet.balanceYuan).toMatch(/^\d+\.\d{2}$/);
    expect(runtime.logins).toBe(logins + 1);
    const renewed = await client.sessionToken();
    expect(renewed).not.toBe(token);
    kassa.rememberSecret(token);
    kassa.rememberSecret(renewed);
  });

  test("a session past its expiresAt is renewed before it is sent", async () => {
    const token = await client.sessionToken();
    const stored = runtime.storage.get("kassa.session") as { token: string; expiresAt: number };
    runtime.storage.set("kassa.session", { ...stored, expiresAt: Date.now() - 1 });
    const logins = runtime.logins;
    const renewed = await client.sessionToken();
    expect(runtime.logins).toBe(logins + 1);
    expect(renewed).not.toBe(token);
    kassa.rememberSecret(token);
    kassa.rememberSecret(renewed);
  });
});

describe.skipIf(!CHROMIUM_AVAILABLE)(
  "screenshots: simulate's DOM laid out by Chromium, not WeChat's renderer (skipped: no Chromium; apt-get install -y chromium)",
  () => {
    afterAll(() => closeScreenshots());

    /** Shoots the page into test-artifacts/miniprogram/ and checks it was laid out as a phone's page. */
    async function shoot(page: PageDriver, pagePath: string, name: string): Promise<void> {
      const shot = await screenshot(page, pagePath, name);
      expect(shot.overflowPx, `${name} is wider than the phone`).toBe(0);
      expect(shot.buttonsWithSize, `${name}'s buttons laid out`).toBe(shot.buttons);
    }

    test("the shop, the wallet, the booking calendar, tipping and order history", async () => {
      const catalog = await open("/pages/catalog/catalog");
      await catalog.tap("#more-prd_jasmine_tea");
      await catalog.tap("#more-prd_jasmine_tea");
      await shoot(catalog, "pages/catalog/catalog", "catalog");
      await shoot(await open("/pages/wallet/wallet"), "pages/wallet/wallet", "wallet");
      await shoot(await open("/pages/booking/booking"), "pages/booking/booking", "booking");
      await shoot(await open("/pages/tip/tip"), "pages/tip/tip", "tip");
      await shoot(await open("/pages/orders/orders"), "pages/orders/orders", "orders");
    });

    test("the order page: unpaid, paid, and not confirmed yet", async () => {
      const order = await orderFromCatalog("prd_jasmine_tea", 2);
      await shoot(order, "pages/order/order", "order-pending");
      await payOn(order, "pay");
      expect(order.text("#pay-state")).toBe("Paid 已支付");
      await shoot(order, "pages/order/order", "order-paid");
      const unknown = await orderFromCatalog("prd_jasmine_tea", 1);
      await payOn(unknown, "report-ok-without-paying");
      expect(unknown.text("#pay-state")).toBe("Not confirmed yet 结果未知: check again");
      await shoot(unknown, "pages/order/order", "order-unknown");
      await unknown.tap("#cancel");
      expect(unknown.text("#status")).toBe("CLOSED");
    });
  },
);
