import { rmSync } from "node:fs";
import { createRequire } from "node:module";
import { join } from "node:path";
import type { JSDOM } from "jsdom";
import { afterAll, beforeAll, describe, expect, test } from "vitest";
import { DEMO_MERCHANT } from "../../../apps/server/src/channels/demo-sandbox.ts";
import { KassaUnderTest } from "../../../apps/server/test/kassa-harness.ts";
import { buildMiniProgram } from "./build-mini-program.ts";
import { installDom } from "./dom.ts";
import { PageDriver } from "./page-driver.ts";
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

const open = (url: string) => PageDriver.open(buildDir, url, dom);

/** The order page a tap navigated to, opened as WeChat would open it. */
async function followNavigation(): Promise<PageDriver> {
  const url = runtime.navigations.at(-1);
  if (!url) throw new Error("the page navigated nowhere");
  return open(url);
}

async function orderFromCatalog(productId = "prd_jasmine_tea", quantity = 2): Promise<PageDriver> {
  const catalog = await open("/pages/catalog/catalog");
  for (let i = 0; i < quantity; i += 1) await catalog.tap(`#more-${productId}`);
  await catalog.tap("#checkout");
  expect(catalog.text("#error")).toBeUndefined();
  return followNavigation();
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
    await payOn(order, "cancel");
    expect(order.text("#pay-state")).toBe("Cancelled: not paid 已取消");
    expect(order.text("#status")).toBe("PENDING");
    await payOn(order, "pay");
    expect(order.text("#pay-state")).toBe("Paid 已支付");
  });

  test("a fail whose payment went through shows paid once Kassa is asked", async () => {
    const order = await orderFromCatalog();
    await payOn(order, "pay-then-report-fail");
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
