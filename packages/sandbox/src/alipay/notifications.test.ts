import { createPublicKey } from "node:crypto";
import { AlipayError, verifyNotification } from "@kassa/alipay";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { clientFor, loginBuyer, newOutTradeNo, startAlipaySandbox } from "../../test/alipay-sandbox.ts";
import { type NotifyReceiver, startReceiver } from "../../test/notify-receiver.ts";
import type { RunningSandbox } from "../start.ts";
import { ALIPAY_RETRY_LADDER_MS } from "./notifications.ts";

let sandbox: RunningSandbox;
const receivers: NotifyReceiver[] = [];
let appSeq = 10;

beforeAll(async () => {
  sandbox = await startAlipaySandbox([], { notifyTimeoutMs: 1_000 });
});

afterAll(async () => {
  await sandbox.close();
  await Promise.all(receivers.map((receiver) => receiver.close()));
});

/** A new app notified at a receiver answering as told; a paid trade of it. */
async function paidTradeTo(answer: Parameters<typeof startReceiver>[0]) {
  const inbox = await startReceiver(answer);
  receivers.push(inbox);
  const appId = `20210000000000${appSeq++}`;
  await sandbox.admin.createAlipayApp({
    appId,
    sellerId: "2088100000000009",
    notifyUrl: inbox.url,
    keyMode: "key",
  });
  const { client } = await clientFor(sandbox, appId);
  const { user_id } = await loginBuyer(sandbox, client);
  const outTradeNo = newOutTradeNo();
  await client.trade.create({
    out_trade_no: outTradeNo,
    total_amount: 88,
    subject: "notify",
    buyer_id: user_id!,
  });
  await sandbox.admin.payAlipayTrade(appId, outTradeNo);
  return { inbox, appId, outTradeNo };
}

