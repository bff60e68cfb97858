import { beforeAll, describe, expect, it } from "vitest";
import { makeIdentity, type TestIdentity } from "../test/fixtures/identities.ts";
import { WechatPayKeyring } from "./keyring.ts";
import { loadPublicKey } from "./keys.ts";
import { verifySignedMessage } from "./verify.ts";
import { signAsWechatPay } from "./wechatpay-signer.ts";

let platform: TestIdentity;
const NOW = 1_700_000_000_000;

beforeAll(async () => {
  platform = await makeIdentity({ commonName: "Tenpay.com sign" });
});

describe("verifySignedMessage", () => {
  it("accepts a response signed by the platform certificate named in Wechatpay-Serial", async () => {
    const keys = new WechatPayKeyring({ clock: () => NOW, certificatePems: [platform.certificatePem] });
    const body = '{"prepay_id":"wx1"}';
    const headers = await signAsWechatPay(
      { serial: platform.serial, privateKey: platform.privateKey },
      body,
      NOW,
    );
    const lower = Object.fromEntries(Object.entries(headers).map(([k, v]) => [k.toLowerCase(), v]));
    await expect(verifySignedMessage(lower, body, keys, { now: NOW })).resolves.toMatchObject({
      serial: platform.serial,
    });
    expect(loadPublicKey(platform.certificatePem).asymmetricKeyType).toBe("rsa");
  });
});
