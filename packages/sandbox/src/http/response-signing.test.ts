import { readFile } from "node:fs/promises";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { verifyResponseByHand } from "../../test/hand-signing.ts";
import { callApi, createTestMerchant, startTestSandbox, type TestMerchant } from "../../test/test-sandbox.ts";
import type { RunningSandbox } from "../start.ts";

let sandbox: RunningSandbox;
let merchant: TestMerchant;
let publicKeyOnly: TestMerchant;

beforeAll(async () => {
  sandbox = await startTestSandbox();
  [merchant, publicKeyOnly] = await Promise.all([
    createTestMerchant(sandbox),
    createTestMerchant(sandbox, { certificates: false }),
  ]);
});
afterAll(() => sandbox.close());

const queryUrl = (m: TestMerchant) => `/v3/pay/transactions/out-trade-no/NO-SUCH-ORDER?mchid=${m.mchid}`;
const platformCertificatePem = (m: TestMerchant, index = 0) =>
  readFile(m.view.files.platformCertificates[index]!, "utf8");

describe("§3 response signing", () => {
  it("signs with the WeChat Pay public key when the request names its PUB_KEY_ID", async () => {
    const answer = await callApi(sandbox, merchant, {
      method: "GET",
      url: queryUrl(merchant),
      headers: { "Wechatpay-Serial": merchant.wechatpayPublicKeyId },
    });
    expect(answer.headers.get("wechatpay-serial")).toBe(merchant.wechatpayPublicKeyId);
    expect(answer.headers.get("wechatpay-signature-type")).toBe("WECHATPAY2-SHA256-RSA2048");
    expect(verifyResponseByHand(answer.headers, answer.text, merchant.wechatpayPublicKeyPem)).toBe(true);
    expect(verifyResponseByHand(answer.headers, answer.text, await platformCertificatePem(merchant))).toBe(
      false,
    );
  });

  it("signs with the platform certificate when the request names none and the merchant has one", async () => {
    const answer = await callApi(sandbox, merchant, { method: "GET", url: queryUrl(merchant) });
    expect(answer.headers.get("wechatpay-serial")).toBe(merchant.view.platformCertificates[0]!.serialNo);
    expect(verifyResponseByHand(answer.headers, answer.text, await platformCertificatePem(merchant))).toBe(
      true,
    );
  });

  it("signs with the public key for a public-key-only merchant whatever serial the request names", async () => {
    for (const headers of [{}, { "Wechatpay-Serial": "5DEA10EF55877E3CF6C33255C2E7DEFFF7E427EC" }]) {
      const answer = await callApi(sandbox, publicKeyOnly, {
        method: "GET",
        url: queryUrl(publicKeyOnly),
        headers,
      });
      expect(answer.headers.get("wechatpay-serial")).toBe(publicKeyOnly.wechatpayPublicKeyId);
      expect(verifyResponseByHand(answer.headers, answer.text, publicKeyOnly.wechatpayPublicKeyPem)).toBe(
        true,
      );
    }
  });

  it("signs error answers and 204s too, the latter over an empty body", async () => {
    const answer = await callApi(sandbox, merchant, {
      method: "POST",
      url: "/v3/pay/transactions/out-trade-no/NO-SUCH-ORDER/close",
      body: { mchid: merchant.mchid },
      headers: { "Wechatpay-Serial": merchant.wechatpayPublicKeyId },
    });
    expect(answer.status).toBe(204);
    expect(answer.text).toBe("");
    expect(verifyResponseByHand(answer.headers, "", merchant.wechatpayPublicKeyPem)).toBe(true);
    const refused = await callApi(sandbox, merchant, {
      method: "GET",
      url: queryUrl(merchant),
      timestamp: 1,
    });
    expect(refused.status).toBe(401);
    expect(verifyResponseByHand(refused.headers, refused.text, await platformCertificatePem(merchant))).toBe(
      true,
    );
  });

  it("stamps the signature with the virtual clock", async () => {
    const answer = await callApi(sandbox, merchant, { method: "GET", url: queryUrl(merchant) });
    expect(Number(answer.headers.get("wechatpay-timestamp"))).toBe(Math.floor(sandbox.clock.now() / 1000));
  });

  it("puts a Request-ID on every answer: API, login, admin and unknown paths", async () => {
    const api = await callApi(sandbox, merchant, { method: "GET", url: queryUrl(merchant) });
    expect(api.headers.get("request-id")).toMatch(/^[0-9A-F]{32}$/);
    for (const path of ["/sns/jscode2session", "/admin/clock", "/v3/no/such/api"]) {
      expect((await fetch(`${sandbox.url}${path}`)).headers.get("request-id")).toMatch(/^[0-9A-F]{32}$/);
    }
  });
});

describe("§3.5 signature probes", () => {
  it("replaces every signature with a WECHATPAY/SIGNTEST/ probe at rate 1, which fails verification", async () => {
    sandbox.admin.setProbeRate(1);
    try {
      const answer = await callApi(sandbox, merchant, { method: "GET", url: queryUrl(merchant) });
      expect(answer.headers.get("wechatpay-signature")).toMatch(/^WECHATPAY\/SIGNTEST\/[0-9A-Za-z]{40}$/);
      expect(verifyResponseByHand(answer.headers, answer.text, await platformCertificatePem(merchant))).toBe(
        false,
      );
    } finally {
      sandbox.admin.setProbeRate(0);
    }
  });

  it("probes a seeded share of answers: the same seed probes the same answers", async () => {
    const pattern = async () => {
      const other = await startTestSandbox({ seed: "probe-replay", probeRate: 0.5 });
      try {
        const m = await createTestMerchant(other);
        const probes: boolean[] = [];
        for (let i = 0; i < 16; i++) {
          const answer = await callApi(other, m, { method: "GET", url: queryUrl(m) });
          probes.push(answer.headers.get("wechatpay-signature")!.startsWith("WECHATPAY/SIGNTEST/"));
        }
        return probes;
      } finally {
        await other.close();
      }
    };
    const first = await pattern();
    expect(first.filter(Boolean).length).toBeGreaterThan(0);
    expect(first.filter(Boolean).length).toBeLessThan(16);
    expect(await pattern()).toEqual(first);
  });
});
