import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type NotifyReceiver, startReceiver } from "../test/notify-receiver.ts";
import { callApi, loadMerchant, loginOpenid, prepayOrder } from "../test/test-sandbox.ts";
import { startSandbox } from "./start.ts";

let dataDir: string;
let inbox: NotifyReceiver;

beforeAll(async () => {
  dataDir = await mkdtemp(join(tmpdir(), "kassa-sandbox-part2-"));
  inbox = await startReceiver((index) => ({ status: index === 0 ? 500 : 204 }));
});
afterAll(async () => {
  await inbox.close();
  await rm(dataDir, { recursive: true, force: true });
});

describe("notifications and refunds across a restart on the same data directory", () => {
  it("keeps a notification's pending retry, a PROCESSING refund and its settlement, and the attempts made", async () => {
    const config = { seed: "restart-2", clock: { speed: 0 } };
    const first = await startSandbox({ port: 0, dataDir, config, log: () => {} });
    const merchant = await loadMerchant(await first.admin.createMerchant());
    const openid = await loginOpenid(first, merchant);
    const { outTradeNo } = await prepayOrder(first, merchant, openid, {
      notify_url: inbox.url,
      amount: { total: 500 },
    });
    await first.admin.payOrder(merchant.mchid, outTradeNo);
    await inbox.waitFor(1);
    await first.context.scheduler.idle();
    const refunded = await callApi(first, merchant, {
      method: "POST",
      url: "/v3/refund/domestic/refunds",
      body: {
        out_trade_no: outTradeNo,
        out_refund_no: "RF-RESTART",
        notify_url: inbox.url,
        amount: { refund: 500, total: 500, currency: "CNY" },
      },
    });
    expect(refunded.json).toMatchObject({ status: "PROCESSING" });
    await first.close();

    const second = await startSandbox({ port: 0, dataDir, config, log: () => {} });
    try {
      const [before] = second.admin.listNotifications({ outTradeNo });
      expect(before).toMatchObject({
        status: "PENDING",
        attempts: [expect.objectContaining({ status: 500 })],
      });
      await second.admin.advanceClock(60_000); // the retry at 15 s, the refund's settlement at 60 s
      await inbox.waitFor(3);
      expect(second.admin.listNotifications({ outTradeNo }).map((n) => [n.eventType, n.status])).toEqual([
        ["TRANSACTION.SUCCESS", "DELIVERED"],
        ["REFUND.SUCCESS", "DELIVERED"],
      ]);
      expect(second.admin.getRefund(merchant.mchid, "RF-RESTART").status).toBe("SUCCESS");
    } finally {
      await second.close();
    }
  });
});
