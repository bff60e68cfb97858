import { readFile } from "node:fs/promises";
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { verifyResponseByHand } from "../../test/hand-signing.ts";
import {
  callApi,
  createTestMerchant,
  loginOpenid,
  prepayBody,
  startTestSandbox,
  type TestMerchant,
} from "../../test/test-sandbox.ts";
import type { RunningSandbox } from "../start.ts";

let sandbox: RunningSandbox;
let merchant: TestMerchant;
let bystander: TestMerchant;
let openid: string;

beforeAll(async () => {
  sandbox = await startTestSandbox();
  [merchant, bystander] = await Promise.all([createTestMerchant(sandbox), createTestMerchant(sandbox)]);
  openid = await loginOpenid(sandbox, merchant);
});
afterAll(() => sandbox.close());
beforeEach(() => {
  sandbox.admin.clearFaults();
});

const prepay = (body = prepayBody(merchant, openid), m = merchant) =>
  callApi(sandbox, m, { method: "POST", url: "/v3/pay/transactions/jsapi", body });
const orderExists = (no: string) =>
  sandbox.admin.listOrders({ mchid: merchant.mchid }).some((o) => o.outTradeNo === no);

async function socketError(promise: Promise<unknown>): Promise<unknown> {
  const error = (await promise.then(
    () => undefined,
    (caught: unknown) => caught,
  )) as (Error & { cause?: { code?: string } }) | undefined;
  expect(error).toBeInstanceOf(TypeError); // fetch's "fetch failed"
  return error?.cause;
}

describe("fault injection on the WeChat Pay endpoints", () => {
  it.each([
    ["rate_limit", 429, "FREQUENCY_LIMITED"],
    ["system_error", 500, "SYSTEM_ERROR"],
    ["unavailable", 503, "SERVICE_UNAVAILABLE"],
  ])("%s answers %i %s, signed, and applies nothing", async (fault, status, code) => {
    sandbox.admin.addFault({ endpoint: "jsapi.prepay", fault, times: 1 });
    const body = prepayBody(merchant, openid);
    const answer = await prepay(body);
    expect(answer.status).toBe(status);
    expect(answer.json).toMatchObject({ code });
    expect(answer.headers.get("wechatpay-signature")).toBeTruthy();
    expect(orderExists(body.out_trade_no)).toBe(false);
    expect((await prepay(body)).status).toBe(200); // times: 1 — the rule is used up
  });

  it("reset destroys the connection before anything is applied: the client sees a socket error", async () => {
    sandbox.admin.addFault({ endpoint: "jsapi.prepay", fault: "reset", times: 1 });
    const body = prepayBody(merchant, openid);
    expect(await socketError(prepay(body))).toMatchObject({ code: "UND_ERR_SOCKET" });
    expect(orderExists(body.out_trade_no)).toBe(false);
  });

  it("apply_then_fail creates the order, then answers 500 SYSTEM_ERROR", async () => {
    sandbox.admin.addFault({ endpoint: "jsapi.prepay", fault: "apply_then_fail", times: 1 });
    const body = prepayBody(merchant, openid);
    const answer = await prepay(body);
    expect(answer.status).toBe(500);
    expect(answer.json).toMatchObject({ code: "SYSTEM_ERROR" });
    expect(orderExists(body.out_trade_no)).toBe(true);
    expect((await prepay(body)).status).toBe(200); // the retry with the same parameters gets a prepay_id
  });

  it("apply_then_reset creates the order, then destroys the connection", async () => {
    sandbox.admin.addFault({ endpoint: "jsapi.prepay", fault: "apply_then_reset", times: 1 });
    const body = prepayBody(merchant, openid);
    expect(await socketError(prepay(body))).toMatchObject({ code: "UND_ERR_SOCKET" });
    expect(orderExists(body.out_trade_no)).toBe(true);
  });

  it("apply_then_timeout creates the order and keeps silent until the client gives up", async () => {
    sandbox.admin.addFault({
      endpoint: "transactions.close",
      fault: "apply_then_timeout",
      holdMs: 5_000,
      times: 1,
    });
    const body = prepayBody(merchant, openid);
    await prepay(body);
    const closing = callApi(sandbox, merchant, {
      method: "POST",
      url: `/v3/pay/transactions/out-trade-no/${body.out_trade_no}/close`,
      body: { mchid: merchant.mchid },
      signal: AbortSignal.timeout(300),
    });
    await expect(closing).rejects.toMatchObject({ name: "TimeoutError" });
    expect(sandbox.admin.getOrder(merchant.mchid, body.out_trade_no).state).toBe("CLOSED");
  });

  it("delay answers normally after delayMs of real time", async () => {
    sandbox.admin.addFault({ endpoint: "jsapi.prepay", fault: "delay", delayMs: 250, times: 1 });
    const started = performance.now();
    expect((await prepay()).status).toBe(200);
    expect(performance.now() - started).toBeGreaterThanOrEqual(240);
  });

  it("scopes a rule to its merchant and its endpoint; '*' covers every endpoint", async () => {
    sandbox.admin.addFault({ mchid: merchant.mchid, endpoint: "jsapi.prepay", fault: "system_error" });
    const bystanderOpenid = await loginOpenid(sandbox, bystander);
    expect((await prepay(prepayBody(bystander, bystanderOpenid), bystander)).status).toBe(200);
    const query = `/v3/pay/transactions/out-trade-no/ANY-ORDER?mchid=${merchant.mchid}`;
    expect((await callApi(sandbox, merchant, { method: "GET", url: query })).status).toBe(404);
    expect((await prepay()).status).toBe(500);
    sandbox.admin.clearFaults();
    sandbox.admin.addFault({ endpoint: "*", fault: "rate_limit", times: 2 });
    expect((await callApi(sandbox, merchant, { method: "GET", url: query })).status).toBe(429);
    expect((await callApi(sandbox, merchant, { method: "GET", url: "/v3/certificates" })).status).toBe(429);
    expect((await callApi(sandbox, merchant, { method: "GET", url: "/v3/certificates" })).status).toBe(200);
  });

  it("counts firings and drops a rule once its times are used", async () => {
    const rule = sandbox.admin.addFault({ endpoint: "certificates.list", fault: "system_error", times: 2 });
    await callApi(sandbox, merchant, { method: "GET", url: "/v3/certificates" });
    expect(sandbox.admin.listFaults()).toEqual([
      expect.objectContaining({ id: rule.id, fired: 1, times: 1 }),
    ]);
    await callApi(sandbox, merchant, { method: "GET", url: "/v3/certificates" });
    expect(sandbox.admin.listFaults()).toEqual([]);
  });

  it("signs fault answers like any other (a client cannot tell them from WeChat's)", async () => {
    sandbox.admin.addFault({ endpoint: "jsapi.prepay", fault: "rate_limit", times: 1 });
    const answer = await prepay(prepayBody(merchant, openid), merchant);
    const view = sandbox.admin.getMerchant(merchant.mchid);
    const certificatePem = await readFile(view.files.platformCertificates[0]!, "utf8");
    expect(verifyResponseByHand(answer.headers, answer.text, certificatePem)).toBe(true);
  });
});

