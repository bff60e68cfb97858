import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import {
  type AlipayError,
  certificateSn,
  rootCertificateSn,
  signedGatewayResponse,
  signedNotificationBody,
} from "@kassa/alipay";
import { afterAll, describe, expect, it } from "vitest";
import {
  type GatewayRequest,
  startLocalGateway,
} from "../../../../packages/alipay/src/testing/local-gateway.ts";
import { makeKeyPair, makePki } from "../../../../packages/alipay/src/testing/test-pki.ts";
import type { AlipayCredentials } from "../config.ts";
import { readAlipay } from "../config-alipay.ts";
import { EnvReader } from "../config-reader.ts";
import { alipayClientFor } from "./alipay-client-for.ts";

/**
 * The client main.ts builds from an app's configured Alipay account: the files of either mode
 * (reference A.3), read by readAlipay, give a client whose requests the gateway accepts, whose
 * answers it verifies, and which checks notifications against the app and its seller (A.4).
 */
const dir = mkdtempSync(join(tmpdir(), "kassa-alipay-client-"));
function file(name: string, text: string): string {
  const path = join(dir, name);
  writeFileSync(path, text);
  return path;
}
const pki = await makePki(makeKeyPair(), makeKeyPair());
const APP_ID = "2021004123456789";
const SELLER_ID = "2088731904625813";
const NOW = Date.UTC(2026, 11, 3, 7, 30, 0);

const gateway = await startLocalGateway({
  appPublicKey: pki.app.publicKey,
  alipayPrivateKey: pki.alipay.privateKey,
  answer: (request: GatewayRequest) =>
    signedGatewayResponse(
      request.method,
      JSON.stringify({
        code: "10000",
        msg: "Success",
        trade_no: "2026120322001400001",
        out_trade_no: request.biz?.out_trade_no,
        trade_status: "WAIT_BUYER_PAY",
        total_amount: "12.30",
      }),
      pki.alipay.privateKey,
      // Certificate mode: Alipay names the certificate it signed under (A.3).
      request.params.app_cert_sn ? { alipayCertSn: certificateSn(pki.alipayCertPem) } : {},
    ),
});
afterAll(() => gateway.close());

const common = {
  ALIPAY_APP_ID: APP_ID,
  ALIPAY_SELLER_ID: SELLER_ID,
  ALIPAY_APP_PRIVATE_KEY_FILE: file("app_private_key.txt", pki.app.privateKeyBase64),
};
const modes: Record<string, Record<string, string>> = {
  key: { ALIPAY_PUBLIC_KEY_FILE: file("alipay_public_key.txt", pki.alipay.publicKeyBase64) },
  certificate: {
    ALIPAY_APP_CERT_FILE: file("appCertPublicKey.crt", pki.appCertPem),
    ALIPAY_PUBLIC_CERT_FILE: file("alipayCertPublicKey_RSA2.crt", pki.alipayCertPem),
    ALIPAY_ROOT_CERT_FILE: file("alipayRootCert.crt", pki.rootBundlePem),
  },
};

function credentialsOf(env: Record<string, string>): AlipayCredentials {
  const problems: string[] = [];
  const credentials = readAlipay(new EnvReader(env, problems));
  expect(problems).toEqual([]);
  if (!credentials) throw new Error("no Alipay account was read");
  // Production refuses an http gateway (A.3); the local one stands in for it, as a simulator would in demo mode.
  return { ...credentials, gatewayUrl: gateway.url };
}

const paid = (fields: Record<string, string>) =>
  signedNotificationBody(
    {
      notify_time: "2026-12-03 15:30:01",
      notify_type: "trade_status_sync",
      notify_id: "2026120300222153001000000000000001",
      app_id: APP_ID,
      charset: "utf-8",
      version: "1.0",
      trade_no: "2026120322001400001",
      out_trade_no: "ord_20261203_0001",
      seller_id: SELLER_ID,
      trade_status: "TRADE_SUCCESS",
      total_amount: "12.30",
      gmt_payment: "2026-12-03 15:30:00",
      ...fields,
    },
    pki.alipay.privateKey,
  );

describe.each(["key", "certificate"])("alipayClientFor, %s mode", (mode) => {
  const client = alipayClientFor(credentialsOf({ ...common, ...modes[mode] }), { now: () => NOW });

  it("signs requests the gateway accepts and reads the answers it verifies", async () => {
    const found = await client.trade.query({ out_trade_no: "ord_20261203_0001" });
    expect(found.trade_no).toBe("2026120322001400001");
    const request = gateway.requests.at(-1);
    expect(request?.params.app_id).toBe(APP_ID);
    expect(request?.params.timestamp).toBe("2026-12-03 15:30:00"); // Kassa's clock, Beijing time (A.3)
    expect(client.certificateSns).toEqual(
      mode === "certificate"
        ? {
            appCertSn: certificateSn(pki.appCertPem),
            alipayRootCertSn: rootCertificateSn(pki.rootBundlePem),
            alipayCertSn: certificateSn(pki.alipayCertPem),
          }
        : { appCertSn: undefined, alipayRootCertSn: undefined, alipayCertSn: undefined },
    );
    expect(request?.params.app_cert_sn).toBe(client.certificateSns.appCertSn);
  });

  it("verifies notifications under Alipay's key, for this app and its seller only (A.4 checks c, d)", () => {
    expect(client.notifications.verify(paid({})).out_trade_no).toBe("ord_20261203_0001");
    expect(() => client.notifications.verify(paid({ seller_id: "2088731904625814" }))).toThrowError(
      expect.objectContaining({ code: "NOTIFY_APP_MISMATCH" }) as AlipayError,
    );
    expect(() => client.notifications.verify(paid({ app_id: "2021004123456788" }))).toThrowError(
      expect.objectContaining({ code: "NOTIFY_APP_MISMATCH" }) as AlipayError,
    );
  });
});
