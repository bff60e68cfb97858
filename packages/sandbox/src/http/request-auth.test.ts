import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { authorizationByHand } from "../../test/hand-signing.ts";
import { callApi, createTestMerchant, startTestSandbox, type TestMerchant } from "../../test/test-sandbox.ts";
import type { RunningSandbox } from "../start.ts";

interface ErrorBody {
  code: string;
  message: string;
  detail: {
    field: string;
    issue: string;
    sign_information: {
      method: string;
      url: string;
      sign_message_length: number;
      truncated_sign_message: string;
    };
  };
}

let sandbox: RunningSandbox;
let merchant: TestMerchant;
const QUERY = "/v3/pay/transactions/out-trade-no/ORDER-0001?mchid=";

beforeAll(async () => {
  sandbox = await startTestSandbox();
  merchant = await createTestMerchant(sandbox);
});
afterAll(() => sandbox.close());

function signed(overrides: Partial<Parameters<typeof authorizationByHand>[1]> = {}, signer = merchant) {
  return authorizationByHand(signer, {
    method: "GET",
    url: `${QUERY}${merchant.mchid}`,
    body: "",
    timestamp: Math.floor(sandbox.clock.now() / 1000),
    nonce: "593BEC0C930BF1AFEB40B4A08C8FB242",
    ...overrides,
  });
}

async function get(authorization: string | undefined, url = `${QUERY}${merchant.mchid}`) {
  const response = await fetch(
    `${sandbox.url}${url}`,
    authorization ? { headers: { Authorization: authorization } } : {},
  );
  return { status: response.status, body: (await response.json()) as ErrorBody };
}

describe("§2 request authentication", () => {
  it("accepts a request signed by hand over method, path?query, timestamp, nonce and an empty body", async () => {
    const { status, body } = await get(signed());
    expect(status).toBe(404); // authenticated; the order simply does not exist
    expect(body.code).toBe("ORDER_NOT_EXIST");
  });

  it("refuses a missing Authorization header with 401 SIGN_ERROR and sign_information", async () => {
    const { status, body } = await get(undefined);
    expect(status).toBe(401);
    expect(body.code).toBe("SIGN_ERROR");
    expect(body.detail.sign_information).toMatchObject({ method: "GET", url: `${QUERY}${merchant.mchid}` });
  });

  it("refuses another scheme", async () => {
    const { status, body } = await get(
      signed().replace("WECHATPAY2-SHA256-RSA2048", "WECHATPAY2-SM2-WITH-SM3"),
    );
    expect(status).toBe(401);
    expect(body.detail.issue).toMatch(/scheme/);
  });

  it("refuses a header that lacks one of the five fields, naming it", async () => {
    const { status, body } = await get(signed().replace(/,serial_no="[^"]*"/, ""));
    expect(status).toBe(401);
    expect(body.detail.issue).toMatch(/lacks serial_no/);
  });

  it("accepts the five fields in any order (§2: 无顺序要求)", async () => {
    const header = signed();
    const pairs = header.slice("WECHATPAY2-SHA256-RSA2048 ".length).split(",").reverse().join(",");
    expect((await get(`WECHATPAY2-SHA256-RSA2048 ${pairs}`)).status).toBe(404);
  });

  it("refuses an unknown mchid", async () => {
    const { status, body } = await get(signed({}, { ...merchant, mchid: "1999999999" }));
    expect(status).toBe(401);
    expect(body.detail.field).toBe("mchid");
  });

  it("refuses a serial that is not the merchant's API certificate serial", async () => {
    const { status, body } = await get(signed({}, { ...merchant, serialNo: "1".repeat(40) }));
    expect(status).toBe(401);
    expect(body.detail.field).toBe("serial_no");
  });

  it("accepts a lower-case serial: serials are hex, compared without case", async () => {
    expect((await get(signed({}, { ...merchant, serialNo: merchant.serialNo.toLowerCase() }))).status).toBe(
      404,
    );
  });

  it("accepts a timestamp 299 s off and refuses one 300 s off (the 5-minute window)", async () => {
    const now = Math.floor(sandbox.clock.now() / 1000);
    expect((await get(signed({ timestamp: now - 299 }))).status).toBe(404);
    expect((await get(signed({ timestamp: now + 299 }))).status).toBe(404);
    const late = await get(signed({ timestamp: now - 300 }));
    expect(late.status).toBe(401);
    expect(late.body.detail.field).toBe("timestamp");
  });

  it("refuses a signature made over another URL (a query parameter signed differently)", async () => {
    const { status, body } = await get(signed({ url: `${QUERY}1900000000` }));
    expect(status).toBe(401);
    expect(body.detail.issue).toMatch(/sign not match/);
  });

  it("refuses a signature made with another private key", async () => {
    const other = await createTestMerchant(sandbox);
    const forged = signed({}, { ...other, mchid: merchant.mchid, serialNo: merchant.serialNo });
    expect((await get(forged)).status).toBe(401);
  });

  it("checks the exact body bytes: a body re-serialised after signing is refused", async () => {
    const body = '{"mchid": "X"}';
    const authorization = authorizationByHand(merchant, {
      method: "POST",
      url: "/v3/pay/transactions/out-trade-no/ORDER-0001/close",
      body,
      timestamp: Math.floor(sandbox.clock.now() / 1000),
      nonce: "N1",
    });
    const response = await fetch(`${sandbox.url}/v3/pay/transactions/out-trade-no/ORDER-0001/close`, {
      method: "POST",
      headers: { Authorization: authorization, "Content-Type": "application/json" },
      body: JSON.stringify(JSON.parse(body)), // {"mchid":"X"}: same JSON, other bytes
    });
    const answer = (await response.json()) as ErrorBody;
    expect(response.status).toBe(401);
    // WeChat Pay shows the message it built, the body cut short, and its full byte length.
    const expected = `POST\n/v3/pay/transactions/out-trade-no/ORDER-0001/close\n${Math.floor(sandbox.clock.now() / 1000)}\nN1\n{"mchid"\n`;
    expect(answer.detail.sign_information.truncated_sign_message).toBe(expected);
    const received = expected.replace('{"mchid"\n', '{"mchid":"X"}\n'); // what WeChat Pay verified
    expect(answer.detail.sign_information.sign_message_length).toBe(Buffer.byteLength(received));
  });

  it("answers SIGN_ERROR even on a route whose endpoint would refuse the body: authentication comes first", async () => {
    const answer = await callApi(sandbox, merchant, {
      method: "POST",
      url: "/v3/pay/transactions/jsapi",
      body: "{not json",
      authorization: signed(),
    });
    expect(answer.status).toBe(401);
  });
});
