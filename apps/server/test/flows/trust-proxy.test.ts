import { randomInt } from "node:crypto";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { KassaUnderTest } from "../kassa-harness.ts";

/**
 * KASSA_TRUST_PROXY over real HTTP. The test's own connection plays the reverse proxy: it
 * comes from 127.0.0.1 and sends what a proxy forwards, `X-Forwarded-For: <whatever the
 * client sent>, <the client's address, appended by the proxy>`. The login limit is 3 a minute
 * per address, so the 4th login from one address is refused with 429.
 */
const LIMITS = { KASSA_RATE_LIMIT_LOGIN_PER_IP: "3", KASSA_RATE_LIMIT_PER_IP: "1000" };

function anyAddress(): string {
  return `${randomInt(1, 224)}.${randomInt(0, 256)}.${randomInt(0, 256)}.${randomInt(1, 255)}`;
}

async function loginStatus(kassa: KassaUnderTest, forwardedFor: string): Promise<number> {
  const answer = await kassa.request("POST", "/v1/session", {
    body: { code: "bogus" },
    headers: { "x-forwarded-for": forwardedFor },
  });
  return answer.status;
}

async function loginsFrom(kassa: KassaUnderTest, clientAddress: string, count: number): Promise<number[]> {
  const statuses = [];
  // Each login claims a new address of its own choosing in front of the one the proxy added.
  for (let i = 0; i < count; i += 1)
    statuses.push(await loginStatus(kassa, `${anyAddress()}, ${clientAddress}`));
  return statuses;
}

describe("behind one trusted hop (KASSA_TRUST_PROXY=1)", () => {
  let kassa: KassaUnderTest;
  beforeAll(async () => {
    kassa = await KassaUnderTest.start({ ...LIMITS, KASSA_TRUST_PROXY: "1" });
  });
  afterAll(async () => {
    await kassa?.close();
  });

  it("limits logins by the address the proxy appended, not by the X-Forwarded-For the client chose", async () => {
    expect(await loginsFrom(kassa, "203.0.113.7", 5)).toEqual([401, 401, 401, 429, 429]);
    // Another client behind the same proxy has its own bucket.
    expect(await loginsFrom(kassa, "203.0.113.8", 1)).toEqual([401]);
  });
});

describe("behind a proxy named by address (KASSA_TRUST_PROXY=10.0.0.5,127.0.0.1)", () => {
  let kassa: KassaUnderTest;
  beforeAll(async () => {
    kassa = await KassaUnderTest.start({ ...LIMITS, KASSA_TRUST_PROXY: "10.0.0.5,127.0.0.1" });
  });
  afterAll(async () => {
    await kassa?.close();
  });

  it("limits logins by the address the trusted proxy appended, not by the X-Forwarded-For the client chose", async () => {
    expect(await loginsFrom(kassa, "203.0.113.9", 5)).toEqual([401, 401, 401, 429, 429]);
    expect(await loginsFrom(kassa, "203.0.113.10", 1)).toEqual([401]);
  });
});

describe("reached directly, not through the trusted proxy (KASSA_TRUST_PROXY=10.0.0.5)", () => {
  let kassa: KassaUnderTest;
  beforeAll(async () => {
    kassa = await KassaUnderTest.start({ ...LIMITS, KASSA_TRUST_PROXY: "10.0.0.5" });
  });
  afterAll(async () => {
    await kassa?.close();
  });

  it("limits a client by its own connection's address, whatever X-Forwarded-For it sends", async () => {
    const statuses = [];
    for (let i = 0; i < 5; i += 1)
      statuses.push(await loginStatus(kassa, `${anyAddress()}, ${anyAddress()}`));
    expect(statuses).toEqual([401, 401, 401, 429, 429]);
  });
});
