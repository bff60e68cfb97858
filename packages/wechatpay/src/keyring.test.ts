import { generateKeyPairSync } from "node:crypto";
import { beforeAll, describe, expect, it } from "vitest";
import { makeIdentity, type TestIdentity } from "../test/fixtures/identities.ts";
import {
  JAVA_API_V3_KEY,
  JAVA_DOWNLOAD_CERTIFICATE_RESPONSE,
  JAVA_DOWNLOAD_CERTIFICATE_SERIAL,
} from "../test/vectors/wechatpay-java.ts";
import { type ApiV3Key, encryptAeadAes256Gcm, parseApiV3Key } from "./aead.ts";
import { WechatPayError } from "./errors.ts";
import { type CertificatesResponse, type KeyringOptions, WechatPayKeyring } from "./keyring.ts";
import { verifySignedMessage } from "./verify.ts";
import { signAsWechatPay } from "./wechatpay-signer.ts";

const HOUR = 3_600_000;
const DAY = 24 * HOUR;
const START = Date.parse("2026-03-01T00:00:00Z");
const API_V3_KEY = parseApiV3Key("Kassa0test0APIv3key0for0keyring0");
const PUBLIC_KEY_ID = "PUB_KEY_ID_0000000000000024101100397200000006";

let oldCertificate: TestIdentity; // expires 10 days after START
let newCertificate: TestIdentity; // the rotation's successor
let publicKeyIdentity: TestIdentity; // WeChat Pay public key mode (§3.4)
let stranger: TestIdentity; // a key no keyring holds

beforeAll(async () => {
  [oldCertificate, newCertificate, publicKeyIdentity, stranger] = await Promise.all([
    makeIdentity({
      commonName: "Tenpay.com sign",
      notBefore: new Date("2025-01-01T00:00:00Z"),
      notAfter: new Date(START + 10 * DAY),
    }),
    makeIdentity({
      commonName: "Tenpay.com sign",
      notBefore: new Date("2026-02-01T00:00:00Z"),
      notAfter: new Date("2031-02-01T00:00:00Z"),
    }),
    makeIdentity({ commonName: "WeChat Pay public key" }),
    makeIdentity({ commonName: "stranger" }),
  ]);
});

class FakeClock {
  now = START;
  readonly read = () => this.now;
}

interface Listing {
  identity: TestIdentity;
  serialNo?: string;
  apiV3Key?: ApiV3Key;
}

/** A `/v3/certificates` body as WeChat Pay builds it (§3.4): each PEM AEAD-encrypted with AAD "certificate". */
function certificatesBody(listings: readonly Listing[]): string {
  return JSON.stringify({
    data: listings.map(({ identity, serialNo, apiV3Key }, index) => {
      const nonce = `certnonce${String(index).padStart(3, "0")}`;
      return {
        serial_no: serialNo ?? identity.serial,
        effective_time: "2026-01-01T00:00:00+08:00",
        expire_time: "2031-01-01T00:00:00+08:00",
        encrypt_certificate: {
          algorithm: "AEAD_AES_256_GCM",
          associated_data: "certificate",
          nonce,
          ciphertext: encryptAeadAes256Gcm(apiV3Key ?? API_V3_KEY, {
            nonce,
            associatedData: "certificate",
            plaintext: identity.certificatePem,
          }),
        },
      };
    }),
  });
}

/** A fake WeChat Pay: answers with the listed certificates, signed by `signer` at the clock's time. */
class CertificateServer {
  downloads = 0;
  listings: Listing[];
  signer: { serial: string; identity: TestIdentity };
  body: ((listings: readonly Listing[]) => string) | undefined;
  gate: Promise<void> | undefined;
  /** How far WeChat Pay's clock is from ours when it signs (§3.3). */
  signingSkewMs = 0;

  constructor(
    readonly clock: FakeClock,
    listings: Listing[],
    signer?: { serial: string; identity: TestIdentity },
  ) {
    this.listings = listings;
    this.signer = signer ?? { serial: listings[0]!.identity.serial, identity: listings[0]!.identity };
  }

  readonly download = async (): Promise<CertificatesResponse> => {
    this.downloads += 1;
    await this.gate;
    const body = (this.body ?? certificatesBody)(this.listings);
    const { serial, identity } = this.signer;
    const signedAt = this.clock.now + this.signingSkewMs;
    const headers = await signAsWechatPay({ serial, privateKey: identity.privateKey }, body, signedAt);
    return { headers, body };
  };
}

