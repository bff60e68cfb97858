import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { DEMO_MERCHANT } from "../../src/channels/demo-sandbox.ts";
import { toFen } from "../../src/domain/money.ts";
import { expectLedgerHolds } from "../check-ledger.ts";
import { KassaUnderTest } from "../kassa-harness.ts";

/**
 * Refund notifications (§4.4) reach /notify/wechatpay from the simulator for a refund the
 * merchant made elsewhere (on WeChat Pay's merchant platform, with Kassa's notify URL), not
 * through Kassa: its notification is verified, acknowledged so WeChat Pay stops re-sending it
 * (§4.5), and changes no order and no books. Kassa's own refunds: refund-order.test.ts and
 * refund-faults.test.ts.
 */
let kassa: KassaUnderTest;
let token: string;

beforeAll(async () => {
  kassa = await KassaUnderTest.start();
  token = await kassa.login();
});
afterAll(async () => {
  await kassa?.close();
});
// Every money flow ends with books that hold (issue 9 §1).
afterEach(() => expectLedgerHolds(kassa.running.kassa.deps.db));

type OrderBody = { id: string; status: string; amountFen: number };

async function paidOrder(): Promise<OrderBody> {
  const created = await kassa.request("POST", "/v1/orders", {
    token,
    body: { items: [{ productId: "prd_jasmine_tea", quantity: 1 }] },
  });
  const order = created.body as OrderBody;
  expect((await kassa.request("POST", `/v1/orders/${order.id}/pay`, { token })).status).toBe(200);
  await kassa.sandbox.admin.payOrder(DEMO_MERCHANT.mchid, order.id);
  await until(async () => (await statusOf(order.id)) === "PAID");
  return order;
}

const statusOf = async (id: string) =>
  ((await kassa.request("GET", `/v1/orders/${id}`, { token })).body as OrderBody).status;

async function until(condition: () => boolean | Promise<boolean>): Promise<void> {
  const deadline = Date.now() + 10_000;
  while (!(await condition())) {
    if (Date.now() > deadline) throw new Error("the condition never held");
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}

describe("refund notifications from the channel", () => {
  it.each([
    ["SUCCESS", "REFUND.SUCCESS"],
    ["CLOSED", "REFUND.CLOSED"],
    ["ABNORMAL", "REFUND.ABNORMAL"],
  ] as const)(
    "a %s refund made outside Kassa is verified and answered 204, and its order stays PAID",
    async (outcome, eventType) => {
      const order = await paidOrder();
      const { deps } = kassa.running.kassa;
      const outRefundNo = `rfd${order.id.slice(4, 20)}`;
      // The merchant refunds on WeChat Pay's side, with Kassa's notify URL (§5.4 notify_url).
      await deps.apps.paymentChannel(deps.apps.default.id, "wechatpay").refund({
        outTradeNo: order.id,
        outRefundNo,
        amountFen: toFen(order.amountFen),
        paidFen: toFen(order.amountFen),
        notifyUrl: deps.apps.default.notifyUrl("wechatpay"),
      });
      await kassa.sandbox.admin.setRefundOutcome(DEMO_MERCHANT.mchid, outRefundNo, {
        outcome,
        settleDelayMs: 0,
      });
      const notification = () =>
        kassa.sandbox.admin.listNotifications({ mchid: DEMO_MERCHANT.mchid, outRefundNo })[0];
      await until(() => notification()?.status === "DELIVERED");
      expect(notification()).toMatchObject({ eventType, attempts: [{ status: 204 }] });
      expect(await statusOf(order.id)).toBe("PAID");
      expect(kassa.logs.some((line) => line.includes(outRefundNo) && line.includes("not acted on"))).toBe(
        true,
      );
    },
  );
});
