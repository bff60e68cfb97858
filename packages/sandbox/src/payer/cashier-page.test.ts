import { afterAll, beforeAll, describe, expect, it } from "vitest";
import {
  createTestMerchant,
  loginOpenid,
  prepayOrder,
  requestPaymentFor,
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
  merchant = await createTestMerchant(sandbox, { merchantName: "Kassa <Tea> & Co" });
  openid = await loginOpenid(sandbox, merchant);
});
afterAll(() => sandbox.close());

async function payment(overrides: Record<string, unknown> = {}) {
  const order = await prepayOrder(sandbox, merchant, openid, overrides);
  return { ...order, params: await requestPaymentFor(sandbox, merchant, order.prepayId) };
}

/** The text inside the element carrying this data-testid (the pages are flat, no nesting of the same tag). */
function byTestId(html: string, testid: string): string | undefined {
  const match = new RegExp(`data-testid="${testid}"[^>]*>([^<]*)<`).exec(html);
  return match?.[1];
}

async function getPage(path: string) {
  const response = await fetch(`${sandbox.url}${path}`);
  return { response, html: await response.text() };
}

async function submit(form: Record<string, string>) {
  const response = await fetch(`${sandbox.url}/cashier`, {
    method: "POST",
    headers: { "Content-Type": "application/x-www-form-urlencoded" },
    body: new URLSearchParams(form).toString(),
  });
  return { response, html: await response.text() };
}

describe("the cashier page (§7.1, for a person and a browser test)", () => {
  it("shows the merchant, the amount in yuan and the description, escaped, with no script and a strict CSP", async () => {
    const { params, outTradeNo } = await payment({
      amount: { total: 1999 },
      description: "<script>alert(1)</script> 奶茶",
    });
    const { response, html } = await getPage(`/cashier?${new URLSearchParams({ ...params })}`);
    expect(response.status).toBe(200);
    expect(response.headers.get("content-type")).toBe("text/html; charset=utf-8");
    expect(response.headers.get("content-security-policy")).toBe(PAGE_CSP);
    expect(PAGE_CSP).toContain("default-src 'none'");
    expect(byTestId(html, "cashier-merchant-name")).toBe("Kassa &lt;Tea&gt; &amp; Co");
    expect(byTestId(html, "cashier-amount")).toBe("19.99");
    expect(byTestId(html, "cashier-description")).toBe("&lt;script&gt;alert(1)&lt;/script&gt; 奶茶");
    expect(byTestId(html, "cashier-out-trade-no")).toBe(outTradeNo);
    expect(html).not.toMatch(/<script|<link|src=|https?:\/\//i);
    for (const testid of [
      "cashier-bank-type",
      "cashier-pay",
      "cashier-cancel",
      "cashier-fail-reason",
      "cashier-fail",
    ]) {
      expect(html).toContain(`data-testid="${testid}"`);
    }
    expect(html).toMatch(/<label for="bankType">/);
  });

  it("pays through its form with the chosen bank, showing requestPayment:ok and the new state", async () => {
    const { params, outTradeNo } = await payment();
    const { response, html } = await submit({ ...params, action: "pay", bankType: "ICBC_DEBIT" });
    expect(response.status).toBe(200);
    expect(byTestId(html, "cashier-errmsg")).toBe("requestPayment:ok");
    expect(byTestId(html, "cashier-trade-state")).toBe("SUCCESS");
    expect(byTestId(html, "cashier-transaction-id")).toMatch(/^42000\d{23}$/);
    expect(sandbox.admin.getOrder(merchant.mchid, outTradeNo).transaction.bank_type).toBe("ICBC_DEBIT");
  });

  it("cancels and fails through its form, leaving the order NOTPAY", async () => {
    const { params, outTradeNo } = await payment();
    const cancelled = await submit({ ...params, action: "cancel" });
    expect(byTestId(cancelled.html, "cashier-errmsg")).toBe("requestPayment:fail cancel");
    const failed = await submit({ ...params, action: "fail", reason: "WRONG_PASSWORD" });
    expect(byTestId(failed.html, "cashier-errmsg")).toBe("requestPayment:fail 支付密码错误");
    expect(byTestId(failed.html, "cashier-trade-state")).toBe("NOTPAY");
    expect(sandbox.admin.getOrder(merchant.mchid, outTradeNo).payerActions.map((a) => a.action)).toEqual([
      "cancel",
      "fail",
    ]);
  });

  it("offers a form to paste the parameters as JSON, and opens the cashier from it", async () => {
    const blank = await getPage("/cashier");
    expect(blank.response.status).toBe(200);
    expect(blank.html).toContain('data-testid="cashier-request"');
    const { params } = await payment({ amount: { total: 5 } });
    const opened = await getPage(`/cashier?${new URLSearchParams({ request: JSON.stringify(params) })}`);
    expect(byTestId(opened.html, "cashier-amount")).toBe("0.05");
  });

  it("shows why it refuses: a bad paySign, pasted text that is not JSON", async () => {
    const { params } = await payment();
    const refused = await getPage(`/cashier?${new URLSearchParams({ ...params, paySign: "AAAA" })}`);
    expect(refused.response.status).toBe(400);
    expect(refused.response.headers.get("content-security-policy")).toBe(PAGE_CSP);
    expect(byTestId(refused.html, "cashier-error-code")).toBe("PAY_SIGN_INVALID");
    const garbled = await getPage(`/cashier?${new URLSearchParams({ request: "not json" })}`);
    expect(byTestId(garbled.html, "cashier-error-code")).toBe("PAYMENT_REQUEST_INVALID");
  });
});
