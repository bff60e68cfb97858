import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { makeIdentity, type TestIdentity } from "../../test/fixtures/identities.ts";
import { encryptAeadAes256Gcm, parseApiV3Key } from "../aead.ts";
import { createWechatPayClient } from "../client.ts";
import {
  errorReply,
  LocalWechatPay,
  makeWorld,
  type RecordedRequest,
  type Reply,
  signedReply,
  type TestWorld,
  testClientOptions,
} from "../testing/local-wechatpay.ts";

let world: TestWorld;
let server: LocalWechatPay;
let rotated: TestIdentity;

beforeAll(async () => {
  world = await makeWorld();
  rotated = await makeIdentity({ commonName: "Tenpay.com sign (rotated)" });
  server = await LocalWechatPay.start(world);
});
afterAll(() => server.close());
beforeEach(() => {
  server.requests.length = 0;
});

/** §3.4: each certificate PEM encrypted with the APIv3 key, AAD `certificate`. */
function certificatesBody(certificates: TestIdentity[], apiV3Key = world.apiV3Key): string {
  return JSON.stringify({
    data: certificates.map((certificate, index) => ({
      serial_no: certificate.serial,
      effective_time: "2023-09-19T10:00:00+08:00",
      expire_time: "2030-09-17T10:00:00+08:00",
      encrypt_certificate: {
        algorithm: "AEAD_AES_256_GCM",
        associated_data: "certificate",
        nonce: `14b16c03dc1${index}`,
        ciphertext: encryptAeadAes256Gcm(parseApiV3Key(apiV3Key), {
          nonce: `14b16c03dc1${index}`,
          associatedData: "certificate",
          plaintext: certificate.certificatePem,
        }),
      },
    })),
  });
}

const transactionBody = JSON.stringify({
  appid: "wx8888888888888888",
  mchid: "1900000001",
  out_trade_no: "ord_cert_0001",
  trade_state: "NOTPAY",
  trade_state_desc: "未支付",
});

/** Serves /v3/certificates with `certificates()` signed by the first one, and queries with `query`. */
function serve(certificates: () => TestIdentity[], query: (request: RecordedRequest) => Reply): void {
  server.handler = (request) => {
    if (request.url !== "/v3/certificates") return query(request);
    const list = certificates();
    return signedReply(world, 200, certificatesBody(list), {
      serial: list[0]!.serial,
      privateKey: list[0]!.privateKey,
    });
  };
}

const downloads = () => server.requests.filter((r) => r.url === "/v3/certificates");
const certificateClient = () =>
  createWechatPayClient(
    testClientOptions(world, server.baseUrl, {
      wechatPayPublicKey: undefined,
      platformCertificates: "download",
    }),
  );

describe("certificate mode with download (§3.4)", () => {
  it("downloads /v3/certificates with a signed GET, then verifies answers with the decrypted certificate", async () => {
    serve(
      () => [world.platform],
      () => signedReply(world, 200, transactionBody, { serial: world.platform.serial }),
    );
    const client = certificateClient();
    await expect(client.transactions.queryByOutTradeNo("ord_cert_0001")).resolves.toMatchObject({
      trade_state: "NOTPAY",
    });

    expect(downloads()).toHaveLength(1);
    expect(server.requests[0]).toMatchObject({
      method: "GET",
      url: "/v3/certificates",
      authorization: { valid: true },
    });
    // Before the first download there is no serial to announce; after it, every request has one (§2).
    expect(server.requests[0]?.headers["wechatpay-serial"]).toBeUndefined();
    expect(server.requests[1]?.headers["wechatpay-serial"]).toBe(world.platform.serial);
    expect(client.keyring.knownSerials()).toEqual([world.platform.serial]);
  });

  it("refreshes once for an unknown serial, then refuses the answer", async () => {
    serve(
      () => [world.platform],
      () =>
        signedReply(world, 200, transactionBody, { serial: rotated.serial, privateKey: rotated.privateKey }),
    );
    const error = await certificateClient()
      .transactions.queryByOutTradeNo("ord_cert_0001")
      .catch((e: unknown) => e);
    expect(error).toMatchObject({ code: "VERIFY_SERIAL_UNKNOWN" });
    // One bootstrap download and one refresh for the unknown serial, however often it recurs.
    expect(downloads()).toHaveLength(2);
  });

  it("picks up a rotated certificate through that refresh and accepts answers signed with it", async () => {
    let rotation = false;
    serve(
      () => (rotation ? [world.platform, rotated] : [world.platform]),
      () => {
        rotation = true;
        return signedReply(world, 200, transactionBody, {
          serial: rotated.serial,
          privateKey: rotated.privateKey,
        });
      },
    );
    await expect(certificateClient().transactions.queryByOutTradeNo("ord_cert_0001")).resolves.toMatchObject({
      out_trade_no: "ord_cert_0001",
    });
    expect(downloads()).toHaveLength(2);
  });

  it("refuses certificates encrypted under another APIv3 key, and sends nothing else", async () => {
    server.handler = (request) =>
      request.url === "/v3/certificates"
        ? signedReply(world, 200, certificatesBody([world.platform], "vvvvvvvvvvvvvvvvvvvvvvvvvvvvvvvv"), {
            serial: world.platform.serial,
          })
        : signedReply(world, 200, transactionBody, { serial: world.platform.serial });
    await expect(certificateClient().transactions.queryByOutTradeNo("ord_cert_0001")).rejects.toMatchObject({
      code: "CERTIFICATES_UNAVAILABLE",
    });
    expect(server.requests.every((r) => r.url === "/v3/certificates")).toBe(true);
  });

  it("reports a merchant without platform certificates clearly (§3.4 RESOURCE_NOT_EXISTS)", async () => {
    server.handler = () =>
      errorReply(404, "RESOURCE_NOT_EXISTS", "无可用的平台证书，请在商户平台-API安全申请使用微信支付公钥");
    const error = await certificateClient()
      .transactions.queryByOutTradeNo("ord_cert_0001")
      .catch((e: unknown) => e);
    expect(error).toMatchObject({
      code: "CERTIFICATES_UNAVAILABLE",
      cause: { wechatCode: "RESOURCE_NOT_EXISTS", family: "not_found" },
    });
  });
});

describe("certificate mode with configured PEMs", () => {
  it("verifies with the given platform certificate and downloads nothing", async () => {
    server.handler = () => signedReply(world, 200, transactionBody, { serial: world.platform.serial });
    const client = createWechatPayClient(
      testClientOptions(world, server.baseUrl, {
        wechatPayPublicKey: undefined,
        platformCertificates: [world.platform.certificatePem],
      }),
    );
    await expect(client.transactions.queryByOutTradeNo("ord_cert_0001")).resolves.toBeDefined();
    expect(downloads()).toHaveLength(0);
  });
});
