import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createTestMerchant, startTestSandbox, type TestMerchant } from "../../test/test-sandbox.ts";
import { LOGIN_CODE_TTL_MS } from "../domain/login-codes.ts";
import type { RunningSandbox } from "../start.ts";

let sandbox: RunningSandbox;
let merchant: TestMerchant;

beforeAll(async () => {
  sandbox = await startTestSandbox();
  merchant = await createTestMerchant(sandbox);
});
afterAll(() => sandbox.close());

async function code2Session(query: Record<string, string>) {
  const response = await fetch(`${sandbox.url}/sns/jscode2session?${new URLSearchParams(query)}`);
  expect(response.status).toBe(200); // the login API reports errors in the body (§7.2)
  return (await response.json()) as {
    openid?: string;
    session_key?: string;
    errcode?: number;
    errmsg?: string;
  };
}

const redeem = (code: string, overrides: Record<string, string> = {}) =>
  code2Session({
    appid: merchant.appid,
    secret: merchant.appSecret,
    js_code: code,
    grant_type: "authorization_code",
    ...overrides,
  });

describe("GET /sns/jscode2session (§7.2)", () => {
  it("exchanges a minted code for the openid it was minted for and a session_key", async () => {
    const { code, openid } = await sandbox.admin.mintLoginCode({ appid: merchant.appid });
    expect(openid).toMatch(/^o[0-9A-Za-z_-]{27}$/);
    const answer = await redeem(code);
    expect(answer).toEqual({ openid, session_key: expect.stringMatching(/^[A-Za-z0-9+/]{22}==$/) });
    expect(answer.errcode).toBeUndefined();
  });

  it("mints codes for a given openid, so the same user can log in again", async () => {
    const first = await sandbox.admin.mintLoginCode({ appid: merchant.appid });
    const second = await sandbox.admin.mintLoginCode({ appid: merchant.appid, openid: first.openid });
    expect((await redeem(second.code)).openid).toBe(first.openid);
  });

  it("accepts a code once: the second use is 40163 code been used", async () => {
    const { code } = await sandbox.admin.mintLoginCode({ appid: merchant.appid });
    await redeem(code);
    expect(await redeem(code)).toMatchObject({
      errcode: 40163,
      errmsg: expect.stringContaining("code been used"),
    });
  });

  it("expires a code after 5 minutes: 40029 invalid code", async () => {
    const fresh = await sandbox.admin.mintLoginCode({ appid: merchant.appid });
    const stale = await sandbox.admin.mintLoginCode({ appid: merchant.appid });
    await sandbox.admin.advanceClock(LOGIN_CODE_TTL_MS - 1);
    expect((await redeem(fresh.code)).openid).toBe(fresh.openid);
    await sandbox.admin.advanceClock(1);
    expect(await redeem(stale.code)).toMatchObject({ errcode: 40029 });
  });

  it("answers 40029 for an unknown code and for a code minted for another appid", async () => {
    expect(await redeem("NO-SUCH-CODE")).toMatchObject({ errcode: 40029 });
    const other = await createTestMerchant(sandbox);
    const { code } = await sandbox.admin.mintLoginCode({ appid: other.appid });
    expect(await redeem(code)).toMatchObject({ errcode: 40029 });
  });

  it("answers 40013 for an unknown appid and 40125 for a wrong secret, before looking at the code", async () => {
    const { code } = await sandbox.admin.mintLoginCode({ appid: merchant.appid });
    expect(await redeem(code, { appid: "wx0000000000000000" })).toMatchObject({ errcode: 40013 });
    expect(await redeem(code, { secret: "0".repeat(32) })).toMatchObject({ errcode: 40125 });
    expect((await redeem(code)).openid).toBeDefined(); // the refused attempts did not use it up
  });

  it("refuses minting for an appid the sandbox does not know", async () => {
    await expect(sandbox.admin.mintLoginCode({ appid: "wx0000000000000000" })).rejects.toMatchObject({
      code: "MERCHANT_NOT_FOUND",
    });
  });
});
