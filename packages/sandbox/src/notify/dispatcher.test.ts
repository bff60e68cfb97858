import { readFile } from "node:fs/promises";
import type { IncomingHttpHeaders } from "node:http";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { decryptByHand, verifyResponseByHand } from "../../test/hand-signing.ts";
import { type NotifyReceiver, startReceiver } from "../../test/notify-receiver.ts";
import {
  callApi,
  createTestMerchant,
  loginOpenid,
  prepayOrder,
  startTestSandbox,
  type TestMerchant,
} from "../../test/test-sandbox.ts";
import type { RunningSandbox } from "../start.ts";
import { RETRY_LADDER_MS } from "./retry-ladder.ts";

let sandbox: RunningSandbox;
let merchant: TestMerchant;
let publicKeyOnly: TestMerchant;
let openid: string;
const receivers: NotifyReceiver[] = [];

beforeAll(async () => {
  sandbox = await startTestSandbox({ notifyTimeoutMs: 1_000 });
  [merchant, publicKeyOnly] = await Promise.all([
    createTestMerchant(sandbox),
    createTestMerchant(sandbox, { certificates: false }),
  ]);
  openid = await loginOpenid(sandbox, merchant);
});
afterAll(async () => {
  await sandbox.close();
  await Promise.all(receivers.map((receiver) => receiver.close()));
});

async function receiver(...args: Parameters<typeof startReceiver>) {
  const started = await startReceiver(...args);
  receivers.push(started);
  return started;
}

/** Prepay for `m` to `url`, then the payer pays; returns the order's number. */
async function paidOrder(url: string, m = merchant, total = 1) {
  const payer = m === merchant ? openid : await loginOpenid(sandbox, m);
  const { outTradeNo } = await prepayOrder(sandbox, m, payer, { notify_url: url, amount: { total } });
  await sandbox.admin.payOrder(m.mchid, outTradeNo, { bankType: "CMB_DEBIT" });
  return outTradeNo;
}

