import { generateKeyPairSync } from "node:crypto";
import { beforeAll, describe, expect, it } from "vitest";
import { resolveClientConfig } from "./client-options.ts";
import { WechatPayError } from "./errors.ts";
import {
  makeWorld,
  type TestClientOverrides,
  type TestWorld,
  testClientOptions,
} from "./testing/local-wechatpay.ts";

let world: TestWorld;
beforeAll(async () => {
  world = await makeWorld();
});

const resolve = (overrides: TestClientOverrides) =>
  resolveClientConfig(testClientOptions(world, "https://api.mch.weixin.qq.com", overrides));

/** The CONFIG_INVALID error of a configuration, checked to echo no secret. */
function configError(overrides: TestClientOverrides): WechatPayError {
  try {
    resolve(overrides);
  } catch (error) {
    expect(error).toBeInstanceOf(WechatPayError);
    expect((error as WechatPayError).code).toBe("CONFIG_INVALID");
    const text = `${(error as Error).message} ${JSON.stringify((error as WechatPayError).diagnostics)}`;
    for (const secret of [world.apiV3Key, world.merchant.privateKeyPem.slice(40, 100), "wrong-length-key"]) {
      expect(text).not.toContain(secret);
    }
    return error as WechatPayError;
  }
  throw new Error("the configuration was accepted");
}

describe("resolveClientConfig", () => {
  it("applies the documented defaults (§1 hosts, 10 s, 2 retries)", () => {
    const config = resolve({ backupBaseUrl: undefined, timeoutMs: undefined });
    expect(config.baseUrl.href).toBe("https://api.mch.weixin.qq.com/");
    expect(config.backupBaseUrl?.href).toBe("https://api2.mch.weixin.qq.com/");
    expect(config.loginBaseUrl.href).toBe("https://api.weixin.qq.com/");
    expect(config.timeoutMs).toBe(10_000);
    expect(config.maxRetries).toBe(2);
    expect(config.signer.serialNo).toBe(world.merchant.serial);
  });

  it("signs on the thread pool by default and inline when asked (design.md convention 14)", () => {
    expect(resolve({}).signing).toBe("thread-pool");
    expect(resolve({}).signer.signing).toBe("thread-pool");
    expect(resolve({ signing: "inline" }).signer.signing).toBe("inline");
  });

  it("refuses a signing mode it does not know, naming both it accepts", () => {
    const message = configError({ signing: "sync" as never }).message;
    expect(message).toContain('"thread-pool"');
    expect(message).toContain('"inline"');
  });

  it("disables the backup host with null", () => {
    expect(resolve({ backupBaseUrl: null }).backupBaseUrl).toBeUndefined();
  });

  it("refuses an APIv3 key that is not 32 bytes, without echoing it (§4.2)", () => {
    expect(configError({ apiV3Key: "wrong-length-key" }).message).toContain("32 bytes");
  });

  it("refuses a client with no way to verify answers (§3.4)", () => {
    expect(configError({ wechatPayPublicKey: undefined }).message).toContain("wechatPayPublicKey");
  });

  it("refuses a public key id that is not PUB_KEY_ID_...", () => {
    configError({ wechatPayPublicKey: { id: world.merchant.serial, key: world.platform.publicKeyPem } });
  });

  it("refuses a merchant serial that is not hex", () => {
    expect(configError({ merchantSerialNo: "serial-1" }).message).toContain("openssl x509");
  });

  it("refuses an unreadable private key without echoing it", () => {
    configError({ merchantPrivateKey: "-----BEGIN PRIVATE KEY-----\nnot a key\n-----END PRIVATE KEY-----" });
  });

  it("refuses a public KeyObject given as the merchant private key", () => {
    configError({ merchantPrivateKey: world.merchant.publicKey });
  });

  it("accepts a parsed private KeyObject", () => {
    expect(resolve({ merchantPrivateKey: world.merchant.privateKey }).signer.privateKey).toBe(
      world.merchant.privateKey,
    );
  });

  it("refuses an RSA key smaller than 2048 bits (§2)", () => {
    const { privateKey } = generateKeyPairSync("rsa", { modulusLength: 1024 });
    configError({ merchantPrivateKey: privateKey.export({ type: "pkcs8", format: "pem" }) as string });
  });

  it("refuses plain http except to loopback or when explicitly allowed (§1 HTTPS only)", () => {
    configError({ baseUrl: "http://api.mch.weixin.qq.com" });
    expect(resolve({ baseUrl: "http://127.0.0.1:8080" }).baseUrl.port).toBe("8080");
    expect(resolve({ baseUrl: "http://sandbox:8080", allowInsecureHttp: true }).baseUrl.host).toBe(
      "sandbox:8080",
    );
  });

  it("refuses base URLs with a query or credentials", () => {
    configError({ baseUrl: "https://api.mch.weixin.qq.com/?x=1" });
    configError({ loginBaseUrl: "https://user:pw@api.weixin.qq.com" });
  });

  it("refuses a negative maxRetries and a zero timeout", () => {
    configError({ maxRetries: -1 });
    configError({ timeoutMs: 0 });
  });

  it("refuses an empty mchid or appid", () => {
    configError({ mchid: "" });
    configError({ appid: "wx 1" });
  });
});