async function settled(outTradeNo: string, attempts: number) {
  const deadline = Date.now() + 5_000;
  for (;;) {
    await sandbox.context.scheduler.idle();
    const [record] = sandbox.admin.listAlipayNotifications({ outTradeNo });
    if (record && record.attempts.length >= attempts) return record;
    if (Date.now() > deadline) throw new Error(`${outTradeNo}: fewer than ${attempts} attempts`);
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
}

describe("TRADE_SUCCESS notifications (A.4)", () => {
  it("go to the app's notifyUrl when the trade named none, and retry after 4m then 10m until the body is exactly success", async () => {
    const answers = [
      { status: 200, body: "fail" },
      { status: 200, body: "success\n" },
      { status: 200, body: "success" },
    ];
    const { inbox, appId, outTradeNo } = await paidTradeTo((index) => answers[index] ?? { status: 500 });
    const start = sandbox.clock.now();
    await settled(outTradeNo, 1);
    await sandbox.admin.advanceClock(4 * 60_000 - 1);
    expect(inbox.received).toHaveLength(1); // not a millisecond early
    await sandbox.admin.advanceClock(1);
    await sandbox.admin.advanceClock(10 * 60_000);
    const bodies = (await inbox.waitFor(3)).map((entry) =>
      Object.fromEntries(new URLSearchParams(entry.body)),
    );
    const record = await settled(outTradeNo, 3);
    expect(record.status).toBe("DELIVERED");
    expect(record.attempts.map((attempt) => [attempt.at - start, attempt.outcome])).toEqual([
      [0, "FAILED"],
      [4 * 60_000, "FAILED"],
      [14 * 60_000, "SUCCEEDED"],
    ]);
    expect(record.attempts[1]!.error).toMatch(/only HTTP 200 with the body "success"/);
    // One notify_id on every attempt; each signed afresh with its own notify_time.
    expect(new Set(bodies.map((fields) => fields.notify_id)).size).toBe(1);
    expect(new Set(bodies.map((fields) => fields.notify_time)).size).toBe(3);
    const alipayPublicKey = createPublicKey(sandbox.admin.alipayCredentials(appId).alipayPublicKeyPem);
    for (const entry of inbox.received)
      expect(verifyNotification(entry.body, alipayPublicKey).out_trade_no).toBe(outTradeNo);
    await sandbox.admin.advanceClock(24 * 3600_000);
    expect(inbox.received).toHaveLength(3); // delivered: no more
  });

  it("give up after 8 notifications at 4m, 10m, 10m, 1h, 2h, 6h, 15h", async () => {
    const { outTradeNo } = await paidTradeTo(() => ({ status: 503 }));
    const start = sandbox.clock.now();
    await settled(outTradeNo, 1);
    await sandbox.admin.advanceClock(26 * 3600_000);
    const record = await settled(outTradeNo, 8);
    expect(record.status).toBe("FAILED");
    let offset = 0;
    expect(record.attempts.map((attempt) => attempt.at - start)).toEqual([
      0,
      ...ALIPAY_RETRY_LADDER_MS.map((wait) => (offset += wait)),
    ]);
    // 24h24m in all (A.4 words it "about 24 h 22 min ... 8 notifications within 25 h").
    expect(offset).toBe(24 * 3600_000 + 24 * 60_000);
  });
});

describe("notification faults (A.8 item 5)", () => {
  afterAll(() => {
    sandbox.admin.clearFaults();
  });

  /** The first notification's body, verified by the app's own client. */
  async function firstVerdict(fault: Record<string, unknown>) {
    sandbox.admin.clearFaults();
    sandbox.admin.addFault({ endpoint: "notify.alipay.trade", times: 1, ...fault });
    const { inbox, appId, outTradeNo } = await paidTradeTo(() => ({ status: 200, body: "success" }));
    const [delivered] = await inbox.waitFor(1);
    const { client } = await clientFor(sandbox, appId);
    const record = await settled(outTradeNo, 1);
    expect(record.attempts[0]!.fault).toBe(fault.fault);
    try {
      return { notification: client.notifications.verify(delivered!.body), error: undefined };
    } catch (error) {
      expect(error).toBeInstanceOf(AlipayError);
      return { notification: undefined, error: error as AlipayError };
    }
  }

  it("a body changed after signing, or signed with sign_type, fails verification", async () => {
    expect((await firstVerdict({ fault: "alipay_notify_bad_signature" })).error?.code).toBe(
      "NOTIFY_SIGNATURE_INVALID",
    );
    expect((await firstVerdict({ fault: "alipay_notify_sign_type_signed" })).error?.code).toBe(
      "NOTIFY_SIGNATURE_INVALID",
    );
  });

  it("validly signed for another app or seller: the client's app and seller checks refuse it", async () => {
    expect((await firstVerdict({ fault: "alipay_notify_wrong_app_id" })).error?.code).toBe(
      "NOTIFY_APP_MISMATCH",
    );
    expect((await firstVerdict({ fault: "alipay_notify_wrong_seller_id" })).error?.code).toBe(
      "NOTIFY_APP_MISMATCH",
    );
  });

  it("validly signed with the wrong amount: it verifies, and only the merchant's amount check (A.4 b) can catch it", async () => {
    const { notification } = await firstVerdict({ fault: "alipay_notify_wrong_amount" });
    expect(notification).toMatchObject({ total_amount: 89, buyer_pay_amount: 89 }); // the trade is 0.88
  });

  it("notify_drop sends nothing and the ladder goes on; notify_duplicate sends the attempt twice; notify_delay moves the first", async () => {
    sandbox.admin.clearFaults();
    sandbox.admin.addFault({ endpoint: "notify.alipay.trade", fault: "notify_drop", times: 1 });
    const dropped = await paidTradeTo(() => ({ status: 200, body: "success" }));
    expect((await settled(dropped.outTradeNo, 1)).attempts[0]).toMatchObject({
      outcome: "FAILED",
      fault: "notify_drop",
    });
    expect(dropped.inbox.received).toHaveLength(0);
    await sandbox.admin.advanceClock(4 * 60_000);
    await dropped.inbox.waitFor(1);
    sandbox.admin.addFault({ endpoint: "*", fault: "notify_duplicate", times: 1 });
    const doubled = await paidTradeTo(() => ({ status: 200, body: "success" }));
    const [first, second] = await doubled.inbox.waitFor(2);
    expect(second!.body).toBe(first!.body);
    sandbox.admin.addFault({
      endpoint: "notify.alipay.trade",
      fault: "notify_delay",
      delayMs: 60_000,
      times: 1,
    });
    const late = await paidTradeTo(() => ({ status: 200, body: "success" }));
    await sandbox.admin.advanceClock(59_999);
    expect(late.inbox.received).toHaveLength(0);
    await sandbox.admin.advanceClock(1);
    await late.inbox.waitFor(1);
  });
});
