import { randomBytes } from "node:crypto";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { decryptByHand } from "../../test/hand-signing.ts";
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

let sandbox: RunningSandbox;
let merchant: TestMerchant;
let openid: string;
let inbox: NotifyReceiver;
let merchantInbox: NotifyReceiver;

beforeAll(async () => {
  [inbox, merchantInbox] = await Promise.all([startReceiver(), startReceiver()]);
  sandbox = await startTestSandbox();
  merchant = await createTestMerchant(sandbox, { notifyUrl: merchantInbox.url });
  openid = await loginOpenid(sandbox, merchant);
});
afterAll(async () => {
  await sandbox.close();
  await Promise.all([inbox.close(), merchantInbox.close()]);
});

/** A paid order (its payment notification goes nowhere) and a refund of 300 of its 1000 fen. */
async function refundOfPaidOrder(
  options: { notifyUrl?: string; before?: (outRefundNo: string) => Promise<unknown> } = {},
) {
  const { outTradeNo } = await prepayOrder(sandbox, merchant, openid, { amount: { total: 1000 } });
  await sandbox.admin.payOrder(merchant.mchid, outTradeNo);
  const outRefundNo = `R${randomBytes(6).toString("hex")}`;
  await options.before?.(outRefundNo);
  const answer = await callApi(sandbox, merchant, {
    method: "POST",
    url: "/v3/refund/domestic/refunds",
    body: {
      out_trade_no: outTradeNo,
      out_refund_no: outRefundNo,
      ...(options.notifyUrl ? { notify_url: options.notifyUrl } : {}),
      amount: { refund: 300, total: 1000, currency: "CNY" },
    },
  });
  expect(answer.json).toMatchObject({ status: "PROCESSING" });
  return { outTradeNo, outRefundNo };
}

function refundEvents(receiver: NotifyReceiver, outRefundNo: string) {
  return receiver.received
    .map(
      (entry) =>
        JSON.parse(entry.body) as {
          id: string;
          event_type: string;
          summary: string;
          resource: { nonce: string; associated_data: string; ciphertext: string; original_type: string };
        },
    )
    .map((body) => ({
      ...body,
      plain: JSON.parse(decryptByHand(merchant.apiV3Key, body.resource)) as Record<string, unknown>,
    }))
    .filter((body) => body.plain.out_refund_no === outRefundNo);
}

const refundStatus = (outRefundNo: string) => sandbox.admin.getRefund(merchant.mchid, outRefundNo).status;

