import { createHash } from "node:crypto";
import { AlipayVerificationError, certificateSn } from "@kassa/alipay";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import {
  CERT_APP,
  clientFor,
  KEY_APP,
  rawGatewayCall,
  startAlipaySandbox,
} from "../../test/alipay-sandbox.ts";
import type { RunningSandbox } from "../start.ts";

let sandbox: RunningSandbox;

beforeAll(async () => {
  sandbox = await startAlipaySandbox();
});

afterAll(async () => {
  await sandbox.close();
});

const fingerprint = (pem: string) => createHash("sha256").update(pem).digest("hex");

describe("Alipay certificate rotation (A.8 item 2, A.3)", () => {
  it("after a rotation the old client sees RESPONSE_CERT_SN_MISMATCH, the new certificate downloads by SN, and a client of the new files works", async () => {
    const { client: before } = await clientFor(sandbox, CERT_APP.appId);
    await expect(before.trade.query({ out_trade_no: "nothing" })).rejects.toMatchObject({
      subCode: "ACQ.TRADE_NOT_EXIST",
    });
    const old = sandbox.admin.alipayCredentials(CERT_APP.appId);
    const rotated = await sandbox.admin.rotateAlipayCertificate(CERT_APP.appId);
    expect(rotated.alipayCertSn).not.toBe(old.alipayCertSn);
    expect(rotated.alipayCertSn).toBe(certificateSn(rotated.alipayPublicCertPem!));
    expect(rotated.appCertSn).toBe(old.appCertSn); // only Alipay's side changes
    expect(fingerprint(rotated.alipayPublicKeyPem)).not.toBe(fingerprint(old.alipayPublicKeyPem));
    const stale = await before.trade.query({ out_trade_no: "nothing" }).catch((error: unknown) => error);
    expect(stale).toBeInstanceOf(AlipayVerificationError);
    expect(stale).toMatchObject({ code: "RESPONSE_CERT_SN_MISMATCH" });
    // The downloader answers the new certificate, and the old one by its SN.
    for (const [sn, pem] of [
      [rotated.alipayCertSn!, rotated.alipayPublicCertPem!],
      [old.alipayCertSn!, old.alipayPublicCertPem!],
    ]) {
      const { json } = await rawGatewayCall(sandbox, CERT_APP.appId, "alipay.open.app.alipaycert.download", {
        alipay_cert_sn: sn,
      });
      const answer = json.alipay_open_app_alipaycert_download_response!;
      expect(Buffer.from(answer.alipay_cert_content as string, "base64").toString("utf8")).toBe(pem);
    }
    const { json } = await rawGatewayCall(sandbox, CERT_APP.appId, "alipay.open.app.alipaycert.download", {
      alipay_cert_sn: "0".repeat(32),
    });
    expect(json.alipay_open_app_alipaycert_download_response).toMatchObject({ code: "40004" });
    const { client: after } = await clientFor(sandbox, CERT_APP.appId); // reads the rewritten files
    await expect(after.trade.query({ out_trade_no: "nothing" })).rejects.toMatchObject({
      subCode: "ACQ.TRADE_NOT_EXIST",
    });
  });

  it("a key-mode app has no certificate to rotate (409 over HTTP)", async () => {
    const response = await fetch(`${sandbox.url}/admin/alipay/apps/${KEY_APP.appId}/rotate-certificate`, {
      method: "POST",
    });
    expect(response.status).toBe(409);
    expect(await response.json()).toMatchObject({ code: "ALIPAY_APP_IN_KEY_MODE" });
  });
});
