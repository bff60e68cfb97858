import { createHash, X509Certificate } from "node:crypto";
import { AlipaySdk } from "alipay-sdk";
import { beforeAll, describe, expect, it } from "vitest";
import { certificateSn, rootCertificateSn } from "./cert-sn.ts";
import { makeKeyPair, makePki, type TestPki } from "./testing/test-pki.ts";

let pki: TestPki;

beforeAll(async () => {
  pki = await makePki(makeKeyPair(), makeKeyPair());
});

/** The SNs alipay-sdk computes, read from the config it derives in certificate mode. */
function sdkSns(pki: TestPki) {
  const sdk = new AlipaySdk({
    appId: "2021000000000001",
    privateKey: pki.app.privateKeyBase64,
    keyType: "PKCS8",
    appCertContent: pki.appCertPem,
    alipayPublicCertContent: pki.alipayCertPem,
    alipayRootCertContent: pki.rootBundlePem,
  });
  const config = sdk.config as unknown as {
    appCertSn: string;
    alipayCertSn: string;
    alipayRootCertSn: string;
  };
  return config;
}

describe("certificate SNs (reference A.3, certificate mode)", () => {
  it("computes app_cert_sn and alipay_cert_sn as alipay-sdk does", () => {
    const sdk = sdkSns(pki);
    expect(certificateSn(pki.appCertPem)).toBe(sdk.appCertSn);
    expect(certificateSn(pki.alipayCertPem)).toBe(sdk.alipayCertSn);
    expect(certificateSn(pki.appCertPem)).not.toBe(certificateSn(pki.alipayCertPem));
  });

  it("is the MD5 of the reversed issuer DN and the decimal serial", () => {
    const expected =
      "CN=Ant Financial Certification Authority R1,OU=Certification Authority,O=Ant Financial,C=CN";
    const serial = BigInt(`0x${new X509Certificate(pki.appCertPem).serialNumber}`).toString(10);
    expect(certificateSn(pki.appCertPem)).toBe(
      createHash("md5")
        .update(expected + serial)
        .digest("hex"),
    );
  });

  it("joins the SNs of the RSA-signed roots with _ and skips the ECDSA one, as alipay-sdk does", () => {
    const rootSn = rootCertificateSn(pki.rootBundlePem);
    expect(rootSn).toBe(sdkSns(pki).alipayRootCertSn);
    expect(rootSn.split("_")).toHaveLength(2);
  });

  it("reads a certificate followed by its chain as its first certificate, as alipay-sdk does; refuses garbage", () => {
    expect(certificateSn(pki.alipayCertPem + pki.rootBundlePem)).toBe(certificateSn(pki.alipayCertPem));
    expect(() => certificateSn("no certificate")).toThrow(/holds no PEM certificate/);
    expect(() => certificateSn("-----BEGIN CERTIFICATE-----\nAAAA\n-----END CERTIFICATE-----")).toThrow(
      /CONFIG_INVALID|not a readable/,
    );
    expect(() => rootCertificateSn("nothing here")).toThrow(/no certificate/);
  });
});