const notificationOf = (outTradeNo: string) => {
  const [only] = sandbox.admin.listNotifications({ outTradeNo });
  if (!only) throw new Error(`no notification for ${outTradeNo}`);
  return only;
};
/** The notification once `count` attempts are judged (the first goes out on its own, at once). */
async function judged(outTradeNo: string, count = 1) {
  const deadline = Date.now() + 5_000;
  for (;;) {
    await sandbox.context.scheduler.idle();
    const record = notificationOf(outTradeNo);
    if (
      record.attempts.length >= count &&
      record.attempts.every((attempt) => attempt.outcome !== "IN_FLIGHT")
    )
      return record;
    if (Date.now() > deadline)
      throw new Error(`${outTradeNo}: ${record.attempts.length} of ${count} attempts judged`);
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
}
const toHeaders = (incoming: IncomingHttpHeaders) => new Headers(incoming as Record<string, string>);

describe("TRANSACTION.SUCCESS notifications (§4)", () => {
  it("POSTs the §4.1 envelope, signed (§3.2) with the newest platform certificate, its resource the §4.3 transaction", async () => {
    const inbox = await receiver();
    const outTradeNo = await paidOrder(inbox.url);
    const [delivered] = await inbox.waitFor(1);
    const body = JSON.parse(delivered!.body);
    expect(body).toMatchObject({
      event_type: "TRANSACTION.SUCCESS",
      resource_type: "encrypt-resource",
      summary: "支付成功",
      resource: {
        algorithm: "AEAD_AES_256_GCM",
        original_type: "transaction",
        associated_data: "transaction",
      },
    });
    expect(body.id).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/);
    expect(body.resource.nonce).toHaveLength(12);
    const headers = toHeaders(delivered!.headers);
    expect(headers.get("content-type")).toBe("application/json");
    expect(headers.get("wechatpay-serial")).toBe(merchant.view.platformCertificates[0]!.serialNo);
    expect(headers.get("wechatpay-signature-type")).toBe("WECHATPAY2-SHA256-RSA2048");
    expect(Number(headers.get("wechatpay-timestamp"))).toBe(Math.floor(sandbox.clock.now() / 1000));
    const certificate = await readFile(merchant.view.files.platformCertificates[0]!, "utf8");
    expect(verifyResponseByHand(headers, delivered!.body, certificate)).toBe(true);
    const resource = JSON.parse(decryptByHand(merchant.apiV3Key, body.resource));
    const query = await callApi(sandbox, merchant, {
      method: "GET",
      url: `/v3/pay/transactions/out-trade-no/${outTradeNo}?mchid=${merchant.mchid}`,
    });
    expect(resource).toEqual(query.json);
    expect(resource).toMatchObject({ trade_state: "SUCCESS", bank_type: "CMB_DEBIT", payer: { openid } });
    expect(await judged(outTradeNo)).toMatchObject({
      id: body.id,
      status: "DELIVERED",
      attempts: [{ status: 204 }],
    });
  });

  it("signs a public-key-only merchant's notifications with the WeChat Pay public key", async () => {
    const inbox = await receiver();
    await paidOrder(inbox.url, publicKeyOnly);
    const [delivered] = await inbox.waitFor(1);
    const headers = toHeaders(delivered!.headers);
    expect(headers.get("wechatpay-serial")).toBe(publicKeyOnly.wechatpayPublicKeyId);
    expect(verifyResponseByHand(headers, delivered!.body, publicKeyOnly.wechatpayPublicKeyPem)).toBe(true);
  });

  it("retries on the §4.6 ladder as the clock advances: 500, 500, then 204 makes 3 attempts, 15 s apart, one id", async () => {
    const inbox = await receiver((index) =>
      index < 2 ? { status: 500, body: '{"code":"FAIL","message":"失败"}' } : { status: 204 },
    );
    const outTradeNo = await paidOrder(inbox.url);
    const start = sandbox.clock.now();
    expect(await judged(outTradeNo)).toMatchObject({ status: "PENDING", nextAttemptAt: start + 15_000 });
    await sandbox.admin.advanceClock(14_999);
    expect(inbox.received).toHaveLength(1); // not a millisecond early
    await sandbox.admin.advanceClock(1);
    await sandbox.admin.advanceClock(15_000);
    const bodies = (await inbox.waitFor(3)).map((entry) => entry.body);
    expect(new Set(bodies).size).toBe(1); // the same notification, the same id, every time
    const record = notificationOf(outTradeNo);
    expect(record.status).toBe("DELIVERED");
    expect(record.attempts.map((attempt) => [attempt.at - start, attempt.status, attempt.outcome])).toEqual([
      [0, 500, "FAILED"],
      [15_000, 500, "FAILED"],
      [30_000, 204, "SUCCEEDED"],
    ]);
    expect(record.attempts[0]).toMatchObject({
      trigger: "scheduled",
      responseExcerpt: '{"code":"FAIL","message":"失败"}',
      error: expect.stringContaining("500"),
      latencyMs: expect.any(Number),
    });
    expect(record.nextAttemptAt).toBeUndefined();
  });

  it("gives up after the first attempt and 15 retries, 24h4m later, at exactly the ladder's times; a resend then delivers", async () => {
    let answer = 503;
    const inbox = await receiver(() => ({ status: answer }));
    const outTradeNo = await paidOrder(inbox.url);
    const start = sandbox.clock.now();
    await judged(outTradeNo);
    await sandbox.admin.advanceClock(24 * 3600_000 + 4 * 60_000);
    const record = notificationOf(outTradeNo);
    expect(record.status).toBe("FAILED");
    expect(record.attempts).toHaveLength(16);
    let expected = 0;
    const offsets = [0, ...RETRY_LADDER_MS.map((wait) => (expected += wait))];
    expect(record.attempts.map((attempt) => attempt.at - start)).toEqual(offsets);
    expect(offsets.at(-1)).toBe(24 * 3600_000 + 4 * 60_000);
    answer = 200;
    const resent = await fetch(`${sandbox.url}/admin/notifications/${record.id}/resend`, { method: "POST" });
    expect(resent.status).toBe(200);
    expect(await resent.json()).toMatchObject({
      status: "DELIVERED",
      attempts: expect.arrayContaining([expect.objectContaining({ trigger: "resend", status: 200 })]),
    });
  });

  it("counts only 200 and 204 within the time limit: a 200 with a FAIL body is success; 202, a redirect, or a late answer are not", async () => {
    const fail200 = await receiver(() => ({ status: 200, body: '{"code":"FAIL"}' }));
    expect((await judged(await paidOrder(fail200.url))).status).toBe("DELIVERED");
    for (const [answer, expectedError] of [
      [{ status: 202 }, /202/],
      [{ status: 302 }, /302/],
      [{ status: 204, delayMs: 1_300 }, /within 1000 ms/],
    ] as const) {
      const inbox = await receiver(() => answer);
      const [attempt] = (await judged(await paidOrder(inbox.url))).attempts;
      expect(attempt).toMatchObject({ outcome: "FAILED", error: expect.stringMatching(expectedError) });
    }
  });

  it("keeps a bounded excerpt of the answer, and records network errors", async () => {
    const chatty = await receiver(() => ({ status: 500, body: "x".repeat(10_000) }));
    const outTradeNo = await paidOrder(chatty.url);
    expect((await judged(outTradeNo)).attempts[0]!.responseExcerpt).toBe("x".repeat(256));
    const closed = await receiver();
    await closed.close();
    const unreachable = await paidOrder(closed.url);
    expect((await judged(unreachable)).attempts[0]).toMatchObject({
      outcome: "FAILED",
      error: "ECONNREFUSED",
    });
  });

  it("lists notifications with their attempts over HTTP, filtered by mchid and out_trade_no", async () => {
    const inbox = await receiver();
    const outTradeNo = await paidOrder(inbox.url);
    await judged(outTradeNo);
    const listed = (await (
      await fetch(`${sandbox.url}/admin/notifications?mchid=${merchant.mchid}&out_trade_no=${outTradeNo}`)
    ).json()) as {
      data: { id: string; attempts: { time: string }[] }[];
    };
    expect(listed.data).toHaveLength(1);
    expect(listed.data[0]!.attempts[0]!.time).toMatch(/\+08:00$/);
    const one = await fetch(`${sandbox.url}/admin/notifications/${listed.data[0]!.id}`);
    expect(await one.json()).toMatchObject({ outTradeNo, eventType: "TRANSACTION.SUCCESS" });
    expect((await fetch(`${sandbox.url}/admin/notifications/no-such-id`)).status).toBe(404);
  });

  it("signs with a WECHATPAY/SIGNTEST/ probe at the probe rate (§3.5)", async () => {
    const inbox = await receiver();
    sandbox.admin.setProbeRate(1);
    try {
      const outTradeNo = await paidOrder(inbox.url);
      const [delivered] = await inbox.waitFor(1);
      expect(delivered!.headers["wechatpay-signature"]).toMatch(/^WECHATPAY\/SIGNTEST\//);
      expect((await judged(outTradeNo)).attempts[0]!.signature).toBe("probe");
    } finally {
      sandbox.admin.setProbeRate(0);
    }
  });
});
