import fc from "fast-check";
import { beforeAll, describe, expect, it } from "vitest";
import { makeIdentity, type TestIdentity } from "../test/fixtures/identities.ts";
import { GO_NOTIFY_VECTOR } from "../test/vectors/wechatpay-go.ts";
import { WechatPayError, type WechatPayErrorCode } from "./errors.ts";
import { WechatPayKeyring } from "./keyring.ts";
import { loadPublicKey } from "./keys.ts";
import {
  MAX_CLOCK_SKEW_SECONDS,
  type RefreshableVerificationKeys,
  SIGNATURE_TYPE,
  verifySignedMessage,
  verifySignedMessageSync,
} from "./verify.ts";
import { signAsWechatPay } from "./wechatpay-signer.ts";

const NOW = Date.parse("2026-03-01T00:00:00Z");
const NOW_SECONDS = NOW / 1000;
const VALIDITY = { notBefore: new Date("2025-01-01T00:00:00Z"), notAfter: new Date("2030-01-01T00:00:00Z") };

let platform: TestIdentity;
let other: TestIdentity;
let keys: WechatPayKeyring;

beforeAll(async () => {
  [platform, other] = await Promise.all([
    makeIdentity({ commonName: "Tenpay.com sign", ...VALIDITY }),
    makeIdentity({ commonName: "Tenpay.com sign (other)", ...VALIDITY }),
  ]);
  keys = new WechatPayKeyring({
    clock: () => NOW,
    certificatePems: [platform.certificatePem, other.certificatePem],
  });
});

type HeaderRecord = Record<string, string>;

/** Headers as Node gives them: names lower-cased (§3.1). */
async function signedHeaders(
  body: string | Buffer,
  options: { now?: number; nonce?: string; signer?: TestIdentity } = {},
): Promise<HeaderRecord> {
  const signer = options.signer ?? platform;
  const headers = await signAsWechatPay(
    { serial: signer.serial, privateKey: signer.privateKey },
    body,
    options.now ?? NOW,
    options.nonce,
  );
  return Object.fromEntries(Object.entries(headers).map(([name, value]) => [name.toLowerCase(), value]));
}

function failureOf(action: () => unknown): WechatPayError {
  try {
    action();
  } catch (error) {
    if (error instanceof WechatPayError) return error;
    throw new Error(`expected a WechatPayError, got ${String(error)}`);
  }
  throw new Error("expected verification to fail");
}

function codeOf(action: () => unknown): WechatPayErrorCode {
  return failureOf(action).code;
}

const verify = (headers: HeaderRecord | Headers, body: string | Buffer, now = NOW) =>
  verifySignedMessageSync(headers, body, keys, { now });

describe("the official notification signature (§9 vector 4)", () => {
  const vectorKeys = () =>
    new WechatPayKeyring({
      clock: () => GO_NOTIFY_VECTOR.nowSeconds * 1000,
      certificatePems: [GO_NOTIFY_VECTOR.certificatePem],
    });

  it("verifies over ts\\nnonce\\nbody\\n with a keyring holding its certificate, at its own timestamp", async () => {
    const signed = await verifySignedMessage(GO_NOTIFY_VECTOR.headers, GO_NOTIFY_VECTOR.body, vectorKeys(), {
      now: GO_NOTIFY_VECTOR.nowSeconds * 1000,
    });
    expect(signed.serial).toBe("D7CE59D1F522D701");
    expect(signed.signatureType).toBe(SIGNATURE_TYPE); // absent in the vector: Go's default (§3.1)
  });

  it("accepts it 299 s either side of its timestamp and refuses it at 300 s either side (§3.3)", () => {
    const at = (offsetSeconds: number) => () =>
      verifySignedMessageSync(GO_NOTIFY_VECTOR.headers, GO_NOTIFY_VECTOR.body, vectorKeys(), {
        now: (GO_NOTIFY_VECTOR.nowSeconds + offsetSeconds) * 1000,
      });
    expect(at(299)).not.toThrow();
    expect(at(-299)).not.toThrow();
    expect(codeOf(at(300))).toBe("VERIFY_TIMESTAMP_OUT_OF_WINDOW");
    expect(codeOf(at(-300))).toBe("VERIFY_TIMESTAMP_OUT_OF_WINDOW");
  });

  it("refuses it when one byte of the body changes", () => {
    const body = GO_NOTIFY_VECTOR.body.replace("签约成功", "签约失败");
    expect(
      codeOf(() =>
        verifySignedMessageSync(GO_NOTIFY_VECTOR.headers, body, vectorKeys(), {
          now: GO_NOTIFY_VECTOR.nowSeconds * 1000,
        }),
      ),
    ).toBe("VERIFY_SIGNATURE_INVALID");
  });
});