function keyringFor(server: CertificateServer, extra: Partial<KeyringOptions> = {}, cooldownMs?: number) {
  return new WechatPayKeyring({
    clock: server.clock.read,
    certificates: {
      download: server.download,
      apiV3Key: API_V3_KEY,
      ...(cooldownMs === undefined ? {} : { unknownSerialCooldownMs: cooldownMs }),
    },
    ...extra,
  });
}

async function notification(identity: TestIdentity, serial: string, clock: FakeClock, body = '{"ok":true}') {
  const headers = await signAsWechatPay({ serial, privateKey: identity.privateKey }, body, clock.now);
  return { headers, body };
}

async function verifyWith(
  keyring: WechatPayKeyring,
  signed: { headers: Record<string, string>; body: string },
  now: number,
) {
  return verifySignedMessage(signed.headers, signed.body, keyring, { now });
}

async function failure(promise: Promise<unknown>): Promise<WechatPayError> {
  try {
    await promise;
  } catch (error) {
    if (error instanceof WechatPayError) return error;
    throw error;
  }
  throw new Error("expected a WechatPayError");
}

describe("configuration", () => {
  it("refuses a keyring with no public key, no certificate and no certificate mode (CONFIG_INVALID)", () => {
    expect(() => new WechatPayKeyring({ clock: Date.now })).toThrow(
      expect.objectContaining({
        code: "CONFIG_INVALID",
        message: expect.stringContaining("no WeChat Pay key"),
      }),
    );
  });

  it("refuses a public key whose id is not a PUB_KEY_ID_, and a public key that is not RSA", () => {
    const ec = generateKeyPairSync("ec", { namedCurve: "P-256" });
    expect(
      () =>
        new WechatPayKeyring({
          clock: Date.now,
          publicKey: { id: oldCertificate.serial, key: publicKeyIdentity.publicKey },
        }),
    ).toThrow(expect.objectContaining({ code: "CONFIG_INVALID" }));
    expect(
      () => new WechatPayKeyring({ clock: Date.now, publicKey: { id: PUBLIC_KEY_ID, key: ec.publicKey } }),
    ).toThrow(
      expect.objectContaining({ code: "CONFIG_INVALID", message: expect.stringContaining("not RSA") }),
    );
  });

  it("refuses an unreadable certificate PEM and a refresh interval of 12 hours or more (§3.4)", () => {
    expect(() => new WechatPayKeyring({ clock: Date.now, certificatePems: ["not a certificate"] })).toThrow(
      expect.objectContaining({ code: "CONFIG_INVALID" }),
    );
    const download = async () => ({ headers: {}, body: "" });
    expect(
      () =>
        new WechatPayKeyring({
          clock: Date.now,
          certificates: { download, apiV3Key: API_V3_KEY, refreshIntervalMs: 12 * HOUR },
        }),
    ).toThrow(
      expect.objectContaining({ code: "CONFIG_INVALID", message: expect.stringContaining("12 hours") }),
    );
  });
});

describe("public-key mode (§3.4)", () => {
  it("verifies under the PUB_KEY_ID_ and never downloads anything", async () => {
    const clock = new FakeClock();
    const keyring = new WechatPayKeyring({
      clock: clock.read,
      publicKey: { id: PUBLIC_KEY_ID, key: publicKeyIdentity.publicKey },
    });
    await expect(
      verifyWith(keyring, await notification(publicKeyIdentity, PUBLIC_KEY_ID, clock), clock.now),
    ).resolves.toMatchObject({
      serial: PUBLIC_KEY_ID,
    });
    expect(keyring.knownSerials()).toEqual([PUBLIC_KEY_ID]);
    expect(keyring.encryptionKey().serial).toBe(PUBLIC_KEY_ID);
    expect(keyring.preferredSerial()).toBe(PUBLIC_KEY_ID);
    await expect(keyring.ensureFresh()).resolves.toBeUndefined();
    await expect(keyring.resolve("5DEA10EF55877E3CF6C33255C2E7DEFFF7E427EC")).resolves.toBeUndefined();
  });

  it("keeps the public key valid at any date: it does not expire", async () => {
    const clock = new FakeClock();
    clock.now = Date.parse("2099-01-01T00:00:00Z");
    const keyring = new WechatPayKeyring({
      clock: clock.read,
      publicKey: { id: PUBLIC_KEY_ID, key: publicKeyIdentity.publicKey },
    });
    await expect(
      verifyWith(keyring, await notification(publicKeyIdentity, PUBLIC_KEY_ID, clock), clock.now),
    ).resolves.toBeDefined();
  });
});

