import { fenToYuan, rfc3339Beijing } from "@kassa/wechatpay";
import { escapeHtml, HtmlPage } from "../http/html.ts";
import { BANK_TYPES } from "./bank-types.ts";
import { PAYER_FAILURES, type PayerOutcome } from "./payer-actions.ts";
import type { CheckedPayment, PaymentRequest } from "./payment-request.ts";

/**
 * The cashier's pages, standing in for the sheet WeChat shows after `wx.requestPayment`
 * (§7.1): plain forms, no scripts, labels a person reads and `data-testid`s a browser test
 * finds. Every value is escaped: a description is the merchant's free text.
 */

const REQUEST_FIELDS = ["appId", "timeStamp", "nonceStr", "package", "signType", "paySign"] as const;

export function pastePage(error?: string): HtmlPage {
  return new HtmlPage(
    "Sandbox cashier",
    `<h1>WeChat Pay sandbox cashier</h1>
${error ? `<p class="error" data-testid="cashier-error">${escapeHtml(error)}</p>` : ""}
<form method="get" action="/cashier">
<label for="request">Paste the object your server returned for <code>wx.requestPayment</code> (appId, timeStamp, nonceStr, package, signType, paySign), as JSON:</label>
<textarea id="request" name="request" data-testid="cashier-request"></textarea>
<p><button type="submit" data-testid="cashier-open">Open the cashier</button></p>
</form>`,
  );
}

export function paymentPage(checked: CheckedPayment): HtmlPage {
  const { order, merchant, request, prepay } = checked;
  const hidden = REQUEST_FIELDS.map(
    (field) => `<input type="hidden" name="${field}" value="${escapeHtml(request[field])}">`,
  ).join("\n");
  const banks = BANK_TYPES.map(
    (bank) =>
      `<option value="${escapeHtml(bank.code)}">${escapeHtml(bank.label)} (${escapeHtml(bank.code)})</option>`,
  ).join("");
  const failures = Object.entries(PAYER_FAILURES)
    .map(([code, failure]) => `<option value="${code}">${escapeHtml(failure.detail)} (${code})</option>`)
    .join("");
  return new HtmlPage(
    `Pay ${merchant.merchantName}`,
    `<h1>Pay <span data-testid="cashier-merchant-name">${escapeHtml(merchant.merchantName)}</span></h1>
<p class="amount">¥<span data-testid="cashier-amount">${fenToYuan(order.amountTotal)}</span></p>
<p data-testid="cashier-description">${escapeHtml(order.description)}</p>
<p class="muted">Order <span data-testid="cashier-out-trade-no">${escapeHtml(order.outTradeNo)}</span>
 · prepay_id valid until ${escapeHtml(rfc3339Beijing(prepay.expiresAt))}</p>
<form method="post" action="/cashier" class="actions">
${hidden}
<fieldset><legend>Pay</legend>
<label for="bankType">Pay with</label>
<select id="bankType" name="bankType" data-testid="cashier-bank-type">${banks}</select>
<button type="submit" name="action" value="pay" data-testid="cashier-pay">Pay ¥${fenToYuan(order.amountTotal)}</button>
</fieldset>
<fieldset><legend>Or</legend>
<button type="submit" name="action" value="cancel" data-testid="cashier-cancel">Cancel (requestPayment:fail cancel)</button>
</fieldset>
<fieldset><legend>Simulate a failure</legend>
<label for="reason">Failure</label>
<select id="reason" name="reason" data-testid="cashier-fail-reason">${failures}</select>
<button type="submit" name="action" value="fail" data-testid="cashier-fail">Fail the payment</button>
</fieldset>
</form>`,
  );
}

export function outcomePage(outcome: PayerOutcome): HtmlPage {
  const ok = outcome.errMsg === "requestPayment:ok";
  return new HtmlPage(
    ok ? "Paid" : "Not paid",
    `<h1 class="${ok ? "ok" : "error"}" data-testid="cashier-result">${ok ? "Paid" : "Not paid"}</h1>
<p>wx.requestPayment would report <code data-testid="cashier-errmsg">${escapeHtml(outcome.errMsg)}</code></p>
${outcome.message ? `<p data-testid="cashier-reason">${escapeHtml(outcome.message)}</p>` : ""}
<p>Order <span data-testid="cashier-out-trade-no">${escapeHtml(outcome.outTradeNo)}</span> is now
 <strong data-testid="cashier-trade-state">${escapeHtml(outcome.tradeState)}</strong>${
   outcome.transactionId
     ? `, transaction_id <span data-testid="cashier-transaction-id">${escapeHtml(outcome.transactionId)}</span>`
     : ""
 }.</p>
<p class="muted">Your server learns the outcome from the notification or by querying the order, never from this page (§7.1).</p>`,
  );
}

export function errorPage(code: string, message: string, errMsg: string): HtmlPage {
  return new HtmlPage(
    "Payment refused",
    `<h1 class="error">Payment refused</h1>
<p data-testid="cashier-error"><code data-testid="cashier-error-code">${escapeHtml(code)}</code>: ${escapeHtml(message)}</p>
<p>wx.requestPayment would report <code data-testid="cashier-errmsg">${escapeHtml(errMsg)}</code></p>
<p><a href="/cashier">Paste other parameters</a></p>`,
  );
}

/** The request fields carried by a query string or a form. */
export function requestFromForm(values: URLSearchParams): Partial<PaymentRequest> {
  return Object.fromEntries(
    REQUEST_FIELDS.flatMap((field) => {
      const value = values.get(field);
      return value === null ? [] : [[field, value]];
    }),
  );
}