describe("headers (§3.1)", () => {
  it.each([
    ["wechatpay-timestamp", "Wechatpay-Timestamp"],
    ["wechatpay-nonce", "Wechatpay-Nonce"],
    ["wechatpay-signature", "Wechatpay-Signature"],
    ["wechatpay-serial", "Wechatpay-Serial"],
  ])("refuses a message without %s (or with it empty), naming %s", async (name, displayName) => {
    const headers = await signedHeaders("{}");
    const { [name]: _removed, ...rest } = headers;
    const error = failureOf(() => verify(rest, "{}"));
    expect(error.code).toBe("VERIFY_HEADERS_MISSING");
    expect(error.diagnostics.missing).toEqual([displayName]);
    expect(error.message).toContain(displayName);
    expect(codeOf(() => verify({ ...headers, [name]: "" }, "{}"))).toBe("VERIFY_HEADERS_MISSING");
  });

  it("lists every missing header at once", () => {
    expect(failureOf(() => verify({}, "")).diagnostics.missing).toEqual([
      "Wechatpay-Timestamp",
      "Wechatpay-Nonce",
      "Wechatpay-Signature",
      "Wechatpay-Serial",
    ]);
  });

  it("refuses a signature type other than WECHATPAY2-SHA256-RSA2048 and defaults a missing one to it", async () => {
    const headers = await signedHeaders("{}");
    for (const type of [
      "WECHATPAY2-SM2-WITH-SM3",
      "WECHATPAY-BRAND-SHA256-RSA2048",
      "wechatpay2-sha256-rsa2048",
    ]) {
      expect(codeOf(() => verify({ ...headers, "wechatpay-signature-type": type }, "{}"))).toBe(
        "VERIFY_SIGNATURE_TYPE_UNSUPPORTED",
      );
    }
    const { "wechatpay-signature-type": _type, ...withoutType } = headers;
    expect(verify(withoutType, "{}").signatureType).toBe(SIGNATURE_TYPE);
  });

  it("verifies with fetch Headers as with Node's records, and returns Request-ID", async () => {
    const headers = new Headers(await signedHeaders('{"a":1}'));
    headers.set("Request-ID", "08F8B1A1-REQ");
    expect(verify(headers, '{"a":1}').requestId).toBe("08F8B1A1-REQ");
  });
});

describe("clock window (§3.3)", () => {
  it("accepts 299 s of skew and refuses 300 s, in both directions", async () => {
    const headers = await signedHeaders("{}");
    expect(() => verify(headers, "{}", NOW + 299_000)).not.toThrow();
    expect(() => verify(headers, "{}", NOW - 299_000)).not.toThrow();
    expect(codeOf(() => verify(headers, "{}", NOW + 300_000))).toBe("VERIFY_TIMESTAMP_OUT_OF_WINDOW");
    expect(codeOf(() => verify(headers, "{}", NOW - 300_000))).toBe("VERIFY_TIMESTAMP_OUT_OF_WINDOW");
    expect(MAX_CLOCK_SKEW_SECONDS).toBe(300);
  });

  it("honours a narrower window given in options", async () => {
    const headers = await signedHeaders("{}");
    const check = () =>
      verifySignedMessageSync(headers, "{}", keys, { now: NOW + 60_000, maxSkewSeconds: 60 });
    expect(codeOf(check)).toBe("VERIFY_TIMESTAMP_OUT_OF_WINDOW");
  });

  it.each(["abc", "1e9", "0x10", " 1772323200", "1772323200.5", "-1", "1772323200000"])(
    "refuses the non-seconds timestamp %j as out of window, saying it is not Unix seconds",
    async (timestamp) => {
      const headers = { ...(await signedHeaders("{}")), "wechatpay-timestamp": timestamp };
      const error = failureOf(() => verify(headers, "{}"));
      expect(error.code).toBe("VERIFY_TIMESTAMP_OUT_OF_WINDOW");
      expect(error.message).toContain("not Unix seconds");
    },
  );

  it("says how far and in which direction our clock is off", async () => {
    const headers = await signedHeaders("{}");
    const error = failureOf(() => verify(headers, "{}", NOW + 301_000));
    expect(error.message).toContain("301 s after");
    expect(error.diagnostics).toMatchObject({ skewSeconds: 301, maxSkewSeconds: 300 });
  });
});