describe("certificate mode (§3.4)", () => {
  it("downloads on first use, then verifies under the certificate serial", async () => {
    const clock = new FakeClock();
    const server = new CertificateServer(clock, [{ identity: newCertificate }]);
    const keyring = keyringFor(server);
    expect(keyring.preferredSerial()).toBeUndefined();
    expect(() => keyring.encryptionKey()).toThrow(
      expect.objectContaining({ code: "CERTIFICATES_UNAVAILABLE" }),
    );
    await keyring.ensureFresh();
    expect(server.downloads).toBe(1);
    expect(keyring.knownSerials()).toEqual([newCertificate.serial]);
    await expect(
      verifyWith(keyring, await notification(newCertificate, newCertificate.serial, clock), clock.now),
    ).resolves.toBeDefined();
    expect(server.downloads).toBe(1);
  });

  it("refreshes after the default 11-hour interval and not before (under 12 h, §3.4)", async () => {
    const clock = new FakeClock();
    const server = new CertificateServer(clock, [{ identity: newCertificate }]);
    const keyring = keyringFor(server);
    await keyring.ensureFresh();
    clock.now += 11 * HOUR - 1;
    await keyring.ensureFresh();
    expect(server.downloads).toBe(1);
    clock.now += 1;
    await keyring.ensureFresh();
    expect(server.downloads).toBe(2);
  });

  it("honours a configured refresh interval", async () => {
    const clock = new FakeClock();
    const server = new CertificateServer(clock, [{ identity: newCertificate }]);
    const keyring = new WechatPayKeyring({
      clock: clock.read,
      certificates: { download: server.download, apiV3Key: API_V3_KEY, refreshIntervalMs: HOUR },
    });
    await keyring.ensureFresh();
    clock.now += HOUR - 1;
    await keyring.ensureFresh();
    clock.now += 1;
    await keyring.ensureFresh();
    expect(server.downloads).toBe(2);
  });

  it("waits a minute after a failed refresh before ensureFresh downloads again, keeping the keys it has", async () => {
    const clock = new FakeClock();
    const server = new CertificateServer(clock, [{ identity: newCertificate }]);
    const keyring = keyringFor(server);
    await keyring.ensureFresh();
    clock.now += 11 * HOUR;
    server.body = () => "<html>503</html>";
    await expect(keyring.ensureFresh()).rejects.toMatchObject({ code: "CERTIFICATES_UNAVAILABLE" });
    clock.now += 59_999;
    await keyring.ensureFresh();
    expect(server.downloads).toBe(2);
    expect(keyring.knownSerials()).toEqual([newCertificate.serial]);
    clock.now += 1;
    server.body = undefined;
    await keyring.ensureFresh();
    expect(server.downloads).toBe(3);
  });

  it("shares one download among concurrent refreshes", async () => {
    const clock = new FakeClock();
    const server = new CertificateServer(clock, [{ identity: newCertificate }]);
    let open!: () => void;
    server.gate = new Promise((resolve) => {
      open = resolve;
    });
    const keyring = keyringFor(server);
    const pending = [keyring.refresh(), keyring.ensureFresh(), keyring.refresh(), keyring.ensureFresh()];
    open();
    await Promise.all(pending);
    expect(server.downloads).toBe(1);
  });

  it("lets concurrent callbacks under a new serial share one download and all pass", async () => {
    const clock = new FakeClock();
    const server = new CertificateServer(clock, [{ identity: oldCertificate }]);
    const keyring = keyringFor(server);
    await keyring.refresh();
    server.listings = [{ identity: oldCertificate }, { identity: newCertificate }];
    let open!: () => void;
    server.gate = new Promise((resolve) => {
      open = resolve;
    });
    const signed = await notification(newCertificate, newCertificate.serial, clock);
    const pending = Array.from({ length: 5 }, () => verifyWith(keyring, signed, clock.now));
    open();
    await expect(Promise.all(pending)).resolves.toHaveLength(5);
    expect(server.downloads).toBe(2);
  });

  it("accepts a first answer signed by a certificate it delivers itself (bootstrapping, §3.4)", async () => {
    const clock = new FakeClock();
    const server = new CertificateServer(
      clock,
      [{ identity: oldCertificate }, { identity: newCertificate }],
      {
        serial: newCertificate.serial,
        identity: newCertificate,
      },
    );
    await expect(keyringFor(server).refresh()).resolves.toBeUndefined();
  });
});

