import fc from "fast-check";
import { beforeAll, describe, expect, it } from "vitest";
import { makeIdentity, type TestIdentity } from "../test/fixtures/identities.ts";
import { GO_NOTIFY_VECTOR } from "../test/vectors/wechatpay-go.ts";
import { encryptAeadAes256Gcm, gcmDecrypt, parseApiV3Key } from "./aead.ts";
import { WechatPayError, type WechatPayErrorCode } from "./errors.ts";
import { WechatPayKeyring } from "./keyring.ts";
import { NOTIFICATION_FAIL_BODY, parseNotification } from "./notify.ts";
import { verifySignedMessage } from "./verify.ts";
import { buildNotificationBody, type NotificationInput, signAsWechatPay } from "./wechatpay-signer.ts";

const NOW = Date.parse("2026-03-01T04:00:00Z");
const APIV3_KEY_TEXT = "Kassa0test0APIv3key0for0notify00";
const API_V3_KEY = parseApiV3Key(APIV3_KEY_TEXT);

let platform: TestIdentity;
let keys: WechatPayKeyring;

beforeAll(async () => {
  platform = await makeIdentity({ commonName: "Tenpay.com sign" });
  keys = new WechatPayKeyring({ clock: () => NOW, certificatePems: [platform.certificatePem] });
});

const transaction = {
  appid: "wxd678efh567hg6787",
  mchid: "1230000109",
  out_trade_no: "ord_1217752501201407033233368018",
  transaction_id: "4200000000000000000000000000",
  trade_type: "JSAPI",
  trade_state: "SUCCESS",
  trade_state_desc: "支付成功",
  bank_type: "CMC",
  attach: "",
  success_time: "2026-03-01T12:00:00+08:00",
  payer: { openid: "oUpF8uMuAJO_M2pxb1Q9zNjWeS6o" },
  amount: { total: 100, payer_total: 100, currency: "CNY", payer_currency: "CNY" },
};

const refund = {
  mchid: "1230000109",
  out_trade_no: "ord_1217752501201407033233368018",
  transaction_id: "4200000000000000000000000000",
  out_refund_no: "rfd_1217752501201407033233368018",
  refund_id: "50000000382019052709732678859",
  refund_status: "SUCCESS",
  success_time: "2026-03-01T13:00:00+08:00",
  user_received_account: "招商银行信用卡0403",
  amount: { total: 100, refund: 40, payer_total: 100, payer_refund: 40 },
};

const TRANSACTION_EVENT: NotificationInput = {
  eventType: "TRANSACTION.SUCCESS",
  originalType: "transaction",
  resource: transaction,
  id: "EV-2018022511223320873",
};

/** A notification as WeChat Pay sends it: body built, then signed (§4.1, §3.2); Node-style header names. */
async function delivered(body: string) {
  const headers = await signAsWechatPay(
    { serial: platform.serial, privateKey: platform.privateKey },
    body,
    NOW,
  );
  const lowerCase = Object.fromEntries(
    Object.entries(headers).map(([name, value]) => [name.toLowerCase(), value]),
  );
  return { body, headers: lowerCase };
}

/** An envelope edited after building and signed again, so only the step under test can refuse it. */
async function deliveredEdited(
  edit: (envelope: Record<string, unknown> & { resource: Record<string, unknown> }) => void,
) {
  const envelope = JSON.parse(buildNotificationBody(API_V3_KEY, TRANSACTION_EVENT, NOW));
  edit(envelope);
  return delivered(JSON.stringify(envelope));
}

/** A valid envelope whose resource decrypts to `plaintext`. */
function envelopeWithPlaintext(eventType: string, originalType: string, plaintext: string): string {
  const nonce = "abcdefghijkl";
  return JSON.stringify({
    id: "EV-1",
    create_time: "2026-03-01T12:00:00+08:00",
    resource_type: "encrypt-resource",
    event_type: eventType,
    summary: "s",
    resource: {
      original_type: originalType,
      algorithm: "AEAD_AES_256_GCM",
      associated_data: originalType,
      nonce,
      ciphertext: encryptAeadAes256Gcm(API_V3_KEY, { nonce, associatedData: originalType, plaintext }),
    },
  });
}

const options = () => ({ keys, apiV3Key: API_V3_KEY, now: NOW });