describe("serial and probe (§3.4, §3.5)", () => {
  it("refuses an unknown serial with VERIFY_SERIAL_UNKNOWN listing the serials it knows", async () => {
    const headers = {
      ...(await signedHeaders("{}")),
      "wechatpay-serial": "PUB_KEY_ID_0000000000000024101100397200000006",
    };
    const error = failureOf(() => verify(headers, "{}"));
    expect(error.code).toBe("VERIFY_SERIAL_UNKNOWN");
    expect(error.diagnostics.knownSerials).toEqual(expect.arrayContaining([platform.serial, other.serial]));
  });

  it("lists the known serials for diagnostics only when a check fails, never on a success", async () => {
    const platformKey = loadPublicKey(platform.certificatePem);
    let listed = 0;
    const counting: RefreshableVerificationKeys = {
      find: () => platformKey,
      knownSerials: () => {
        listed += 1;
        return [platform.serial];
      },
      resolve: async () => platformKey,
    };
    const headers = await signedHeaders("{}");
    verifySignedMessageSync(headers, "{}", counting, { now: NOW });
    await verifySignedMessage(headers, "{}", counting, { now: NOW });
    expect(listed).toBe(0);
    const error = failureOf(() => verifySignedMessageSync(headers, "{ }", counting, { now: NOW }));
    expect(error).toMatchObject({
      code: "VERIFY_SIGNATURE_INVALID",
      diagnostics: { knownSerials: [platform.serial] },
    });
    expect(listed).toBe(1);
  });

  it("matches a certificate serial sent in lower case", async () => {
    const headers = await signedHeaders("{}");
    expect(() =>
      verify({ ...headers, "wechatpay-serial": platform.serial.toLowerCase() }, "{}"),
    ).not.toThrow();
  });

  it("refuses any WECHATPAY/SIGNTEST/ probe with VERIFY_SIGNATURE_PROBE and never another exception", async () => {
    const headers = await signedHeaders("{}");
    fc.assert(
      fc.property(fc.string({ unit: "binary" }), fc.boolean(), (suffix, knownSerial) => {
        const probe = {
          ...headers,
          "wechatpay-signature": `WECHATPAY/SIGNTEST/${suffix}`,
          ...(knownSerial ? {} : { "wechatpay-serial": "0123456789ABCDEF0123456789ABCDEF01234567" }),
        };
        expect(codeOf(() => verify(probe, "{}"))).toBe("VERIFY_SIGNATURE_PROBE");
      }),
      { numRuns: 100 },
    );
  });

  it("recognises a probe before looking up its serial, so it never triggers a certificate download", async () => {
    let resolved = 0;
    const counting: RefreshableVerificationKeys = {
      find: () => undefined,
      knownSerials: () => [],
      resolve: async () => {
        resolved += 1;
        return undefined;
      },
    };
    const headers = { ...(await signedHeaders("{}")), "wechatpay-signature": "WECHATPAY/SIGNTEST/x+y/=" };
    await expect(verifySignedMessage(headers, "{}", counting, { now: NOW })).rejects.toMatchObject({
      code: "VERIFY_SIGNATURE_PROBE",
    });
    expect(resolved).toBe(0);
  });

  it("checks the clock before the probe, as Go checks time before verifying (§11.3)", async () => {
    const headers = { ...(await signedHeaders("{}")), "wechatpay-signature": "WECHATPAY/SIGNTEST/x" };
    expect(codeOf(() => verify(headers, "{}", NOW + 3_600_000))).toBe("VERIFY_TIMESTAMP_OUT_OF_WINDOW");
  });

  it("asks a refreshable key source for an unknown serial only in the asynchronous form", async () => {
    const headers = await signedHeaders("{}");
    const platformKey = loadPublicKey(platform.certificatePem);
    let resolved = 0;
    const refreshable: RefreshableVerificationKeys = {
      find: () => undefined,
      knownSerials: () => [],
      resolve: async () => {
        resolved += 1;
        return platformKey;
      },
    };
    await expect(verifySignedMessage(headers, "{}", refreshable, { now: NOW })).resolves.toBeDefined();
    expect(resolved).toBe(1);
    expect(codeOf(() => verifySignedMessageSync(headers, "{}", refreshable, { now: NOW }))).toBe(
      "VERIFY_SERIAL_UNKNOWN",
    );
  });
});