describe("refund outcomes (§5.4) and REFUND.* notifications (§4.4)", () => {
  it("settles SUCCESS after the settle delay and notifies REFUND.SUCCESS with refund_status, to the refund's notify_url", async () => {
    const { outTradeNo, outRefundNo } = await refundOfPaidOrder({ notifyUrl: inbox.url });
    await sandbox.admin.advanceClock(59_999);
    expect(refundStatus(outRefundNo)).toBe("PROCESSING");
    await sandbox.admin.advanceClock(1);
    expect(refundStatus(outRefundNo)).toBe("SUCCESS");
    await inbox.waitFor(1);
    const [event] = refundEvents(inbox, outRefundNo);
    expect(event).toMatchObject({
      event_type: "REFUND.SUCCESS",
      summary: "退款成功",
      resource: { original_type: "refund", associated_data: "refund" },
    });
    const refund = sandbox.admin.getRefund(merchant.mchid, outRefundNo).refund;
    expect(event!.plain).toEqual({
      mchid: merchant.mchid,
      out_trade_no: outTradeNo,
      transaction_id: refund.transaction_id,
      out_refund_no: outRefundNo,
      refund_id: refund.refund_id,
      refund_status: "SUCCESS",
      success_time: refund.success_time,
      user_received_account: "支付用户零钱",
      amount: { total: 1000, refund: 300, payer_total: 1000, payer_refund: 300 },
    });
    const queried = await callApi(sandbox, merchant, {
      method: "GET",
      url: `/v3/refund/domestic/refunds/${outRefundNo}`,
    });
    expect(queried.json).toMatchObject({
      status: "SUCCESS",
      success_time: expect.stringMatching(/\+08:00$/),
    });
  });

  it("follows the merchant's default outcome and delay: CLOSED after 5 minutes, to the merchant's notify URL", async () => {
    await sandbox.admin.setMerchantSettings(merchant.mchid, {
      refundOutcome: "CLOSED",
      refundSettleDelayMs: 300_000,
    });
    try {
      const { outRefundNo } = await refundOfPaidOrder();
      await sandbox.admin.advanceClock(299_999);
      expect(refundStatus(outRefundNo)).toBe("PROCESSING");
      await sandbox.admin.advanceClock(1);
      expect(refundStatus(outRefundNo)).toBe("CLOSED");
      await merchantInbox.waitFor(1);
      const [event] = refundEvents(merchantInbox, outRefundNo);
      expect(event).toMatchObject({ event_type: "REFUND.CLOSED", plain: { refund_status: "CLOSED" } });
      expect(event!.plain).not.toHaveProperty("success_time");
    } finally {
      await sandbox.admin.setMerchantSettings(merchant.mchid, {
        refundOutcome: "SUCCESS",
        refundSettleDelayMs: 60_000,
      });
    }
  });

  it("takes an outcome arranged for one out_refund_no before the refund exists: ABNORMAL, then SUCCESS once resolved", async () => {
    const { outRefundNo } = await refundOfPaidOrder({
      notifyUrl: inbox.url,
      before: (no) =>
        sandbox.admin.setRefundOutcome(merchant.mchid, no, { outcome: "ABNORMAL", settleDelayMs: 1_000 }),
    });
    await sandbox.admin.advanceClock(1_000);
    expect(refundStatus(outRefundNo)).toBe("ABNORMAL"); // not final (§5.4)
    const resolved = await fetch(`${sandbox.url}/admin/refunds/${merchant.mchid}/${outRefundNo}/outcome`, {
      method: "POST",
      body: JSON.stringify({ outcome: "SUCCESS", settleDelayMs: 0 }),
    });
    expect(resolved.status).toBe(200);
    await sandbox.admin.advanceClock(1);
    expect(refundStatus(outRefundNo)).toBe("SUCCESS");
    await inbox.waitFor(3);
    const events = refundEvents(inbox, outRefundNo);
    expect(events.map((event) => [event.event_type, event.plain.refund_status])).toEqual([
      ["REFUND.ABNORMAL", "ABNORMAL"],
      ["REFUND.SUCCESS", "SUCCESS"],
    ]);
    expect(events[0]!.id).not.toBe(events[1]!.id); // two events, two notifications
  });

  it("re-plans a PROCESSING refund, and refuses to change a final one with 409 REFUND_TRANSITION_REFUSED", async () => {
    const { outRefundNo } = await refundOfPaidOrder();
    await sandbox.admin.setRefundOutcome(merchant.mchid, outRefundNo, {
      outcome: "CLOSED",
      settleDelayMs: 10_000,
    });
    expect(sandbox.admin.getRefund(merchant.mchid, outRefundNo)).toMatchObject({ plannedOutcome: "CLOSED" });
    await sandbox.admin.advanceClock(10_000);
    expect(refundStatus(outRefundNo)).toBe("CLOSED");
    const refused = await fetch(`${sandbox.url}/admin/refunds/${merchant.mchid}/${outRefundNo}/outcome`, {
      method: "POST",
      body: JSON.stringify({ outcome: "SUCCESS" }),
    });
    expect(refused.status).toBe(409);
    expect(await refused.json()).toMatchObject({ code: "REFUND_TRANSITION_REFUSED" });
  });

  it("lists refunds over the admin API, and checks the outcome and delay it is given", async () => {
    const { outTradeNo, outRefundNo } = await refundOfPaidOrder();
    const listed = (await (
      await fetch(`${sandbox.url}/admin/refunds?mchid=${merchant.mchid}&out_trade_no=${outTradeNo}`)
    ).json()) as { data: unknown[] };
    expect(listed.data).toEqual([
      expect.objectContaining({
        outRefundNo,
        status: "PROCESSING",
        settlesAt: expect.stringMatching(/\+08:00$/),
      }),
    ]);
    expect((await fetch(`${sandbox.url}/admin/refunds/${merchant.mchid}/NOPE`)).status).toBe(404);
    for (const body of [
      { outcome: "PROCESSING" },
      { outcome: "SUCCESS", settleDelayMs: -1 },
      { outcome: "SUCCESS", extra: 1 },
    ]) {
      const answer = await fetch(`${sandbox.url}/admin/refunds/${merchant.mchid}/${outRefundNo}/outcome`, {
        method: "POST",
        body: JSON.stringify(body),
      });
      expect(answer.status).toBe(400);
    }
    const settings = await fetch(`${sandbox.url}/admin/merchants/${merchant.mchid}/settings`, {
      method: "POST",
      body: JSON.stringify({ refundOutcome: "SUCCESS" }),
    });
    expect(await settings.json()).toMatchObject({
      mchid: merchant.mchid,
      refundOutcome: "SUCCESS",
      balanceFen: expect.any(Number),
    });
  });
});