async function codeOf(promise: Promise<unknown>): Promise<WechatPayErrorCode> {
  try {
    await promise;
  } catch (error) {
    if (error instanceof WechatPayError) return error.code;
    throw new Error(`expected a WechatPayError, got ${String(error)}`);
  }
  throw new Error("expected the notification to be refused");
}

describe("the official notification (§9 vector 4)", () => {
  it("verifies its signature through the keyring at its own timestamp and decrypts to the expected plaintext", async () => {
    const vectorKeys = new WechatPayKeyring({
      clock: () => GO_NOTIFY_VECTOR.nowSeconds * 1000,
      certificatePems: [GO_NOTIFY_VECTOR.certificatePem],
    });
    await verifySignedMessage(GO_NOTIFY_VECTOR.headers, Buffer.from(GO_NOTIFY_VECTOR.body), vectorKeys, {
      now: GO_NOTIFY_VECTOR.nowSeconds * 1000,
    });
    const { resource } = JSON.parse(GO_NOTIFY_VECTOR.body);
    // Its APIv3 key is 16 bytes (AES-128-GCM, §4.2 caveat), so gcmDecrypt rather than the 32-byte API.
    const plaintext = gcmDecrypt(Buffer.from(GO_NOTIFY_VECTOR.apiV3Key), {
      nonce: resource.nonce,
      associatedData: resource.associated_data,
      ciphertext: resource.ciphertext,
    });
    expect(plaintext.toString("utf8")).toBe(GO_NOTIFY_VECTOR.expectedPlaintext);
  });

  it("passes verification inside parseNotification, then stops at decryption: a 16-byte key is no APIv3 key", async () => {
    const vectorKeys = new WechatPayKeyring({
      clock: () => GO_NOTIFY_VECTOR.nowSeconds * 1000,
      certificatePems: [GO_NOTIFY_VECTOR.certificatePem],
    });
    const code = await codeOf(
      parseNotification(GO_NOTIFY_VECTOR.headers, GO_NOTIFY_VECTOR.body, {
        keys: vectorKeys,
        apiV3Key: API_V3_KEY,
        now: GO_NOTIFY_VECTOR.nowSeconds * 1000,
      }),
    );
    expect(code).toBe("NOTIFY_DECRYPTION_FAILED");
  });
});

