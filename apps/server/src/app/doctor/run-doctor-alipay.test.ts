import { type RunningSandbox, startSandbox } from "@kassa/sandbox";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { makeKeyPair } from "../../../../../packages/alipay/src/testing/test-pki.ts";
import { createTestDatabase, type TestDatabase } from "../../../test/database.ts";
import type { AlipayCredentials } from "../../config.ts";
import type { CheckResult } from "./check.ts";
import { type DoctorSetup, runDoctor } from "./run-doctor.ts";

/**
 * `kassa doctor`'s Alipay checks (issue 14) against the simulator's Alipay gateway, which
 * verifies a request's signature and signs its answers as Alipay does (A.3): an app in key
 * mode and one in certificate mode pass; a wrong app private key, a wrong Alipay public key
 * and a gateway that is not there each fail, naming the file or variable to fix.
 */
const KEY_APP = { appId: "2021004177700001", sellerId: "2088731904627001" };
const CERT_APP = { appId: "2021004177700002", sellerId: "2088731904627002" };
let sandbox: RunningSandbox;
let database: TestDatabase;

beforeAll(async () => {
  sandbox = await startSandbox({
    config: {
      alipayApps: [
        { ...KEY_APP, keyMode: "key", notifyUrl: "https://pay.shop.example/notify/alipay/app_key" },
        { ...CERT_APP, keyMode: "cert", notifyUrl: "https://pay.shop.example/notify/alipay/app_cert" },
      ],
    },
  });
  database = await createTestDatabase();
});
afterAll(async () => {
  await sandbox?.close();
  await database?.close();
});

/** An app's Alipay account as configuration reads it from the simulator's files. */
function credentialsOf(appId: string): AlipayCredentials {
  const given = sandbox.admin.alipayCredentials(appId);
  const { appCertPem, alipayPublicCertPem, alipayRootCertPem } = given;
  return {
    appId: given.appId,
    sellerId: given.sellerId,
    appPrivateKeyPem: given.appPrivateKeyPem,
    keys:
      given.keyMode === "key" || !appCertPem || !alipayPublicCertPem || !alipayRootCertPem
        ? { mode: "key", alipayPublicKeyPem: given.alipayPublicKeyPem }
        : { mode: "certificate", appCertPem, alipayPublicCertPem, alipayRootCertPem },
    gatewayUrl: `${sandbox.url}${given.gatewayPath}`,
  };
}

/** The Alipay checks of one app with Alipay only (it has no WeChat Pay checks). */
async function alipayChecks(alipay: AlipayCredentials): Promise<Record<string, CheckResult>> {
  const setup: DoctorSetup = {
    mode: "production",
    apps: [{ id: "app_tea", alipay, webhookDomains: [] }],
    clock: { now: () => sandbox.clock.now() },
    notifyUrl: (appId, channel) => `https://pay.shop.example/notify/${channel}/${appId}`,
    databaseUrl: database.url,
    connect: () => database.connectAgain(),
    redisUrl: undefined,
  };
  const results = (await runDoctor(setup)).filter((result) => result.appId === "app_tea");
  return Object.fromEntries(results.map((result) => [result.id, result]));
}

