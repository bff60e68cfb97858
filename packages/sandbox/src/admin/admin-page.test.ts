import { afterAll, beforeAll, describe, expect, it } from "vitest";
import {
  callApi,
  createTestMerchant,
  loginOpenid,
  prepayOrder,
  startTestSandbox,
  type TestMerchant,
} from "../../test/test-sandbox.ts";
import { PAGE_CSP } from "../http/html.ts";
import type { RunningSandbox } from "../start.ts";

let sandbox: RunningSandbox;
let merchant: TestMerchant;
let openid: string;

beforeAll(async () => {
  sandbox = await startTestSandbox();
  merchant = await createTestMerchant(sandbox, { merchantName: "Shop <b>bold</b>" });
  openid = await loginOpenid(sandbox, merchant);
});
afterAll(() => sandbox.close());

const page = async () => {
  const response = await fetch(`${sandbox.url}/admin`);
  return { response, html: await response.text() };
};

describe("the admin page at /admin", () => {
  it("lists merchants, orders, refunds and notifications as plain HTML, escaped, under a strict CSP", async () => {
    const unpaid = await prepayOrder(sandbox, merchant, openid, {
      description: "<img src=x onerror=alert(1)>",
    });
    const paid = await prepayOrder(sandbox, merchant, openid, { amount: { total: 990 } });
    await sandbox.admin.payOrder(merchant.mchid, paid.outTradeNo);
    await callApi(sandbox, merchant, {
      method: "POST",
      url: "/v3/refund/domestic/refunds",
      body: {
        out_trade_no: paid.outTradeNo,
        out_refund_no: "RF-PAGE-1",
        amount: { refund: 90, total: 990, currency: "CNY" },
      },
    });
    const { response, html } = await page();
    expect(response.status).toBe(200);
    expect(response.headers.get("content-type")).toBe("text/html; charset=utf-8");
    expect(response.headers.get("content-security-policy")).toBe(PAGE_CSP);
    for (const table of ["merchants", "orders", "refunds", "notifications"])
      expect(html).toContain(`data-testid="${table}"`);
    expect(html).toContain(merchant.mchid);
    expect(html).toContain("Shop &lt;b&gt;bold&lt;/b&gt;");
    expect(html).toContain("&lt;img src=x onerror=alert(1)&gt;");
    expect(html).not.toContain("<img");
    expect(html).not.toContain("<script");
    expect(html).toContain(unpaid.outTradeNo);
    expect(html).toContain("¥9.90");
    expect(html).toContain("RF-PAGE-1");
    expect(html).toContain("TRANSACTION.SUCCESS");
  });

  it("links an unpaid order to the cashier with a paySign made as the merchant's server would, and the link pays", async () => {
    const { outTradeNo } = await prepayOrder(sandbox, merchant, openid);
    const { html } = await page();
    const row = html.split("<tr>").find((line) => line.includes(outTradeNo))!;
    const href = /href="([^"]+)" data-testid="cashier-link"/.exec(row)![1]!.replaceAll("&amp;", "&");
    const cashierPage = await (await fetch(`${sandbox.url}${href}`)).text();
    expect(cashierPage).toContain(outTradeNo);
    const form = new URLSearchParams(href.split("?")[1]);
    form.set("action", "pay");
    const paid = await fetch(`${sandbox.url}/cashier`, {
      method: "POST",
      body: form.toString(),
      headers: { "Content-Type": "application/x-www-form-urlencoded" },
    });
    expect(await paid.text()).toContain("requestPayment:ok");
    expect(sandbox.admin.getOrder(merchant.mchid, outTradeNo).state).toBe("SUCCESS");
  });

  it("pays an order over the admin API without a paySign, refusing a second payment", async () => {
    const { outTradeNo } = await prepayOrder(sandbox, merchant, openid);
    const url = `${sandbox.url}/admin/orders/${merchant.mchid}/${outTradeNo}/pay`;
    const paid = await fetch(url, { method: "POST", body: JSON.stringify({ bankType: "BOC_CREDIT" }) });
    expect(paid.status).toBe(200);
    expect(await paid.json()).toMatchObject({ state: "SUCCESS", transaction: { bank_type: "BOC_CREDIT" } });
    const again = await fetch(url, { method: "POST" });
    expect(again.status).toBe(409);
    expect(await again.json()).toMatchObject({ code: "ORDER_NOT_PAYABLE" });
    expect(
      (await fetch(`${sandbox.url}/admin/orders/${merchant.mchid}/NOPE/pay`, { method: "POST" })).status,
    ).toBe(404);
  });

  it("moves the bill availability rule over HTTP, refusing values out of range", async () => {
    const set = await fetch(`${sandbox.url}/admin/bills/ready-delay`, {
      method: "POST",
      body: JSON.stringify({ ms: 0 }),
    });
    expect(await set.json()).toEqual({ billReadyDelayMs: 0 });
    const refused = await fetch(`${sandbox.url}/admin/bills/ready-delay`, {
      method: "POST",
      body: JSON.stringify({ ms: -86_400_001 }),
    });
    expect(refused.status).toBe(400);
  });
});
