import { readFile } from "node:fs/promises";
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { verifyResponseByHand } from "../../test/hand-signing.ts";
import { type NotifyReceiver, startReceiver } from "../../test/notify-receiver.ts";
import {
  createTestMerchant,
  loginOpenid,
  prepayOrder,
  startTestSandbox,
  type TestMerchant,
} from "../../test/test-sandbox.ts";
import type { RunningSandbox } from "../start.ts";

let sandbox: RunningSandbox;
let merchant: TestMerchant;
let openid: string;
let certificatePem: string;
const receivers: NotifyReceiver[] = [];

beforeAll(async () => {
  sandbox = await startTestSandbox();
  merchant = await createTestMerchant(sandbox);
  openid = await loginOpenid(sandbox, merchant);
  certificatePem = await readFile(merchant.view.files.platformCertificates[0]!, "utf8");
});
afterAll(async () => {
  await sandbox.close();
  await Promise.all(receivers.map((receiver) => receiver.close()));
});
beforeEach(() => {
  sandbox.admin.clearFaults();
});

async function receiver(...args: Parameters<typeof startReceiver>) {
  const started = await startReceiver(...args);
  receivers.push(started);
  return started;
}

async function paidOrder(url: string) {
  const { outTradeNo } = await prepayOrder(sandbox, merchant, openid, { notify_url: url });
  await sandbox.admin.payOrder(merchant.mchid, outTradeNo);
  return outTradeNo;
}

const notificationOf = (outTradeNo: string) => sandbox.admin.listNotifications({ outTradeNo })[0]!;
const idOf = (body: string) => (JSON.parse(body) as { id: string }).id;