describe("kassa doctor's Alipay checks", () => {
  it("passes a key-mode app: the gateway took the signature and the answer verified; no WeChat Pay checks", async () => {
    const checks = await alipayChecks(credentialsOf(KEY_APP.appId));
    expect(Object.keys(checks)).toEqual(["alipay-keys", "alipay-signed-call", "alipay-notify-url"]);
    expect(checks["alipay-notify-url"]).toEqual({
      id: "alipay-notify-url",
      appId: "app_tea",
      status: "ok",
      detail: "https://pay.shop.example/notify/alipay/app_tea is https on a public host",
    });
    expect(checks["alipay-keys"]).toMatchObject({ status: "ok" });
    expect(checks["alipay-keys"]?.detail).toMatch(/^key mode/);
    expect(checks["alipay-signed-call"]).toMatchObject({ status: "ok", appId: "app_tea" });
    expect(checks["alipay-signed-call"]?.detail).toMatch(
      /answered ACQ\.TRADE_NOT_EXIST for kassa_doctor_[0-9a-f]{24}, which cannot exist\), and its answer's signature verifies under ALIPAY_PUBLIC_KEY_FILE$/,
    );
    // A query only: nothing was made at the gateway.
    expect(sandbox.admin.listAlipayTrades({ appId: KEY_APP.appId })).toEqual([]);
  });

  it("passes a certificate-mode app, and says until when its certificates hold", async () => {
    const checks = await alipayChecks(credentialsOf(CERT_APP.appId));
    expect(checks["alipay-keys"]).toMatchObject({ status: "ok" });
    expect(checks["alipay-keys"]?.detail).toMatch(
      /^certificate mode: ALIPAY_APP_CERT_FILE until \d{4}-\d\d-\d\d, ALIPAY_PUBLIC_CERT_FILE until \d{4}-\d\d-\d\d$/,
    );
    expect(checks["alipay-signed-call"]).toMatchObject({ status: "ok" });
    expect(checks["alipay-signed-call"]?.detail).toContain("verifies under ALIPAY_PUBLIC_CERT_FILE");
  });

  it("fails an app private key that is not the app's: Alipay refuses the signature (isv.invalid-signature)", async () => {
    const wrong = { ...credentialsOf(KEY_APP.appId), appPrivateKeyPem: makeKeyPair().privateKeyPem };
    const checks = await alipayChecks(wrong);
    expect(checks["alipay-signed-call"]).toMatchObject({ status: "fail" });
    expect(checks["alipay-signed-call"]?.detail).toMatch(
      /^Alipay refused the request's signature \(40002 isv\.invalid-signature\): ALIPAY_APP_PRIVATE_KEY_FILE is not the private key of the app public key/,
    );
  });

  it("fails an Alipay public key that is not Alipay's for this app, saying the request's signature was right", async () => {
    const right = credentialsOf(KEY_APP.appId);
    const wrong: AlipayCredentials = {
      ...right,
      keys: { mode: "key", alipayPublicKeyPem: makeKeyPair().publicKeyPem },
    };
    const checks = await alipayChecks(wrong);
    expect(checks["alipay-signed-call"]).toMatchObject({ status: "fail" });
    expect(checks["alipay-signed-call"]?.detail).toMatch(
      /^Alipay's answer does not verify \(RESPONSE_SIGNATURE_INVALID\): ALIPAY_PUBLIC_KEY_FILE is not the Alipay public key of this app .*\(it accepted the request's signature: the app private key is right\)$/,
    );
  });

  it("fails both keys wrong, naming both files", async () => {
    const wrong: AlipayCredentials = {
      ...credentialsOf(KEY_APP.appId),
      appPrivateKeyPem: makeKeyPair().privateKeyPem,
      keys: { mode: "key", alipayPublicKeyPem: makeKeyPair().publicKeyPem },
    };
    const detail = (await alipayChecks(wrong))["alipay-signed-call"]?.detail;
    expect(detail).toContain("ALIPAY_PUBLIC_KEY_FILE is not the Alipay public key");
    expect(detail).toContain(
      "refused the request's signature too (isv.invalid-signature), so ALIPAY_APP_PRIVATE_KEY_FILE",
    );
  });

  it("fails an app id the gateway does not know, and a gateway that does not answer", async () => {
    const unknown = await alipayChecks({ ...credentialsOf(KEY_APP.appId), appId: "2021004177709999" });
    expect(unknown["alipay-signed-call"]).toMatchObject({ status: "fail" });
    expect(unknown["alipay-signed-call"]?.detail).toContain("(isv.invalid-app-id): check ALIPAY_APP_ID");
    const nowhere = await alipayChecks({
      ...credentialsOf(KEY_APP.appId),
      gatewayUrl: "http://127.0.0.1:9/gateway.do",
    });
    expect(nowhere["alipay-signed-call"]).toMatchObject({ status: "fail" });
    expect(nowhere["alipay-signed-call"]?.detail).toMatch(
      /^no answer from http:\/\/127\.0\.0\.1:9\/gateway\.do \(.*\): check this machine reaches it \(proxy, firewall, DNS\) and ALIPAY_GATEWAY_URL$/,
    );
  });
});