describe("rotation (§3.4)", () => {
  it("accepts both certificates, encrypts with the newest, and drops the old one once it expires", async () => {
    const clock = new FakeClock();
    const server = new CertificateServer(clock, [{ identity: oldCertificate }, { identity: newCertificate }]);
    const keyring = keyringFor(server);
    await keyring.refresh();
    await expect(
      verifyWith(keyring, await notification(oldCertificate, oldCertificate.serial, clock), clock.now),
    ).resolves.toBeDefined();
    await expect(
      verifyWith(keyring, await notification(newCertificate, newCertificate.serial, clock), clock.now),
    ).resolves.toBeDefined();
    expect(keyring.encryptionKey().serial).toBe(newCertificate.serial);
    expect(keyring.preferredSerial()).toBe(newCertificate.serial);

    clock.now = START + 10 * DAY + 1000; // the old certificate's notAfter has passed
    server.signer = { serial: newCertificate.serial, identity: newCertificate };
    const expired = await failure(
      verifyWith(keyring, await notification(oldCertificate, oldCertificate.serial, clock), clock.now),
    );
    expect(expired.code).toBe("VERIFY_SERIAL_UNKNOWN");
    expect(keyring.knownSerials()).toEqual([newCertificate.serial]);
    expect(keyring.find(oldCertificate.serial)).toBeUndefined();
    await expect(
      verifyWith(keyring, await notification(newCertificate, newCertificate.serial, clock), clock.now),
    ).resolves.toBeDefined();
  });
});

describe("unknown serials (§3.4)", () => {
  it("refreshes once for an unknown serial, then fails; a second unknown serial within the cooldown does not download again", async () => {
    const clock = new FakeClock();
    const server = new CertificateServer(clock, [{ identity: newCertificate }]);
    const keyring = keyringFor(server, {}, 60_000);
    await keyring.refresh();
    expect(server.downloads).toBe(1);

    const first = await failure(
      verifyWith(keyring, await notification(stranger, stranger.serial, clock), clock.now),
    );
    expect(first.code).toBe("VERIFY_SERIAL_UNKNOWN");
    expect(server.downloads).toBe(2);

    clock.now += 59_999;
    const second = await failure(
      verifyWith(
        keyring,
        await notification(stranger, "ABCDEF0123456789ABCDEF0123456789ABCDEF01", clock),
        clock.now,
      ),
    );
    expect(second.code).toBe("VERIFY_SERIAL_UNKNOWN");
    expect(server.downloads).toBe(2);

    clock.now += 1;
    await failure(verifyWith(keyring, await notification(stranger, stranger.serial, clock), clock.now));
    expect(server.downloads).toBe(3);
  });

  it("picks up a certificate published since the last refresh when a callback names it", async () => {
    const clock = new FakeClock();
    const server = new CertificateServer(clock, [{ identity: oldCertificate }]);
    const keyring = keyringFor(server);
    await keyring.refresh();
    server.listings = [{ identity: oldCertificate }, { identity: newCertificate }];
    await expect(
      verifyWith(keyring, await notification(newCertificate, newCertificate.serial, clock), clock.now),
    ).resolves.toBeDefined();
    expect(server.downloads).toBe(2);
  });

  it("reports VERIFY_SERIAL_UNKNOWN, not the download error, when the refresh for an unknown serial fails", async () => {
    const clock = new FakeClock();
    const keyring = new WechatPayKeyring({
      clock: clock.read,
      publicKey: { id: PUBLIC_KEY_ID, key: publicKeyIdentity.publicKey },
      certificates: {
        download: async () => {
          throw new Error("connect ECONNREFUSED");
        },
        apiV3Key: API_V3_KEY,
      },
    });
    const error = await failure(
      verifyWith(keyring, await notification(newCertificate, newCertificate.serial, clock), clock.now),
    );
    expect(error.code).toBe("VERIFY_SERIAL_UNKNOWN");
    expect(error.diagnostics.knownSerials).toEqual([PUBLIC_KEY_ID]);
  });
});

