/**
 * The one file to edit per deployment (docs/miniprogram.md). No secret, price or openid
 * belongs here: the mini program knows only where Kassa is.
 */
export const kassaConfig = {
  /** Kassa's address; in production an https:// domain on the request allow-list (服务器域名). */
  baseUrl: "http://127.0.0.1:8700",
  /** Kassa's id of this mini program (`app_…`) when one Kassa serves several; "" for the default app. */
  app: "",
  /**
   * Demo mode only (`npm start`): log in with a code from Kassa's /demo/login-code and pay at
   * the simulator's cashier instead of WeChat's, so the pages work in WeChat DevTools against
   * a Kassa that has no real merchant behind it. Must be false in production.
   */
  demo: false,
  /** How long, after wx.requestPayment, the page keeps asking Kassa before it says "unknown". */
  payWaitMs: 10_000,
};
