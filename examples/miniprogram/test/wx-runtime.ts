/**
 * What the WeChat client gives a mini program, for tests in Node. miniprogram-simulate's own
 * `wx` answers every wx.request with `{}` after 100 ms, so the calls that carry Kassa's
 * answers are given real bodies here:
 *   - wx.request over real HTTP (fetch), with WeChat's contract: `success` for any HTTP
 *     answer, with `statusCode`, `header` and `data` parsed as JSON; `fail` only when no
 *     answer came (`request:fail …`);
 *   - the storage calls over a Map (sync, as WeChat's are);
 *   - wx.navigateTo records the URL (the test opens the page it names);
 *   - wx.showModal answers as the payer taps (demo mode's cashier dialog: Pay or Cancel);
 *     miniprogram-simulate's own always taps the confirm button.
 * Every call of these is logged in `calls`, so a test can tell Kassa was asked after a payment.
 * The two test doubles stand in for what only WeChat can do, and call the simulator:
 *   - wx.login: a one-time code from the simulator's login-code API (POST /admin/login-codes);
 *   - wx.requestPayment: the simulator's cashier API (POST /cashier/api/pay | cancel), which
 *     answers `requestPayment:ok` or `requestPayment:fail cancel` as WeChat would (§7.1).
 */

export type PayerChoice =
  /** pays at the cashier; WeChat says ok */
  | "pay"
  /** closes the sheet; WeChat says fail cancel */
  | "cancel"
  /** the payer's payment fails at the cashier (余额不足); WeChat says fail, the order stays unpaid */
  | "fail"
  /** pays at the cashier, but the client reports fail (§7.1: the callback is only a hint) */
  | "pay-then-report-fail"
  /** pays at the cashier, but the client reports `fail cancel`, as if the payer had closed the sheet */
  | "pay-then-report-cancel"
  /** never reaches the cashier, yet the client reports ok (a result Kassa must not trust) */
  | "report-ok-without-paying";

interface Callbacks<T> {
  success?: (result: T) => void;
  fail?: (error: { errMsg: string }) => void;
  complete?: (result: T | { errMsg: string }) => void;
}

export interface WxRuntime {
  /** The next wx.requestPayment's outcome. */
  payer: PayerChoice;
  /** The openid the next wx.login code is minted for (a test's payer). */
  openid: string;
  logins: number;
  /** The button the payer taps in the next wx.showModal. */
  dialog: "confirm" | "cancel";
  /** `wx.login`, `wx.requestPayment`, `wx.showModal`, and `METHOD /path` of each wx.request, in order. */
  calls: string[];
  navigations: string[];
  storage: Map<string, unknown>;
  wx: Record<string, unknown>;
}

export function createWxRuntime(options: { simulatorUrl: string; appid: string; openid: string }): WxRuntime {
  const runtime: WxRuntime = {
    payer: "pay",
    openid: options.openid,
    logins: 0,
    dialog: "confirm",
    calls: [],
    navigations: [],
    storage: new Map(),
    wx: {},
  };
  const answer = <T>(callbacks: Callbacks<T>, work: () => Promise<T>) => {
    work().then(
      (result) => {
        callbacks.success?.(result);
        callbacks.complete?.(result);
      },
      (error: unknown) => {
        const failure = { errMsg: error instanceof Error ? error.message : String(error) };
        callbacks.fail?.(failure);
        callbacks.complete?.(failure);
      },
    );
  };
  const simulator = async (path: string, body: unknown) => {
    const response = await fetch(`${options.simulatorUrl}${path}`, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify(body),
    });
    const json = (await response.json()) as Record<string, unknown>;
    if (!response.ok) throw new Error(`simulator ${path}: ${response.status} ${JSON.stringify(json)}`);
    return json;
  };

  runtime.wx = {
    request(
      option: {
        url: string;
        method?: string;
        header?: Record<string, string>;
        data?: unknown;
        timeout?: number;
      } & Callbacks<{ data: unknown; statusCode: number; header: Record<string, string>; errMsg: string }>,
    ) {
      runtime.calls.push(`${option.method ?? "GET"} ${new URL(option.url).pathname}`);
      answer(option, async () => {
        let response: Response;
        try {
          response = await fetch(option.url, {
            method: option.method ?? "GET",
            headers: option.header ?? {},
            ...(option.data === undefined ? {} : { body: JSON.stringify(option.data) }),
            signal: AbortSignal.timeout(option.timeout ?? 60_000),
          });
        } catch (error) {
          throw new Error(`request:fail ${error instanceof Error ? error.message : String(error)}`);
        }
        const text = await response.text();
        let data: unknown = text;
        try {
          data = text ? JSON.parse(text) : "";
        } catch {
          // WeChat hands a body that is not JSON over as text
        }
        return {
          data,
          statusCode: response.status,
          header: Object.fromEntries(response.headers),
          errMsg: "request:ok",
        };
      });
    },
    login(option: Callbacks<{ code: string; errMsg: string }>) {
      runtime.logins += 1;
      runtime.calls.push("wx.login");
      answer(option, async () => {
        const minted = await simulator("/admin/login-codes", {
          appid: options.appid,
          openid: runtime.openid,
        });
        return { code: String(minted.code), errMsg: "login:ok" };
      });
    },
    requestPayment(option: Record<string, unknown> & Callbacks<{ errMsg: string }>) {
      // WeChat adds the AppID the mini program runs under (§7.1); the page never sends one.
      const request = {
        appId: options.appid,
        timeStamp: option.timeStamp,
        nonceStr: option.nonceStr,
        package: option.package,
        signType: option.signType,
        paySign: option.paySign,
      };
      const choice = runtime.payer;
      runtime.calls.push("wx.requestPayment");
      const report = async (): Promise<{ errMsg: string }> => {
        switch (choice) {
          case "pay":
            return { errMsg: String((await simulator("/cashier/api/pay", request)).errMsg) };
          case "cancel":
            throw new Error(String((await simulator("/cashier/api/cancel", request)).errMsg));
          case "fail":
            throw new Error(
              String(
                (await simulator("/cashier/api/fail", { ...request, reason: "INSUFFICIENT_BALANCE" })).errMsg,
              ),
            );
          case "pay-then-report-fail":
            await simulator("/cashier/api/pay", request);
            throw new Error("requestPayment:fail system error");
          case "pay-then-report-cancel":
            await simulator("/cashier/api/pay", request);
            throw new Error("requestPayment:fail cancel");
          case "report-ok-without-paying":
            await simulator("/cashier/api/check", request);
            return { errMsg: "requestPayment:ok" };
        }
      };
      answer(option, report);
    },
    showModal(option: Callbacks<{ confirm: boolean; cancel: boolean; errMsg: string }>) {
      runtime.calls.push("wx.showModal");
      const tapped = runtime.dialog;
      answer(option, async () => ({
        confirm: tapped === "confirm",
        cancel: tapped === "cancel",
        errMsg: "showModal:ok",
      }));
    },
    setStorageSync(key: string, value: unknown) {
      runtime.storage.set(key, structuredClone(value));
    },
    getStorageSync(key: string) {
      return runtime.storage.has(key) ? structuredClone(runtime.storage.get(key)) : "";
    },
    removeStorageSync(key: string) {
      runtime.storage.delete(key);
    },
    navigateTo(option: { url: string } & Callbacks<{ errMsg: string }>) {
      runtime.navigations.push(option.url);
      const result = { errMsg: "navigateTo:ok" };
      option.success?.(result);
      option.complete?.(result);
      return Promise.resolve(result);
    },
  };
  return runtime;
}