describe("parseNotification (§4)", () => {
  it("turns a signed TRANSACTION.SUCCESS into a typed payment event, from a string or a Buffer body", async () => {
    const { body, headers } = await delivered(buildNotificationBody(API_V3_KEY, TRANSACTION_EVENT, NOW));
    for (const raw of [body, Buffer.from(body)]) {
      const event = await parseNotification(headers, raw, options());
      expect(event).toMatchObject({
        kind: "transaction",
        id: "EV-2018022511223320873",
        eventType: "TRANSACTION.SUCCESS",
        createTime: "2026-03-01T12:00:00+08:00",
        summary: "支付成功",
        resource: transaction,
        signed: { serial: platform.serial, timestamp: String(NOW / 1000) },
      });
    }
  });

  it("turns a signed REFUND.SUCCESS into a typed refund event, with fetch Headers", async () => {
    const input: NotificationInput = {
      eventType: "REFUND.SUCCESS",
      originalType: "refund",
      resource: refund,
    };
    const { body, headers } = await delivered(buildNotificationBody(API_V3_KEY, input, NOW));
    const event = await parseNotification(new Headers(headers), body, options());
    expect(event).toMatchObject({ kind: "refund", eventType: "REFUND.SUCCESS", resource: refund });
    if (event.kind === "refund") expect(event.resource.refund_status).toBe("SUCCESS");
  });

  it.each(["REFUND.ABNORMAL", "REFUND.CLOSED"])("accepts the %s refund event", async (eventType) => {
    const status = eventType.slice("REFUND.".length);
    const input: NotificationInput = {
      eventType,
      originalType: "refund",
      resource: { ...refund, refund_status: status },
    };
    const { body, headers } = await delivered(buildNotificationBody(API_V3_KEY, input, NOW));
    await expect(parseNotification(headers, body, options())).resolves.toMatchObject({
      kind: "refund",
      eventType,
    });
  });

  it("verifies before it parses: an unsigned or probed body is refused by verification (§3, §3.5)", async () => {
    const { body, headers } = await delivered(buildNotificationBody(API_V3_KEY, TRANSACTION_EVENT, NOW));
    expect(await codeOf(parseNotification(headers, `${body} `, options()))).toBe("VERIFY_SIGNATURE_INVALID");
    expect(await codeOf(parseNotification(headers, "not json", options()))).toBe("VERIFY_SIGNATURE_INVALID");
    const probe = { ...headers, "wechatpay-signature": "WECHATPAY/SIGNTEST/abc" };
    expect(await codeOf(parseNotification(probe, body, options()))).toBe("VERIFY_SIGNATURE_PROBE");
    const late = parseNotification(headers, body, { ...options(), now: NOW + 300_000 });
    expect(await codeOf(late)).toBe("VERIFY_TIMESTAMP_OUT_OF_WINDOW");
  });

  it("refuses an algorithm other than AEAD_AES_256_GCM", async () => {
    const { body, headers } = await deliveredEdited((envelope) => {
      envelope.resource.algorithm = "AEAD_SM4_GCM";
    });
    expect(await codeOf(parseNotification(headers, body, options()))).toBe("NOTIFY_ALGORITHM_UNSUPPORTED");
  });

  it("refuses a resource encrypted under another APIv3 key, without echoing either key", async () => {
    const { body, headers } = await delivered(buildNotificationBody(API_V3_KEY, TRANSACTION_EVENT, NOW));
    const otherKey = parseApiV3Key("another0APIv3key0000000000000000");
    try {
      await parseNotification(headers, body, { ...options(), apiV3Key: otherKey });
      expect.unreachable("decrypted under the wrong key");
    } catch (error) {
      expect((error as WechatPayError).code).toBe("NOTIFY_DECRYPTION_FAILED");
      const shown = `${(error as Error).message} ${JSON.stringify((error as WechatPayError).diagnostics)}`;
      expect(shown).not.toContain(APIV3_KEY_TEXT);
      expect(shown).not.toContain(otherKey.toString());
      expect(shown).not.toContain(transaction.payer.openid);
    }
  });

  it("refuses any change to ciphertext, tag, resource nonce or associated data, even re-signed (property)", async () => {
    const original = JSON.parse(buildNotificationBody(API_V3_KEY, TRANSACTION_EVENT, NOW)).resource;
    const raw = Buffer.from(original.ciphertext, "base64");
    const edits = fc.oneof(
      // any bit of the ciphertext or its 16-byte tag
      fc.tuple(fc.nat({ max: raw.length - 1 }), fc.integer({ min: 0, max: 7 })).map(([at, bit]) => {
        const changed = Buffer.from(raw);
        changed[at]! ^= 1 << bit;
        return { ciphertext: changed.toString("base64") };
      }),
      fc
        .string({ minLength: 12, maxLength: 12, unit: "grapheme-ascii" })
        .filter((n) => n !== original.nonce)
        .map((nonce) => ({ nonce })),
      fc
        .string({ maxLength: 20 })
        .filter((a) => a !== original.associated_data)
        .map((associated_data) => ({ associated_data })),
    );
    await fc.assert(
      fc.asyncProperty(edits, async (edit) => {
        const { body, headers } = await deliveredEdited((envelope) => {
          Object.assign(envelope.resource, edit);
        });
        expect(await codeOf(parseNotification(headers, body, options()))).toBe("NOTIFY_DECRYPTION_FAILED");
      }),
      { numRuns: 60 },
    );
  });
});

