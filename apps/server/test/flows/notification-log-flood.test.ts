import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { expectLedgerHolds } from "../check-ledger.ts";
import { KassaUnderTest } from "../kassa-harness.ts";
import { deliver, type HandMadeNotification, paymentNotification } from "../notifications.ts";

/**
 * Issue 7, item 12: 700 forged notifications wrote 700 warning lines. A flood of refusals
 * must write a bounded number of lines: the first refusal per reason, then at most one
 * summary per reason per minute with the count.
 */
let kassa: KassaUnderTest;

beforeAll(async () => {
  kassa = await KassaUnderTest.start();
});
afterAll(async () => {
  await kassa?.close();
});
// Every money flow ends with books that hold (issue 9 §1).
afterEach(() => expectLedgerHolds(kassa.running.kassa.deps.db));

interface LogLine {
  level: number;
  msg: string;
  reason?: string;
  refused?: number;
  summary?: boolean;
}

/** Every line written since `from`: the notification route writes no access-log lines. */
function linesSince(from: number): LogLine[] {
  return kassa.logs.slice(from).map((line) => JSON.parse(line) as LogLine);
}

async function deliverMany(notification: HandMadeNotification, times: number): Promise<number[]> {
  const statuses: number[] = [];
  for (let sent = 0; sent < times; sent += 20) {
    const wave = Array.from({ length: Math.min(20, times - sent) }, () => deliver(kassa, notification));
    statuses.push(...(await Promise.all(wave)));
  }
  return statuses;
}

describe("a flood of refused notifications does not flood the log", () => {
  it("writes one line per refusal reason for 200 forged and 200 stale notifications, not 400", async () => {
    const order = { outTradeNo: "ord_00000000000000000000000000", amountFen: 1200 };
    const forged = await paymentNotification(kassa, { ...order, forged: true });
    const stale = await paymentNotification(kassa, { ...order, timestampShift: -300 });
    const from = kassa.logs.length;

    const statuses = [...(await deliverMany(forged, 200)), ...(await deliverMany(stale, 200))];

    expect(statuses.every((status) => status === 401)).toBe(true);
    const lines = linesSince(from);
    expect(lines.filter((line) => line.level >= 40)).toHaveLength(2);
    expect(lines.map((line) => [line.msg, line.reason])).toEqual([
      ["notification refused", "VERIFY_SIGNATURE_INVALID"],
      ["notification refused", "VERIFY_TIMESTAMP_OUT_OF_WINDOW"],
    ]);
  });

  it("a minute later, sums up the refusals since in one line per reason, with their count", async () => {
    await kassa.sandbox.admin.advanceClock(61_000);
    const forged = await paymentNotification(kassa, {
      outTradeNo: "ord_00000000000000000000000000",
      amountFen: 1200,
      forged: true,
    });
    const from = kassa.logs.length;

    await deliverMany(forged, 50);

    const lines = linesSince(from);
    expect(lines).toHaveLength(1);
    // 199 after the first line a minute ago, and the first of these 50; the other 49 wait.
    expect(lines[0]).toMatchObject({
      msg: "notification refused since the last line",
      reason: "VERIFY_SIGNATURE_INVALID",
      refused: 200,
      summary: true,
    });
  });
});