const bodies = fc.oneof(
  fc.string(),
  fc.string({ unit: "binary" }),
  fc.json(),
  fc.uint8Array({ maxLength: 300 }).map((bytes) => Buffer.from(bytes)),
);
const nonces = fc.string({
  unit: fc.constantFrom(..."ABCDEFGHJKLMNPQRSTUVWXYZ0123456789abcdef"),
  minLength: 1,
  maxLength: 32,
});

describe("sign then verify (property)", () => {
  it("holds for any body (string or Buffer, ASCII or not), timestamp and nonce inside the window", async () => {
    await fc.assert(
      fc.asyncProperty(
        bodies,
        fc.integer({ min: 1_000_000_000, max: 4_000_000_000 }),
        fc.integer({ min: -299_999, max: 299_999 }),
        nonces,
        async (body, timestamp, offsetMs, nonce) => {
          const headers = await signedHeaders(body, { now: timestamp * 1000, nonce });
          const now = timestamp * 1000 + offsetMs;
          fc.pre(Math.abs(Math.floor(now / 1000) - timestamp) < 300);
          const signed = await verifySignedMessage(headers, body, keys, { now });
          expect(signed).toMatchObject({ timestamp: String(timestamp), nonce, serial: platform.serial });
          // The same bytes as the other type verify too: the signature covers bytes, not a type.
          const sameBytes = typeof body === "string" ? Buffer.from(body) : body;
          expect(() => verifySignedMessageSync(headers, sameBytes, keys, { now })).not.toThrow();
        },
      ),
      { numRuns: 60 },
    );
  });
});

type Tamper = { headers: HeaderRecord; body: string | Buffer; expected: WechatPayErrorCode };

function changeOneCharacter(text: string, index: number, replacement: string): string {
  const at = index % text.length;
  const swapped = text[at] === replacement ? (replacement === "A" ? "B" : "A") : replacement;
  return text.slice(0, at) + swapped + text.slice(at + 1);
}

const tampers = (headers: HeaderRecord, body: string | Buffer): fc.Arbitrary<Tamper> =>
  fc.oneof(
    fc.nat().map((at): Tamper => {
      if (typeof body === "string") {
        return {
          headers,
          body: body.length === 0 ? " " : changeOneCharacter(body, at, "\u00e9"),
          expected: "VERIFY_SIGNATURE_INVALID",
        };
      }
      const changed = Buffer.concat([body, Buffer.from([0])]);
      if (body.length > 0) changed[at % body.length]! ^= 1 << (at % 8);
      return {
        headers,
        body: body.length > 0 ? changed.subarray(0, body.length) : changed,
        expected: "VERIFY_SIGNATURE_INVALID",
      };
    }),
    fc
      .integer({ min: -299, max: 299 })
      .filter((d) => d !== 0)
      .map(
        (delta): Tamper => ({
          headers: { ...headers, "wechatpay-timestamp": String(NOW_SECONDS + delta) },
          body,
          expected: "VERIFY_SIGNATURE_INVALID",
        }),
      ),
    fc.constant<Tamper>({
      headers: { ...headers, "wechatpay-timestamp": `0${NOW_SECONDS}` },
      body,
      expected: "VERIFY_SIGNATURE_INVALID",
    }),
    fc.integer({ min: 300, max: 10_000_000 }).chain((delta) =>
      fc.constantFrom(delta, -delta).map(
        (d): Tamper => ({
          headers: { ...headers, "wechatpay-timestamp": String(NOW_SECONDS + d) },
          body,
          expected: "VERIFY_TIMESTAMP_OUT_OF_WINDOW",
        }),
      ),
    ),
    nonces
      .filter((n) => n !== headers["wechatpay-nonce"])
      .map(
        (nonce): Tamper => ({
          headers: { ...headers, "wechatpay-nonce": nonce },
          body,
          expected: "VERIFY_SIGNATURE_INVALID",
        }),
      ),
    fc.constant<Tamper>({
      headers: { ...headers, "wechatpay-serial": other.serial },
      body,
      expected: "VERIFY_SIGNATURE_INVALID",
    }),
    fc
      .string({ unit: fc.constantFrom(..."0123456789ABCDEF"), minLength: 40, maxLength: 40 })
      .filter((serial) => serial !== platform.serial && serial !== other.serial)
      .map(
        (serial): Tamper => ({
          headers: { ...headers, "wechatpay-serial": serial },
          body,
          expected: "VERIFY_SERIAL_UNKNOWN",
        }),
      ),
    fc
      .tuple(
        fc.nat(),
        fc.constantFrom(..."ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/=!"),
      )
      .map(
        ([at, replacement]): Tamper => ({
          headers: {
            ...headers,
            "wechatpay-signature": changeOneCharacter(headers["wechatpay-signature"]!, at, replacement),
          },
          body,
          expected: "VERIFY_SIGNATURE_INVALID",
        }),
      ),
  );