describe("migration: public key and certificates together (§3.4)", () => {
  it("picks the key strictly by Wechatpay-Serial", async () => {
    const clock = new FakeClock();
    const server = new CertificateServer(clock, [{ identity: newCertificate }]);
    const keyring = keyringFor(server, {
      publicKey: { id: PUBLIC_KEY_ID, key: publicKeyIdentity.publicKey },
    });
    await keyring.refresh();
    expect(keyring.knownSerials().sort()).toEqual([newCertificate.serial, PUBLIC_KEY_ID].sort());

    await expect(
      verifyWith(keyring, await notification(publicKeyIdentity, PUBLIC_KEY_ID, clock), clock.now),
    ).resolves.toBeDefined();
    await expect(
      verifyWith(keyring, await notification(newCertificate, newCertificate.serial, clock), clock.now),
    ).resolves.toBeDefined();
    const crossedA = await failure(
      verifyWith(keyring, await notification(newCertificate, PUBLIC_KEY_ID, clock), clock.now),
    );
    const crossedB = await failure(
      verifyWith(keyring, await notification(publicKeyIdentity, newCertificate.serial, clock), clock.now),
    );
    expect([crossedA.code, crossedB.code]).toEqual(["VERIFY_SIGNATURE_INVALID", "VERIFY_SIGNATURE_INVALID"]);
    expect(keyring.encryptionKey().serial).toBe(PUBLIC_KEY_ID);
  });

  it("accepts a certificates answer signed with the public key during the migration", async () => {
    const clock = new FakeClock();
    const server = new CertificateServer(clock, [{ identity: newCertificate }], {
      serial: PUBLIC_KEY_ID,
      identity: publicKeyIdentity,
    });
    const keyring = keyringFor(server, {
      publicKey: { id: PUBLIC_KEY_ID, key: publicKeyIdentity.publicKey },
    });
    await expect(keyring.refresh()).resolves.toBeUndefined();
    expect(keyring.find(newCertificate.serial)).toBeDefined();
  });
});

describe("CERTIFICATES_UNAVAILABLE", () => {
  async function refreshFailure(configure: (server: CertificateServer) => void, apiV3Key = API_V3_KEY) {
    const clock = new FakeClock();
    const server = new CertificateServer(clock, [{ identity: newCertificate }]);
    configure(server);
    const keyring = new WechatPayKeyring({
      clock: clock.read,
      certificates: { download: server.download, apiV3Key },
    });
    const error = await failure(keyring.refresh());
    expect(error.code).toBe("CERTIFICATES_UNAVAILABLE");
    expect(keyring.knownSerials()).toEqual([]);
    return error;
  }

  it("when the download throws, marked retryable", async () => {
    const clock = new FakeClock();
    const keyring = new WechatPayKeyring({
      clock: clock.read,
      certificates: {
        download: async () => {
          throw new Error("socket hang up");
        },
        apiV3Key: API_V3_KEY,
      },
    });
    const error = await failure(keyring.ensureFresh());
    expect(error).toMatchObject({ code: "CERTIFICATES_UNAVAILABLE", retryable: true });
  });

  it("when the answer is not JSON, or has no data array, or a malformed entry", async () => {
    await refreshFailure((server) => {
      server.body = () => "<html>502 Bad Gateway</html>";
    });
    await refreshFailure((server) => {
      server.body = () => '{"code":"RESOURCE_NOT_EXISTS","message":"无可用的平台证书"}';
    });
    await refreshFailure((server) => {
      server.body = () => "null";
    });
    await refreshFailure((server) => {
      server.body = () => '{"data":[{"serial_no":"AB"}]}';
    });
    await refreshFailure((server) => {
      server.body = (listings) => certificatesBody(listings).replace("AEAD_AES_256_GCM", "AEAD_SM4_GCM");
    });
  });

  it("when serial_no does not match the serial of the certificate inside", async () => {
    const error = await refreshFailure((server) => {
      server.listings = [{ identity: newCertificate, serialNo: oldCertificate.serial }];
      server.signer = { serial: newCertificate.serial, identity: newCertificate };
    });
    expect(error.message).toContain("does not match");
  });

  it("when the certificates were encrypted with another APIv3 key, without echoing either key", async () => {
    const other = parseApiV3Key("another0APIv3key0000000000000000");
    const error = await refreshFailure((server) => {
      server.listings = [{ identity: newCertificate, apiV3Key: other }];
    });
    expect(error.message).toContain("APIv3 key");
    const shown = `${error.message} ${JSON.stringify(error.diagnostics)}`;
    expect(shown).not.toContain(API_V3_KEY.toString());
    expect(shown).not.toContain(other.toString());
  });

  it("when the answer's signature is not verifiable: unknown signer, wrong key, stale timestamp", async () => {
    const unknownSigner = await refreshFailure((server) => {
      server.signer = { serial: stranger.serial, identity: stranger };
    });
    expect(unknownSigner.diagnostics.code).toBe("VERIFY_SERIAL_UNKNOWN");
    const wrongKey = await refreshFailure((server) => {
      server.signer = { serial: newCertificate.serial, identity: stranger };
    });
    expect(wrongKey.diagnostics.code).toBe("VERIFY_SIGNATURE_INVALID");
    const stale = await refreshFailure((server) => {
      server.signingSkewMs = -300_000;
    });
    expect(stale.diagnostics.code).toBe("VERIFY_TIMESTAMP_OUT_OF_WINDOW");
  });

  it("keeps the certificates it had when a later refresh fails", async () => {
    const clock = new FakeClock();
    const server = new CertificateServer(clock, [{ identity: newCertificate }]);
    const keyring = keyringFor(server);
    await keyring.refresh();
    server.body = () => "not json";
    await expect(keyring.refresh()).rejects.toMatchObject({ code: "CERTIFICATES_UNAVAILABLE" });
    expect(keyring.knownSerials()).toEqual([newCertificate.serial]);
  });
});

