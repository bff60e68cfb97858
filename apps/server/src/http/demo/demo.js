// The demo mini program: the same calls a real mini program makes, from a browser.

const state = { token: null, order: null, config: null, polling: null, historyCursor: null, messages: {} };
const $ = (id) => document.getElementById(id);

async function api(method, path, body, extraHeaders = {}) {
  const headers = { ...extraHeaders };
  if (body !== undefined) headers["content-type"] = "application/json";
  if (state.token) headers.authorization = `Bearer ${state.token}`;
  const response = await fetch(path, {
    method,
    headers,
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  const data = response.status === 204 ? null : await response.json();
  if (!response.ok) throw new Error(`${data.code}: ${data.message} (request ${data.requestId})`);
  return data;
}

function showError(error) {
  $("error").textContent = error ? String(error.message || error) : "";
}

function showOrder(order) {
  state.order = order;
  $("order-section").hidden = false;
  $("order-id").textContent = order.id;
  $("order-description").textContent = order.description;
  // A tip's message is the payer's plain text: always textContent, never innerHTML.
  if (order.tip) state.messages[order.id] = order.tip.message;
  const message = order.kind === "tip" ? (state.messages[order.id] ?? null) : null;
  $("order-message").textContent = message ?? "";
  $("order-message").hidden = $("order-message-label").hidden = message === null;
  $("order-ticket").hidden = $("order-ticket-label").hidden = true;
  $("order-amount").textContent = `¥${order.amountYuan}`;
  $("order-status").textContent = order.status;
  $("order-status").className = order.status.toLowerCase();
  const open = order.status === "PENDING";
  $("pay").disabled = !open;
  $("cancel").disabled = !open;
  // A top-up is paid through the channel only; the wallet pays purchases, bookings and tips.
  $("pay-from-wallet").hidden = order.kind === "top_up";
  $("pay-from-wallet").disabled = !open;
  if (!open) {
    stopPolling();
    refreshWallet().catch(showError);
    if (order.kind === "booking") showTicket(order).catch(showError);
    if (order.kind === "booking") showSlots().catch(showError);
    if (order.kind === "tip") showRecipients().catch(showError);
  }
}

// A paid booking's ticket admits at the door (the merchant checks it in).
async function showTicket(order) {
  const booked = await api("GET", `/v1/bookings/${order.id}`);
  if (state.order?.id !== order.id || !booked.booking.ticketCode) return;
  $("order-ticket").textContent = booked.booking.ticketCode;
  $("order-ticket").hidden = $("order-ticket-label").hidden = false;
}

// Booking (issue 10): the bookable slots, each with its seats left; Kassa prices the seats.
async function showSlots() {
  const page = await api("GET", "/v1/booking-slots?limit=10");
  $("slots").replaceChildren(
    ...page.data.map((slot) => {
      const li = document.createElement("li");
      li.setAttribute("data-testid", `slot-${slot.id}`);
      const label = document.createElement("span");
      const when = `${slot.start.slice(5, 10)} ${slot.start.slice(11, 16)}`;
      label.textContent = `${when} (${slot.timeZone}) — ¥${slot.priceYuan} a seat, ${slot.seatsLeft} left`;
      const seats = document.createElement("input");
      seats.type = "number";
      seats.min = "1";
      seats.max = String(Math.max(1, Math.min(99, slot.seatsLeft)));
      seats.value = "1";
      seats.setAttribute("data-testid", `seats-${slot.id}`);
      seats.setAttribute("aria-label", `Seats at ${when}`);
      const button = document.createElement("button");
      button.type = "button";
      button.textContent = "Book";
      button.disabled = slot.seatsLeft === 0;
      button.setAttribute("data-testid", `book-${slot.id}`);
      button.addEventListener(
        "click",
        guard(() => book(slot.id, Number(seats.value))),
      );
      li.append(label, seats, button);
      return li;
    }),
  );
}

async function book(slotId, seats) {
  showError(null);
  showOrder(await api("POST", "/v1/bookings", { slotId, seats }, { "idempotency-key": crypto.randomUUID() }));
  await showSlots();
}

// Tipping (issue 10): the payer names the amount; Kassa checks it against the recipient's rules.
async function showRecipients() {
  const page = await api("GET", "/v1/tip-recipients?limit=10");
  $("recipients").replaceChildren(
    ...page.data.map((recipient) => {
      const li = document.createElement("li");
      li.className = "recipient";
      li.setAttribute("data-testid", `recipient-${recipient.id}`);
      const name = document.createElement("strong");
      name.textContent = recipient.name;
      const rules = document.createElement("span");
      rules.className = "hint";
      rules.setAttribute("data-testid", `rules-${recipient.id}`);
      rules.textContent = `¥${yuan(recipient.minFen)}–¥${yuan(recipient.maxFen)} a tip, ¥${yuan(recipient.leftTodayFen)} left today`;
      const amount = document.createElement("input");
      amount.type = "text";
      amount.inputMode = "decimal";
      amount.placeholder = "6.66";
      amount.setAttribute("data-testid", `tip-amount-${recipient.id}`);
      amount.setAttribute("aria-label", `Tip for ${recipient.name}, in yuan`);
      const presets = document.createElement("span");
      presets.className = "presets";
      presets.append(
        ...recipient.presetAmountsFen.map((fen) => {
          const preset = document.createElement("button");
          preset.type = "button";
          preset.className = "secondary";
          preset.textContent = `¥${yuan(fen)}`;
          preset.setAttribute("data-testid", `tip-preset-${recipient.id}-${fen}`);
          preset.addEventListener("click", () => {
            amount.value = yuan(fen);
          });
          return preset;
        }),
      );
      const message = document.createElement("input");
      message.type = "text";
      message.maxLength = 140;
      message.placeholder = "A message (optional)";
      message.setAttribute("data-testid", `tip-message-${recipient.id}`);
      message.setAttribute("aria-label", `Message for ${recipient.name}`);
      const go = document.createElement("button");
      go.type = "button";
      go.textContent = "Tip";
      go.setAttribute("data-testid", `tip-go-${recipient.id}`);
      go.addEventListener(
        "click",
        guard(() => sendTip(recipient.id, amount.value, message.value)),
      );
      li.append(name, rules, presets, message, amount, go);
      return li;
    }),
  );
}

async function sendTip(recipientId, amountText, message) {
  showError(null);
  const amountFen = fenOf(amountText);
  const body = { recipientId, amountFen, ...(message.trim() ? { message } : {}) };
  showOrder(await api("POST", "/v1/tips", body, { "idempotency-key": crypto.randomUUID() }));
  await showRecipients();
}

// Whole fen from the text, never through a float.
function fenOf(text) {
  const match = /^(\d{1,7})(?:\.(\d{1,2}))?$/.exec(text.trim());
  if (!match) throw new Error("Enter an amount in yuan, e.g. 50 or 50.00.");
  return Number(match[1]) * 100 + Number((match[2] ?? "").padEnd(2, "0"));
}

// The wallet (issue 9 §3): the balance and history come from Kassa's ledger.
async function refreshWallet() {
  const wallet = await api("GET", "/v1/wallet");
  $("wallet-balance").textContent = `¥${wallet.balanceYuan}`;
  state.historyCursor = null;
  $("wallet-history").replaceChildren();
  await moreHistory();
}

async function moreHistory() {
  const query = state.historyCursor ? `&cursor=${encodeURIComponent(state.historyCursor)}` : "";
  const page = await api("GET", `/v1/wallet/history?limit=5${query}`);
  $("wallet-history").append(
    ...page.data.map((item) => {
      const li = document.createElement("li");
      li.setAttribute("data-testid", "wallet-history-item");
      const what = document.createElement("span");
      what.textContent = item.description;
      const amount = document.createElement("span");
      amount.textContent = `${item.amountFen > 0 ? "+" : "-"}¥${yuan(Math.abs(item.amountFen))}`;
      amount.className = item.amountFen > 0 ? "credit" : "spend";
      li.append(what, amount);
      return li;
    }),
  );
  state.historyCursor = page.nextCursor;
  $("wallet-history-more").hidden = page.nextCursor === null;
}

async function showTiers() {
  const tiers = await api("GET", "/v1/wallet/tiers");
  $("wallet-tiers").replaceChildren(
    ...tiers.data.map((tier) => {
      const li = document.createElement("li");
      const label = document.createElement("span");
      const bonus = tier.bonusFen > 0 ? `, get ¥${yuan(tier.creditFen)}` : "";
      label.textContent = `Pay ¥${yuan(tier.amountFen)}${bonus}`;
      const button = document.createElement("button");
      button.type = "button";
      button.textContent = "Top up";
      button.setAttribute("data-testid", `top-up-${tier.id}`);
      button.addEventListener(
        "click",
        guard(() => topUp({ tierId: tier.id })),
      );
      li.append(label, button);
      return li;
    }),
  );
}

function yuan(fen) {
  return `${Math.floor(fen / 100)}.${String(fen % 100).padStart(2, "0")}`;
}

async function topUp(body) {
  showError(null);
  // A top-up is an order like any other: the server prices it, WeChat Pay pays it.
  showOrder(await api("POST", "/v1/wallet/top-ups", body));
  await pay();
}

async function topUpCustom() {
  await topUp({ amountFen: fenOf($("top-up-custom").value) });
}

async function payFromWallet() {
  showError(null);
  $("pay-hint").textContent = "";
  showOrder(await api("POST", `/v1/orders/${state.order.id}/pay-from-wallet`));
}

// The channel is the login's: a WeChat mini program's user pays with WeChat Pay, an Alipay one's with Alipay.
async function login(channel) {
  showError(null);
  // What wx.login() or my.getAuthCode() returns.
  const { code } = await api("POST", channel === "alipay" ? "/demo/alipay-auth-code" : "/demo/login-code");
  const session = await api("POST", "/v1/session", { code, channel });
  state.token = session.token;
  $("session").textContent = channel === "alipay" ? "Logged in with Alipay." : "Logged in.";
  $("login").disabled = $("login-alipay").disabled = true;
  $("pay").textContent =
    channel === "alipay" ? "Pay with Alipay (simulator)" : "Pay with WeChat Pay (simulator)";
  const catalog = await api("GET", "/v1/catalog");
  $("catalog").replaceChildren(
    ...catalog.items.map((item) => {
      const li = document.createElement("li");
      const label = document.createElement("span");
      label.textContent = `${item.name} — ¥${item.priceYuan}`;
      const quantity = document.createElement("input");
      quantity.type = "number";
      quantity.min = "0";
      quantity.max = "99";
      quantity.value = "0";
      quantity.dataset.productId = item.id;
      quantity.setAttribute("data-testid", `quantity-${item.id}`);
      quantity.setAttribute("aria-label", `Quantity of ${item.name}`);
      li.append(label, quantity);
      return li;
    }),
  );
  $("catalog-section").hidden = false;
  $("wallet-section").hidden = false;
  $("booking-section").hidden = false;
  $("tip-section").hidden = false;
  await Promise.all([showTiers(), refreshWallet(), showSlots(), showRecipients()]);
}

async function createOrder() {
  showError(null);
  const items = [...document.querySelectorAll("#catalog input")]
    .map((input) => ({ productId: input.dataset.productId, quantity: Number(input.value) }))
    .filter((item) => item.quantity > 0);
  if (items.length === 0) throw new Error("Choose at least one item.");
  // A fresh key per intent: a network retry of this same click cannot create a second order.
  showOrder(await api("POST", "/v1/orders", { items }, { "idempotency-key": crypto.randomUUID() }));
}

async function pay() {
  showError(null);
  const params = await api("POST", `/v1/orders/${state.order.id}/pay`);
  // wx.requestPayment(params), or my.tradePay({ tradeNO }), in a real mini program; here, the simulator's cashier.
  const url = params.tradeNO
    ? `${state.config.alipayCashierUrl}?${new URLSearchParams({ tradeNO: params.tradeNO })}`
    : `${state.config.cashierUrl}?${new URLSearchParams(params)}`;
  const cashier = window.open(url, "cashier");
  $("pay-hint").textContent = cashier
    ? "Pay in the cashier window; this page asks Kassa for the real state meanwhile."
    : "Allow pop-ups to open the cashier.";
  startPolling();
}

function startPolling() {
  stopPolling();
  // The client's success callback is only a hint: ask Kassa, which asks WeChat Pay (§7.1).
  state.polling = setInterval(async () => {
    try {
      showOrder(await api("POST", `/v1/orders/${state.order.id}/confirm`));
    } catch (error) {
      showError(error);
    }
  }, 1500);
}

function stopPolling() {
  if (state.polling) clearInterval(state.polling);
  state.polling = null;
}

async function cancel() {
  showError(null);
  showOrder(await api("POST", `/v1/orders/${state.order.id}/cancel`));
}

function guard(action) {
  return () => action().catch(showError);
}

window.addEventListener("DOMContentLoaded", async () => {
  state.config = await (await fetch("/demo/config")).json();
  $("login").addEventListener(
    "click",
    guard(() => login("wechatpay")),
  );
  $("login-alipay").addEventListener(
    "click",
    guard(() => login("alipay")),
  );
  $("create-order").addEventListener("click", guard(createOrder));
  $("pay").addEventListener("click", guard(pay));
  $("cancel").addEventListener("click", guard(cancel));
  $("pay-from-wallet").addEventListener("click", guard(payFromWallet));
  $("top-up-custom-go").addEventListener("click", guard(topUpCustom));
  $("wallet-history-more").addEventListener("click", guard(moreHistory));
});