describe("fault injection on jscode2session", () => {
  const login = async (code: string) => {
    const query = new URLSearchParams({
      appid: merchant.appid,
      secret: merchant.appSecret,
      js_code: code,
      grant_type: "authorization_code",
    });
    return (await (await fetch(`${sandbox.url}/sns/jscode2session?${query}`)).json()) as Record<
      string,
      unknown
    >;
  };

  it("system_error is errcode -1 (busy) and rate_limit is 45011, leaving the code usable", async () => {
    const { code, openid: expected } = await sandbox.admin.mintLoginCode({ appid: merchant.appid });
    sandbox.admin.addFault({ endpoint: "login.jscode2session", fault: "system_error", times: 1 });
    sandbox.admin.addFault({ endpoint: "login.jscode2session", fault: "rate_limit", times: 1 });
    expect(await login(code)).toMatchObject({ errcode: -1 });
    expect(await login(code)).toMatchObject({ errcode: 45011 });
    expect(await login(code)).toMatchObject({ openid: expected });
  });

  it("apply_then_fail uses the code up, so the retry gets 40163", async () => {
    const { code } = await sandbox.admin.mintLoginCode({ appid: merchant.appid });
    sandbox.admin.addFault({
      mchid: merchant.mchid,
      endpoint: "login.jscode2session",
      fault: "apply_then_fail",
      times: 1,
    });
    expect(await login(code)).toMatchObject({ errcode: -1 });
    expect(await login(code)).toMatchObject({ errcode: 40163 });
  });
});

describe("the fault rules' admin API", () => {
  const admin = (path: string, init: RequestInit = {}) => fetch(`${sandbox.url}/admin${path}`, init);

  it("adds, lists, removes and clears rules over HTTP", async () => {
    const added = await admin("/faults", {
      method: "POST",
      body: JSON.stringify({
        mchid: merchant.mchid,
        endpoint: "jsapi.prepay",
        fault: "apply_then_reset",
        times: 1,
      }),
      headers: { "Content-Type": "application/json" },
    });
    expect(added.status).toBe(201);
    const rule = (await added.json()) as { id: string };
    expect(((await (await admin("/faults")).json()) as { data: unknown[] }).data).toEqual([
      expect.objectContaining(rule),
    ]);
    expect((await admin(`/faults/${rule.id}`, { method: "DELETE" })).status).toBe(204);
    expect((await admin(`/faults/${rule.id}`, { method: "DELETE" })).status).toBe(404);
    await admin("/faults", { method: "POST", body: JSON.stringify({ fault: "system_error" }) });
    expect(await (await admin("/faults", { method: "DELETE" })).json()).toEqual({ removed: 1 });
  });

  it("refuses an unknown fault kind, an unknown endpoint and a bad count with 400 FAULT_RULE_INVALID", async () => {
    for (const rule of [
      { endpoint: "jsapi.prepay", fault: "explode" },
      { endpoint: "jsapi.refund", fault: "system_error" },
      { endpoint: "jsapi.prepay", fault: "system_error", times: 0 },
      { endpoint: "jsapi.prepay", fault: "system_error", probability: 2 },
    ]) {
      const answer = await admin("/faults", { method: "POST", body: JSON.stringify(rule) });
      expect(answer.status).toBe(400);
      expect(await answer.json()).toMatchObject({
        code: "FAULT_RULE_INVALID",
        requestId: expect.any(String),
      });
    }
  });
});