describe("tampering (property)", () => {
  it("refuses any change to body, timestamp, nonce, serial or signature, each with its own code", async () => {
    const samples = await Promise.all(
      ['{"amount":{"total":100}}', "", "退款成功 ✓", Buffer.from([0xff, 0x00, 0x0a, 0x7b])].map(
        async (body) => ({
          body,
          headers: await signedHeaders(body, { nonce: "ORIGINALNONCE" }),
        }),
      ),
    );
    for (const { body, headers } of samples) {
      expect(() => verify(headers, body)).not.toThrow();
      fc.assert(
        fc.property(tampers(headers, body), (tamper) => {
          expect(codeOf(() => verify(tamper.headers, tamper.body))).toBe(tamper.expected);
        }),
        { numRuns: 100 },
      );
    }
  });
});

describe("diagnostics (§3.2: help without leaking)", () => {
  const marker = "BODY-CONTENT-MUST-NOT-LEAK-7f3a";
  const body = JSON.stringify({ openid: marker, amount: { total: 1 } });

  it("tell the serial, the known serials, the skew and the signed-message layout of a bad signature", async () => {
    const headers = await signedHeaders(body, { signer: other, now: NOW - 42_000 });
    const error = failureOf(() => verify({ ...headers, "wechatpay-serial": platform.serial }, body));
    expect(error.code).toBe("VERIFY_SIGNATURE_INVALID");
    expect(error.diagnostics).toMatchObject({
      serial: platform.serial,
      knownSerials: expect.arrayContaining([platform.serial, other.serial]),
      skewSeconds: 42,
      signedMessageLayout: `timestamp(10)\\n nonce(32)\\n body(${Buffer.byteLength(body)} bytes)\\n`,
      signedMessageBytes: 10 + 1 + 32 + 1 + Buffer.byteLength(body) + 1,
      signatureBase64Length: 344,
    });
  });

  it("never carry a private key, the body or oversized header values, whatever failed", async () => {
    const good = await signedHeaders(body);
    const failures = [
      failureOf(() => verify({ ...good, "wechatpay-serial": platform.serial }, `${body} `)),
      failureOf(() => verify({ ...good, "wechatpay-serial": "F".repeat(40) }, body)),
      failureOf(() => verify({ ...good, "wechatpay-timestamp": `${marker}${"9".repeat(500)}` }, body)),
      failureOf(() => verify({ ...good, "wechatpay-signature-type": marker.repeat(20) }, body)),
      failureOf(() => verify({ ...good, "wechatpay-signature": `WECHATPAY/SIGNTEST/${marker}` }, body)),
      failureOf(() => verify({ ...good, "wechatpay-serial": "S".repeat(5000) }, body)),
      failureOf(() => verify({}, body)),
    ];
    const keyMaterial = [platform.privateKeyPem, other.privateKeyPem].flatMap((pem) =>
      pem.split("\n").filter((line) => line.length > 40),
    );
    for (const error of failures) {
      const shown = `${error.message}\n${JSON.stringify(error.diagnostics)}`;
      expect(shown).not.toContain(marker.repeat(3)); // attacker-sized header values are clipped
      expect(shown).not.toContain('"openid"');
      expect(shown.length).toBeLessThan(1200);
      for (const line of keyMaterial) expect(shown).not.toContain(line);
    }
  });
});