describe("NOTIFY_SHAPE_INVALID (§4.1, §4.3, §4.4)", () => {
  const shapeCode = async (body: string) => {
    const signed = await delivered(body);
    return codeOf(parseNotification(signed.headers, signed.body, options()));
  };

  it.each(["not json", "[1,2]", "null", '"text"'])("refuses the envelope %j", async (body) => {
    expect(await shapeCode(body)).toBe("NOTIFY_SHAPE_INVALID");
  });

  it.each([
    ["id", (e: Record<string, unknown>) => delete e.id],
    ["event_type", (e: Record<string, unknown>) => delete e.event_type],
    ["create_time", (e: Record<string, unknown>) => delete e.create_time],
    ["resource", (e: Record<string, unknown>) => delete e.resource],
    ["resource.ciphertext", (e: { resource: Record<string, unknown> }) => delete e.resource.ciphertext],
    ["resource.nonce", (e: { resource: Record<string, unknown> }) => delete e.resource.nonce],
    ["resource.algorithm", (e: { resource: Record<string, unknown> }) => delete e.resource.algorithm],
    [
      "a numeric associated_data",
      (e: { resource: Record<string, unknown> }) => (e.resource.associated_data = 1),
    ],
  ] as const)("refuses an envelope without %s", async (_field, edit) => {
    const { body, headers } = await deliveredEdited((envelope) => {
      edit(envelope as never);
    });
    expect(await codeOf(parseNotification(headers, body, options()))).toBe("NOTIFY_SHAPE_INVALID");
  });

  it("refuses a resource that decrypts to something other than a JSON object", async () => {
    expect(await shapeCode(envelopeWithPlaintext("TRANSACTION.SUCCESS", "transaction", "not json"))).toBe(
      "NOTIFY_SHAPE_INVALID",
    );
    expect(await shapeCode(envelopeWithPlaintext("TRANSACTION.SUCCESS", "transaction", "[]"))).toBe(
      "NOTIFY_SHAPE_INVALID",
    );
  });

  it.each([
    ["no amount", { amount: undefined }],
    ["amount.total in yuan", { amount: { total: 1.5 } }],
    ["amount.total as a string", { amount: { total: "100" } }],
    ["a negative amount.total", { amount: { total: -1 } }],
    ["a fractional payer_total", { amount: { total: 100, payer_total: 99.5 } }],
    ["no appid", { appid: undefined }],
    ["no mchid", { mchid: undefined }],
    ["no out_trade_no", { out_trade_no: undefined }],
    ["no trade_state", { trade_state: undefined }],
  ])("refuses a transaction with %s", async (_name, change) => {
    const resource = JSON.stringify({ ...transaction, ...change });
    expect(await shapeCode(envelopeWithPlaintext("TRANSACTION.SUCCESS", "transaction", resource))).toBe(
      "NOTIFY_SHAPE_INVALID",
    );
  });

  it.each([
    "mchid",
    "out_trade_no",
    "transaction_id",
    "out_refund_no",
    "refund_id",
    "refund_status",
    "amount",
  ])("refuses a refund without %s", async (field) => {
    const resource = JSON.stringify({ ...refund, [field]: undefined });
    expect(await shapeCode(envelopeWithPlaintext("REFUND.SUCCESS", "refund", resource))).toBe(
      "NOTIFY_SHAPE_INVALID",
    );
  });

  it.each(["total", "refund", "payer_total", "payer_refund"])(
    "refuses a refund whose amount.%s is not integer fen",
    async (field) => {
      const resource = JSON.stringify({ ...refund, amount: { ...refund.amount, [field]: 0.4 } });
      expect(await shapeCode(envelopeWithPlaintext("REFUND.SUCCESS", "refund", resource))).toBe(
        "NOTIFY_SHAPE_INVALID",
      );
    },
  );

  it("refuses a refund whose refund_status is the refund API's PROCESSING, not a notification status", async () => {
    const resource = JSON.stringify({ ...refund, refund_status: "PROCESSING" });
    expect(await shapeCode(envelopeWithPlaintext("REFUND.SUCCESS", "refund", resource))).toBe(
      "NOTIFY_SHAPE_INVALID",
    );
  });

  it("refuses an unknown event_type", async () => {
    const resource = JSON.stringify(transaction);
    expect(await shapeCode(envelopeWithPlaintext("PAYSCORE.USER_OPEN_SERVICE", "payscore", resource))).toBe(
      "NOTIFY_SHAPE_INVALID",
    );
  });

  it("keeps the decrypted content out of a shape error", async () => {
    const resource = JSON.stringify({ ...transaction, amount: { total: "100" } });
    const signed = await delivered(envelopeWithPlaintext("TRANSACTION.SUCCESS", "transaction", resource));
    try {
      await parseNotification(signed.headers, signed.body, options());
      expect.unreachable("a bad amount was accepted");
    } catch (error) {
      const shown = `${(error as Error).message} ${JSON.stringify((error as WechatPayError).diagnostics)}`;
      expect(shown).not.toContain(transaction.payer.openid);
      expect(shown).not.toContain(transaction.out_trade_no);
    }
  });
});

describe("the failure answer (§4.5)", () => {
  it("is {code: FAIL, message: 失败} and cannot be modified", () => {
    expect(NOTIFICATION_FAIL_BODY).toEqual({ code: "FAIL", message: "失败" });
    expect(Object.isFrozen(NOTIFICATION_FAIL_BODY)).toBe(true);
  });
});