describe("notification faults (issue 3: duplicates, concurrent too, reordering, delay, drop, probes)", () => {
  it("notify_duplicate sends an attempt twice, one after the other, with the same id", async () => {
    sandbox.admin.addFault({ endpoint: "notify.transaction", fault: "notify_duplicate", times: 1 });
    const inbox = await receiver();
    const outTradeNo = await paidOrder(inbox.url);
    const [first, second] = await inbox.waitFor(2);
    expect(idOf(second!.body)).toBe(idOf(first!.body));
    expect(second!.arrivedAt).toBeGreaterThanOrEqual(first!.answeredAt!);
    await sandbox.context.scheduler.idle();
    expect(notificationOf(outTradeNo).attempts.map((attempt) => attempt.trigger)).toEqual([
      "scheduled",
      "duplicate",
    ]);
  });

  it("notify_concurrent_duplicate sends both copies at once: the second arrives before the first is answered", async () => {
    sandbox.admin.addFault({ endpoint: "*", fault: "notify_concurrent_duplicate", times: 1 });
    const inbox = await receiver(() => ({ status: 204, delayMs: 150 }));
    await paidOrder(inbox.url);
    const [first, second] = await inbox.waitFor(2);
    expect(idOf(second!.body)).toBe(idOf(first!.body));
    expect(Math.max(first!.arrivedAt, second!.arrivedAt)).toBeLessThan(
      Math.min(first!.answeredAt!, second!.answeredAt!),
    );
  });

  it("notify_reorder holds a notification until the merchant's next one has gone out", async () => {
    sandbox.admin.addFault({ endpoint: "notify.transaction", fault: "notify_reorder", times: 1 });
    const inbox = await receiver();
    const earlier = await paidOrder(inbox.url);
    expect(notificationOf(earlier).status).toBe("HELD");
    const later = await paidOrder(inbox.url);
    const arrivals = (await inbox.waitFor(2)).map((entry) => idOf(entry.body));
    expect(arrivals).toEqual([notificationOf(later).id, notificationOf(earlier).id]);
  });

  it("notify_reorder sends a held notification after holdMs of virtual time when nothing follows it", async () => {
    sandbox.admin.addFault({
      endpoint: "notify.transaction",
      fault: "notify_reorder",
      times: 1,
      holdMs: 60_000,
    });
    const inbox = await receiver();
    const outTradeNo = await paidOrder(inbox.url);
    await sandbox.admin.advanceClock(59_999);
    expect(inbox.received).toHaveLength(0);
    await sandbox.admin.advanceClock(1);
    await inbox.waitFor(1);
    expect(notificationOf(outTradeNo).status).toBe("DELIVERED");
  });

  it("notify_delay makes the first attempt delayMs of virtual time late", async () => {
    sandbox.admin.addFault({
      endpoint: "notify.transaction",
      fault: "notify_delay",
      delayMs: 120_000,
      times: 1,
    });
    const inbox = await receiver();
    const outTradeNo = await paidOrder(inbox.url);
    const paidAt = sandbox.clock.now();
    await sandbox.admin.advanceClock(119_999);
    expect(inbox.received).toHaveLength(0);
    await sandbox.admin.advanceClock(1);
    await inbox.waitFor(1);
    expect(notificationOf(outTradeNo).attempts[0]!.at - paidAt).toBe(120_000);
  });

  it("notify_drop loses an attempt (recorded, nothing sent); the retry 15 s later arrives", async () => {
    sandbox.admin.addFault({ endpoint: "notify.transaction", fault: "notify_drop", times: 1 });
    const inbox = await receiver();
    const outTradeNo = await paidOrder(inbox.url);
    await sandbox.admin.advanceClock(14_999);
    expect(inbox.received).toHaveLength(0);
    expect(notificationOf(outTradeNo).attempts[0]).toMatchObject({
      outcome: "FAILED",
      error: expect.stringMatching(/dropped/),
    });
    await sandbox.admin.advanceClock(1);
    await inbox.waitFor(1);
    await sandbox.context.scheduler.idle();
    expect(notificationOf(outTradeNo).status).toBe("DELIVERED");
  });

  it("a notify_drop rule without times loses every attempt: the merchant never hears, and must query", async () => {
    sandbox.admin.addFault({ mchid: merchant.mchid, endpoint: "notify.transaction", fault: "notify_drop" });
    const inbox = await receiver();
    const outTradeNo = await paidOrder(inbox.url);
    await sandbox.admin.advanceClock(25 * 3600_000);
    expect(inbox.received).toHaveLength(0);
    expect(notificationOf(outTradeNo)).toMatchObject({ status: "FAILED", attempts: expect.any(Array) });
    expect(notificationOf(outTradeNo).attempts).toHaveLength(16);
  });

  it("notify_probe signs an attempt with a probe; a merchant that verifies refuses it and gets a valid retry", async () => {
    sandbox.admin.addFault({ endpoint: "notify.transaction", fault: "notify_probe", times: 1 });
    const inbox = await receiver((_, request) => {
      const valid = verifyResponseByHand(
        new Headers(request.headers as Record<string, string>),
        request.body,
        certificatePem,
      );
      return valid ? { status: 204 } : { status: 401, body: '{"code":"FAIL","message":"失败"}' };
    });
    const outTradeNo = await paidOrder(inbox.url);
    const [probe] = await inbox.waitFor(1);
    expect(probe!.headers["wechatpay-signature"]).toMatch(/^WECHATPAY\/SIGNTEST\//);
    await sandbox.admin.advanceClock(15_000);
    await inbox.waitFor(2);
    await sandbox.context.scheduler.idle();
    expect(notificationOf(outTradeNo).attempts.map((attempt) => [attempt.signature, attempt.status])).toEqual(
      [
        ["probe", 401],
        ["valid", 204],
      ],
    );
  });

  it("matches rules by target and merchant: a refund rule or another merchant's rule leaves payments alone", async () => {
    sandbox.admin.addFault({ endpoint: "notify.refund", fault: "notify_drop" });
    sandbox.admin.addFault({ mchid: "1900000000", endpoint: "notify.transaction", fault: "notify_drop" });
    const inbox = await receiver();
    await paidOrder(inbox.url);
    await inbox.waitFor(1);
    expect(sandbox.admin.listFaults().map((rule) => rule.fired)).toEqual([0, 0]);
  });

  it("refuses notification kinds on HTTP endpoints and HTTP kinds on notifications", () => {
    expect(() => sandbox.admin.addFault({ endpoint: "jsapi.prepay", fault: "notify_drop" })).toThrow(
      /notify\.transaction/,
    );
    expect(() => sandbox.admin.addFault({ endpoint: "notify.refund", fault: "reset" })).toThrow(
      /jsapi\.prepay/,
    );
  });
});