describe("the official certificate download payload (§9 vector 5)", () => {
  const clockInValidity = () => {
    const clock = new FakeClock();
    clock.now = Date.parse("2026-03-01T00:00:00Z"); // inside 2023-09-19 → 2028-09-17
    return clock;
  };

  async function javaKeyring(
    clock: FakeClock,
    apiV3Key: ApiV3Key,
    body = JAVA_DOWNLOAD_CERTIFICATE_RESPONSE,
  ) {
    // The vector has no signature headers; the answer is signed here with a public key
    // the keyring already trusts, as a migrating merchant's answer would be (§3.4).
    return new WechatPayKeyring({
      clock: clock.read,
      publicKey: { id: PUBLIC_KEY_ID, key: publicKeyIdentity.publicKey },
      certificates: {
        apiV3Key,
        download: async () => ({
          body,
          headers: await signAsWechatPay(
            { serial: PUBLIC_KEY_ID, privateKey: publicKeyIdentity.privateKey },
            body,
            clock.now,
          ),
        }),
      },
    });
  }

  it("decrypts with the wechatpay-java APIv3 key to the certificate of serial 5DEA10EF…27EC", async () => {
    const clock = clockInValidity();
    const keyring = await javaKeyring(clock, parseApiV3Key(JAVA_API_V3_KEY));
    await keyring.refresh();
    expect(keyring.knownSerials()).toContain(JAVA_DOWNLOAD_CERTIFICATE_SERIAL);
    expect(keyring.find(JAVA_DOWNLOAD_CERTIFICATE_SERIAL)?.asymmetricKeyType).toBe("rsa");
  });

  it("drops it after its 2028-09-17 expiry", async () => {
    const clock = clockInValidity();
    const keyring = await javaKeyring(clock, parseApiV3Key(JAVA_API_V3_KEY));
    await keyring.refresh();
    clock.now = Date.parse("2028-09-17T15:15:58Z");
    expect(keyring.find(JAVA_DOWNLOAD_CERTIFICATE_SERIAL)).toBeUndefined();
  });

  it("refuses it under another APIv3 key, and when its serial_no is altered", async () => {
    const clock = clockInValidity();
    const wrongKey = await javaKeyring(clock, parseApiV3Key("b7cde1ZJB1kG2e7VfTs3jQzaWizur8Gb"));
    await expect(wrongKey.refresh()).rejects.toMatchObject({ code: "CERTIFICATES_UNAVAILABLE" });
    const altered = JAVA_DOWNLOAD_CERTIFICATE_RESPONSE.replace(
      `"serial_no": "${JAVA_DOWNLOAD_CERTIFICATE_SERIAL}"`,
      `"serial_no": "${oldCertificate.serial}"`,
    );
    const alteredKeyring = await javaKeyring(clock, parseApiV3Key(JAVA_API_V3_KEY), altered);
    await expect(alteredKeyring.refresh()).rejects.toMatchObject({ code: "CERTIFICATES_UNAVAILABLE" });
  });
});
