import { inspect } from "node:util";
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { createWechatPayClient, type WechatPayClient } from "./client.ts";
import { LoginError } from "./errors.ts";
import {
  closedPortUrl,
  LocalWechatPay,
  makeWorld,
  type TestWorld,
  testClientOptions,
} from "./testing/local-wechatpay.ts";

const APP_SECRET = "3f1c0e5a9b7d4e2f8a6c1b0d9e7f5a3c";
let world: TestWorld;
let server: LocalWechatPay;
let client: WechatPayClient;

beforeAll(async () => {
  world = await makeWorld();
  server = await LocalWechatPay.start(world);
  client = loginClient(server.baseUrl);
});
afterAll(() => server.close());
beforeEach(() => {
  server.requests.length = 0;
});

function loginClient(loginBaseUrl: string, timeoutMs = 2_000): WechatPayClient {
  return createWechatPayClient(
    testClientOptions(world, "https://api.mch.weixin.qq.com", {
      loginBaseUrl,
      appSecret: APP_SECRET,
      timeoutMs,
    }),
  );
}

const answer = (body: unknown) => () => ({
  status: 200,
  body: JSON.stringify(body),
  headers: { "Content-Type": "text/plain" },
});

/** Everything a logger could print about an error, its causes included. */
function everythingAbout(error: unknown): string {
  const asError = error as { message?: string; diagnostics?: unknown };
  return `${inspect(error, { depth: 10 })}\n${asError.message}\n${JSON.stringify(asError.diagnostics)}`;
}

async function loginError(jsCode = "081Kq4Ga1Yd0ML0ArmJa1E8wGa1Kq4GQ", target = client): Promise<unknown> {
  const error = await target.login.code2Session(jsCode).catch((caught: unknown) => caught);
  expect(error).toBeInstanceOf(Error);
  expect(everythingAbout(error)).not.toContain(APP_SECRET);
  return error;
}

describe("login.code2Session (§7.2)", () => {
  it("GETs /sns/jscode2session with appid, secret, js_code and grant_type, unsigned", async () => {
    server.handler = answer({
      openid: "oUpF8uMuAJO_M2pxb1Q9zNjWeS6o",
      session_key: "tiihtNczf5v6AKRyjwEUhQ==",
    });
    const result = await client.login.code2Session("081Kq4Ga1Yd0ML0ArmJa1E8wGa1Kq4GQ");

    expect(result).toEqual({
      openid: "oUpF8uMuAJO_M2pxb1Q9zNjWeS6o",
      session_key: "tiihtNczf5v6AKRyjwEUhQ==",
    });
    const url = new URL(server.requests[0]?.url ?? "", "http://x");
    expect(url.pathname).toBe("/sns/jscode2session");
    expect(Object.fromEntries(url.searchParams)).toEqual({
      appid: world.appid,
      secret: APP_SECRET,
      js_code: "081Kq4Ga1Yd0ML0ArmJa1E8wGa1Kq4GQ",
      grant_type: "authorization_code",
    });
    expect(server.requests[0]?.headers.authorization).toBeUndefined();
  });

  it("treats errcode 0 as success and returns unionid when bound to an Open Platform account", async () => {
    server.handler = answer({ errcode: 0, errmsg: "ok", openid: "o1", session_key: "k1", unionid: "u1" });
    await expect(client.login.code2Session("code-1")).resolves.toEqual({
      openid: "o1",
      session_key: "k1",
      unionid: "u1",
    });
  });

  it.each([
    [-1, "system error", true],
    [45011, "api minute-quota reach limit", true],
    [40029, "invalid code", false],
    [40163, "code been used", false],
    [40226, "high risk user", false],
    [40125, "invalid appsecret", false],
  ])(
    "turns errcode %i into a LoginError, retryable %s, without the secret",
    async (errcode, errmsg, retryable) => {
      server.handler = answer({ errcode, errmsg: `${errmsg}, rid: 6650a1b2-1` });
      const error = await loginError();
      expect(error).toBeInstanceOf(LoginError);
      expect(error).toMatchObject({ code: "LOGIN_FAILED", errcode, retryable });
      expect((error as LoginError).message).toContain(String(errcode));
      expect(server.requests).toHaveLength(1);
    },
  );

  it("redacts the secret even if the answer echoes it in errmsg", async () => {
    server.handler = answer({ errcode: 40125, errmsg: `invalid appsecret ${APP_SECRET}` });
    const error = await loginError();
    expect((error as LoginError).errmsg).toContain("[redacted]");
  });

  it("keeps the secret out of a connection failure", async () => {
    const error = await loginError("code-2", loginClient(await closedPortUrl()));
    expect(error).toMatchObject({ code: "NETWORK_ERROR", diagnostics: { failure: "connection" } });
  });

  it("keeps the secret out of a timeout", async () => {
    server.handler = () => ({ status: 200, hang: true });
    const error = await loginError("code-3", loginClient(server.baseUrl, 100));
    expect(error).toMatchObject({ code: "TIMEOUT", retryable: true });
  });

  it("keeps the secret and any session_key out of an unreadable answer", async () => {
    server.handler = () => ({ status: 200, body: `<html>session_key=abc ${APP_SECRET}</html>` });
    const error = await loginError();
    expect(error).toMatchObject({ code: "API_RESPONSE_INVALID" });
    expect(everythingAbout(error)).not.toContain("session_key=abc");
  });

  it("reports an HTTP error status as LOGIN_FAILED, retryable for 5xx", async () => {
    server.handler = () => ({ status: 502, body: "Bad Gateway" });
    await expect(loginError()).resolves.toMatchObject({ code: "LOGIN_FAILED", retryable: true });
  });

  it("refuses a success without openid, without echoing the session_key", async () => {
    server.handler = answer({ session_key: "secret-session-key" });
    const error = await loginError();
    expect(error).toMatchObject({ code: "API_RESPONSE_INVALID" });
    expect(everythingAbout(error)).not.toContain("secret-session-key");
  });

  it("needs appSecret, and says so before sending anything", async () => {
    const noSecret = createWechatPayClient(
      testClientOptions(world, "https://api.mch.weixin.qq.com", { loginBaseUrl: server.baseUrl }),
    );
    await expect(noSecret.login.code2Session("code-4")).rejects.toMatchObject({ code: "CONFIG_INVALID" });
    expect(server.requests).toHaveLength(0);
  });

  it("refuses an empty js_code before sending anything", async () => {
    await expect(client.login.code2Session("")).rejects.toMatchObject({
      code: "REQUEST_INVALID",
      field: "js_code",
    });
    await expect(client.login.code2Session("code with spaces")).rejects.toMatchObject({ field: "js_code" });
    expect(server.requests).toHaveLength(0);
  });

  it("encodes js_code so it cannot add or replace query parameters", async () => {
    server.handler = answer({ openid: "o2", session_key: "k2" });
    await client.login.code2Session("a&secret=x&appid=y");
    const params = new URL(server.requests[0]?.url ?? "", "http://x").searchParams;
    expect(params.get("js_code")).toBe("a&secret=x&appid=y");
    expect(params.getAll("secret")).toEqual([APP_SECRET]);
    expect(params.getAll("appid")).toEqual([world.appid]);
  });
});
