import { X509Certificate } from "node:crypto";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { decryptByHand, verifyResponseByHand } from "../../test/hand-signing.ts";
import { callApi, createTestMerchant, startTestSandbox, type TestMerchant } from "../../test/test-sandbox.ts";
import type { RunningSandbox } from "../start.ts";

interface CertificatesBody {
  data: {
    serial_no: string;
    effective_time: string;
    expire_time: string;
    encrypt_certificate: { algorithm: string; associated_data: string; nonce: string; ciphertext: string };
  }[];
}

let sandbox: RunningSandbox;

beforeAll(async () => {
  sandbox = await startTestSandbox();
});
afterAll(() => sandbox.close());

async function listCertificates(merchant: TestMerchant, headers: Record<string, string> = {}) {
  const answer = await callApi(sandbox, merchant, { method: "GET", url: "/v3/certificates", headers });
  return { ...answer, body: answer.json as CertificatesBody };
}

describe("GET /v3/certificates (§3.4)", () => {
  let merchant: TestMerchant;
  beforeAll(async () => {
    merchant = await createTestMerchant(sandbox);
  });

  it("lists the platform certificate encrypted with the APIv3 key, associated data 'certificate'", async () => {
    const { status, body, headers, text } = await listCertificates(merchant);
    expect(status).toBe(200);
    expect(body.data).toHaveLength(1);
    const [item] = body.data;
    expect(item!.encrypt_certificate).toMatchObject({
      algorithm: "AEAD_AES_256_GCM",
      associated_data: "certificate",
    });
    expect(item!.encrypt_certificate.nonce).toHaveLength(12);
    const pem = decryptByHand(merchant.apiV3Key, item!.encrypt_certificate);
    const certificate = new X509Certificate(pem);
    expect(certificate.serialNumber.toUpperCase()).toBe(item!.serial_no);
    expect(certificate.subject).toContain("CN=Tenpay.com sign");
    expect(item!.expire_time).toMatch(/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\+08:00$/);
    // Bootstrapping: the answer verifies with the certificate it delivers.
    expect(headers.get("wechatpay-serial")).toBe(item!.serial_no);
    expect(verifyResponseByHand(headers, text, pem)).toBe(true);
  });

  it("lists both certificates after a rotation, and signs with the one the request names", async () => {
    const oldSerial = merchant.view.platformCertificates[0]!.serialNo;
    const rotated = await sandbox.admin.rotatePlatformCertificate(merchant.mchid);
    const newSerial = rotated.platformCertificates[1]!.serialNo;
    const { body } = await listCertificates(merchant);
    expect(body.data.map((item) => item.serial_no)).toEqual([newSerial, oldSerial]);
    const pems = new Map(
      body.data.map((item) => [item.serial_no, decryptByHand(merchant.apiV3Key, item.encrypt_certificate)]),
    );
    const namedOld = await listCertificates(merchant, { "Wechatpay-Serial": oldSerial });
    expect(namedOld.headers.get("wechatpay-serial")).toBe(oldSerial);
    expect(verifyResponseByHand(namedOld.headers, namedOld.text, pems.get(oldSerial)!)).toBe(true);
    const unnamed = await listCertificates(merchant);
    expect(unnamed.headers.get("wechatpay-serial")).toBe(newSerial); // the newest by default
    expect(rotated.files.platformCertificates).toHaveLength(2);
  });

  it("withdraws the previous certificates after the overlap a rotation asked for", async () => {
    const other = await createTestMerchant(sandbox);
    const rotated = await sandbox.admin.rotatePlatformCertificate(other.mchid, { overlapMs: 60_000 });
    const [oldSerial, newSerial] = rotated.platformCertificates.map((certificate) => certificate.serialNo);
    expect((await listCertificates(other)).body.data).toHaveLength(2);
    await sandbox.admin.advanceClock(60_000);
    const after = await listCertificates(other, { "Wechatpay-Serial": oldSerial! });
    expect(after.body.data.map((item) => item.serial_no)).toEqual([newSerial]);
    expect(after.headers.get("wechatpay-serial")).toBe(newSerial); // a withdrawn serial no longer signs
  });

  it("answers 404 RESOURCE_NOT_EXISTS to a public-key-only merchant, signed with the public key", async () => {
    const publicKeyOnly = await createTestMerchant(sandbox, { certificates: false });
    const { status, json, headers, text } = await listCertificates(publicKeyOnly);
    expect(status).toBe(404);
    expect(json).toMatchObject({ code: "RESOURCE_NOT_EXISTS" });
    expect(verifyResponseByHand(headers, text, publicKeyOnly.wechatpayPublicKeyPem)).toBe(true);
    await expect(sandbox.admin.rotatePlatformCertificate(publicKeyOnly.mchid)).rejects.toMatchObject({
      code: "MERCHANT_HAS_NO_CERTIFICATES",
    });
  });

  it("answers data: [] to a public-key-only merchant when configured so", async () => {
    const empty = await startTestSandbox({ publicKeyOnlyCertificates: "empty" });
    try {
      const publicKeyOnly = await createTestMerchant(empty, { certificates: false });
      const answer = await callApi(empty, publicKeyOnly, {
        method: "GET",
        url: "/v3/certificates?algorithm_type=RSA",
      });
      expect(answer.status).toBe(200);
      expect(answer.json).toEqual({ data: [] });
    } finally {
      await empty.close();
    }
  });
});
