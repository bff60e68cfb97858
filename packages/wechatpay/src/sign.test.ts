import fc from "fast-check";
import { describe, expect, it } from "vitest";
import {
  JAVA_MERCHANT_CERTIFICATE_PEM,
  JAVA_MERCHANT_CERTIFICATE_SERIAL,
  JAVA_MERCHANT_ID,
  JAVA_MERCHANT_PRIVATE_KEY_PEM,
} from "../test/vectors/wechatpay-java.ts";
import { loadPrivateKey, loadPublicKey } from "./keys.ts";
import { signSha256WithRsaSync, verifySha256WithRsa } from "./rsa.ts";
import {
  AUTHORIZATION_SCHEME,
  type AuthorizationParts,
  buildRequestMessage,
  formatAuthorization,
  parseAuthorization,
  signRequest,
} from "./sign.ts";

const merchant = {
  mchid: JAVA_MERCHANT_ID,
  serialNo: JAVA_MERCHANT_CERTIFICATE_SERIAL,
  privateKey: loadPrivateKey(JAVA_MERCHANT_PRIVATE_KEY_PEM),
};
const merchantPublicKey = loadPublicKey(JAVA_MERCHANT_CERTIFICATE_PEM);

describe("buildRequestMessage (§2 Message to sign)", () => {
  it("builds the documented GET example, ending with \\n\\n for the empty body", () => {
    const message = buildRequestMessage(
      { method: "GET", canonicalUrl: "/v3/certificates", body: "" },
      1554208460,
      "593BEC0C930BF1AFEB40B4A08C8FB242",
    );
    expect(message).toBe("GET\n/v3/certificates\n1554208460\n593BEC0C930BF1AFEB40B4A08C8FB242\n\n");
  });

  it("makes five \\n-terminated lines: upper-case method, URL with query as sent, timestamp, nonce, exact body", () => {
    const body = '{"mchid":"1234567891","描述":"a b"}';
    const message = buildRequestMessage(
      { method: "post", canonicalUrl: "/v3/pay/transactions/out-trade-no/A%7C1?mchid=1", body },
      "1700000000",
      "N",
    );
    expect(message.split("\n")).toEqual([
      "POST",
      "/v3/pay/transactions/out-trade-no/A%7C1?mchid=1",
      "1700000000",
      "N",
      body,
      "",
    ]);
  });
});

const parts: AuthorizationParts = {
  mchid: "1900000001",
  serialNo: JAVA_MERCHANT_CERTIFICATE_SERIAL,
  nonce: "593BEC0C930BF1AFEB40B4A08C8FB242",
  timestamp: "1554208460",
  // Any Base64 will do for formatting and parsing; this one is a real signature of the example.
  signature: signSha256WithRsaSync(
    "GET\n/v3/certificates\n1554208460\n593BEC0C930BF1AFEB40B4A08C8FB242\n\n",
    merchant.privateKey,
  ),
};

describe("Authorization header (§2 Header)", () => {
  it('formats the scheme and five key="value" pairs joined by commas without spaces', () => {
    expect(formatAuthorization(parts)).toBe(
      `WECHATPAY2-SHA256-RSA2048 mchid="1900000001",nonce_str="${parts.nonce}",timestamp="1554208460",` +
        `serial_no="${parts.serialNo}",signature="${parts.signature}"`,
    );
  });

  it("parses back what it formats, whatever the order of the pairs and spaces around them (无顺序要求)", () => {
    const pairs = formatAuthorization(parts)
      .slice(AUTHORIZATION_SCHEME.length + 1)
      .split(",");
    fc.assert(
      fc.property(
        fc.shuffledSubarray(pairs, { minLength: pairs.length, maxLength: pairs.length }),
        fc.constantFrom(",", ", ", " , "),
        (shuffled, separator) => {
          expect(parseAuthorization(`${AUTHORIZATION_SCHEME} ${shuffled.join(separator)}`)).toEqual(parts);
        },
      ),
      { numRuns: 60 },
    );
  });

  it("refuses another scheme, a missing field, a repeated field or a malformed pair", () => {
    const header = formatAuthorization(parts);
    expect(parseAuthorization(undefined)).toBeUndefined();
    expect(
      parseAuthorization(header.replace("WECHATPAY2-SHA256-RSA2048", "WECHATPAY2-SM2-WITH-SM3")),
    ).toBeUndefined();
    for (const field of ["mchid", "nonce_str", "timestamp", "serial_no", "signature"]) {
      const without = header.replace(new RegExp(`,?${field}="[^"]*"`), "").replace(" ,", " ");
      expect(parseAuthorization(without), field).toBeUndefined();
    }
    expect(parseAuthorization(`${header},signature="AAAA"`)).toBeUndefined();
    expect(parseAuthorization(`${header},junk`)).toBeUndefined();
    expect(parseAuthorization(header.replace('mchid="1900000001"', "mchid=1900000001"))).toBeUndefined();
  });
});

describe("signRequest (§2)", () => {
  it("signs the five-line message with the merchant key, at the clock's Unix second, under the merchant serial", async () => {
    const request = {
      method: "POST",
      canonicalUrl: "/v3/pay/transactions/jsapi",
      body: '{"amount":{"total":1}}',
    };
    const header = await signRequest(merchant, request, 1_700_000_000_999, "NONCE123");
    const parsed = parseAuthorization(header);
    expect(parsed).toMatchObject({
      mchid: JAVA_MERCHANT_ID,
      serialNo: JAVA_MERCHANT_CERTIFICATE_SERIAL,
      nonce: "NONCE123",
      timestamp: "1700000000",
    });
    const message = buildRequestMessage(request, "1700000000", "NONCE123");
    expect(verifySha256WithRsa(message, parsed!.signature, merchantPublicKey)).toBe(true);
    const changedBody = buildRequestMessage(
      { ...request, body: '{"amount":{"total":2}}' },
      "1700000000",
      "NONCE123",
    );
    expect(verifySha256WithRsa(changedBody, parsed!.signature, merchantPublicKey)).toBe(false);
  });

  it("draws a fresh 32-character nonce for every request when none is given", async () => {
    const request = { method: "GET", canonicalUrl: "/v3/certificates", body: "" };
    const first = parseAuthorization(await signRequest(merchant, request, 0));
    const second = parseAuthorization(await signRequest(merchant, request, 0));
    expect(first?.nonce).toMatch(/^[0-9A-Z]{32}$/);
    expect(first?.nonce).not.toBe(second?.nonce);
  });
});
