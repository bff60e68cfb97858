import { readFile } from "node:fs/promises";
import type { RunningSandbox } from "@kassa/sandbox";
import { DEMO_ALIPAY_APP, DEMO_MERCHANT } from "../../channels/demo-sandbox.ts";
import { serverFile } from "../../server-root.ts";
import { DOCS_CSP, hiddenFromDocs } from "../api-docs.ts";
import type { KassaApp } from "../server.ts";

const ASSETS = {
  "/demo": { file: "demo.html", type: "text/html; charset=utf-8" },
  "/demo/demo.js": { file: "demo.js", type: "text/javascript; charset=utf-8" },
  "/demo/demo.css": { file: "demo.css", type: "text/css; charset=utf-8" },
} as const;

/**
 * `/demo` stands in for the mini program in a browser (demo mode only): it logs in with a
 * simulator code, as a WeChat or an Alipay mini program (issue 14), and shows the four scenarios (docs/scenarios.md): buys from the catalog,
 * books a slot, tops up the wallet, tips a recipient (the message shown as text); it pays on
 * the simulator's cashier (WeChat Pay's or Alipay's, the login's channel) or from the wallet
 * and shows the order's real state. It calls the same public API a mini program calls; the
 * extra routes mint the login code that `wx.login()` or `my.getAuthCode()` would give.
 */
export async function demoPage(app: KassaApp, sandbox: RunningSandbox): Promise<void> {
  for (const [path, asset] of Object.entries(ASSETS)) {
    const body = await readFile(serverFile(`src/http/demo/${asset.file}`), "utf8");
    // The docs page's strict policy, not helmet's default, whose style-src allows
    // 'unsafe-inline': the page sets no inline style or script, and its browser test fails
    // on a console error (a refused one shows as such).
    app.get(path, hiddenFromDocs, async (_request, reply) =>
      reply.type(asset.type).header("content-security-policy", DOCS_CSP).send(body),
    );
  }
  app.get("/demo/config", hiddenFromDocs, async () => ({
    cashierUrl: `${sandbox.url}/cashier`,
    alipayCashierUrl: `${sandbox.url}/alipay/cashier`,
    merchantName: DEMO_MERCHANT.merchantName,
  }));
  app.post("/demo/login-code", hiddenFromDocs, async () => {
    const code = await sandbox.admin.mintLoginCode({ appid: DEMO_MERCHANT.appid });
    return { code: code.code }; // the openid stays in the simulator and in Kassa
  });
  // What my.getAuthCode() gives an Alipay mini program (A.6); the user's ids stay behind too.
  app.post("/demo/alipay-auth-code", hiddenFromDocs, async () => {
    const code = await sandbox.admin.mintAlipayAuthCode({ appId: DEMO_ALIPAY_APP.appId });
    return { code: code.code };
  });
}
