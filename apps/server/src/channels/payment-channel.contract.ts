import { afterAll, beforeAll, describe } from "vitest";
import { eventContract } from "./contract-events.ts";
import { type ChannelTraits, type ContractKit, makeKit, type PaymentChannelSubject } from "./contract-kit.ts";
import { paymentContract } from "./contract-payments.ts";
import { refundContract } from "./contract-refunds.ts";

export type { ChannelTraits, PaymentChannelSubject, ReceivedNotification } from "./contract-kit.ts";

/**
 * The PaymentChannel port's promises (design.md convention 11), registered for one subject:
 * the WeChat Pay adapter over the simulator on real HTTP, and the fake. A test here that
 * one subject passes and the other fails is a broken promise in one of them.
 */
export function paymentChannelContract(
  subjectName: string,
  start: () => Promise<PaymentChannelSubject>,
  traits: ChannelTraits = { refunds: "settled_later" },
): void {
  describe(`PaymentChannel contract: ${subjectName}`, () => {
    let kit: ContractKit | undefined;
    beforeAll(async () => {
      kit = await makeKit(await start());
    });
    afterAll(async () => kit?.subject.close());
    const current = (): ContractKit => {
      if (!kit) throw new Error("the subject did not start");
      return kit;
    };
    paymentContract(current);
    refundContract(current, traits);
    eventContract(current, traits);
  });
}
