import { randomBytes } from "node:crypto";
import { expect } from "vitest";
import { toFen } from "../domain/money.ts";
import { ChannelError } from "./channel-error.ts";
import type {
  ChannelEvent,
  NotificationHeaders,
  PaymentChannel,
  PrepayInput,
  RefundInput,
} from "./payment-channel.ts";

/** A notification as the subject's notify URL received it: headers and the raw bytes. */
export interface ReceivedNotification {
  headers: NotificationHeaders;
  body: Buffer;
}

/**
 * One adapter under the payment contract, and the other side of its channel: the payer who
 * pays, the channel that settles refunds and sends notifications, time that passes.
 */
export interface PaymentChannelSubject {
  channel: PaymentChannel;
  /** The app and merchant account the channel reports payments for. */
  appId: string;
  merchantId: string;
  notifyUrl: string;
  /** The channel's own time, epoch ms. */
  now(): number;
  /** A payer the channel accepts (WeChat: an openid code2Session issued for our appid). */
  newPayer(): Promise<string>;
  pay(outTradeNo: string): Promise<void>;
  settleRefund(outRefundNo: string, outcome: "succeeded" | "closed" | "abnormal"): Promise<void>;
  /** What reached the notify URL since the last call. */
  takeNotifications(): Promise<ReceivedNotification[]>;
  passTime(ms: number): Promise<void>;
  /** From now on, today's statement is published (channels publish a day's after it ends). */
  publishStatements(): Promise<void>;
  /** The next call fails: `unreachable` before the channel acts, `answer_lost` after. */
  failNext(operation: "query" | "refund", failure: "unreachable" | "answer_lost"): Promise<void>;
  close(): Promise<void>;
}

/**
 * Where channels differ and both ways keep the port's promises. WeChat Pay answers a refund
 * PROCESSING and settles it later, notifying the outcome (§5.4, §4.4); Alipay answers it
 * done or refused, and notifies no outcome (A.5, A.4).
 */
export interface ChannelTraits {
  refunds: "settled_later" | "answered_at_once";
}

export const AMOUNT = toFen(300);

/** What the contract's tests share: the subject, a payer, and ways to make what they need. */
export interface ContractKit {
  subject: PaymentChannelSubject;
  channel: PaymentChannel;
  payer: string;
  newKey(prefix: string): string;
  newPrepay(): PrepayInput;
  /** Prepaid and paid by the payer. */
  paidPayment(): Promise<PrepayInput>;
  refundOf(payment: PrepayInput, amountFen?: number): RefundInput;
  /** Waits for a notification whose event matches, parsing everything that arrives. */
  notified(
    match: (event: ChannelEvent) => boolean,
  ): Promise<{ raw: ReceivedNotification; event: ChannelEvent }>;
  /** The ChannelError the call fails with (and a failed assertion if it does not fail so). */
  failureOf(call: Promise<unknown>): Promise<ChannelError>;
}

export async function makeKit(subject: PaymentChannelSubject): Promise<ContractKit> {
  const channel = subject.channel;
  const payer = await subject.newPayer();
  const run = randomBytes(4).toString("hex");
  let counter = 0;
  const seen: { raw: ReceivedNotification; event: ChannelEvent }[] = [];
  const kit: ContractKit = {
    subject,
    channel,
    payer,
    newKey(prefix) {
      counter += 1;
      return `${prefix}${run}${String(counter).padStart(4, "0")}`;
    },
    newPrepay: () => ({
      outTradeNo: kit.newKey("ct"),
      description: "contract tea",
      amountFen: AMOUNT,
      payerId: payer,
      expiresAt: subject.now() + 30 * 60_000,
      notifyUrl: subject.notifyUrl,
    }),
    async paidPayment() {
      const input = kit.newPrepay();
      await channel.prepay(input);
      await subject.pay(input.outTradeNo);
      return input;
    },
    refundOf: (payment, amountFen = payment.amountFen) => ({
      outTradeNo: payment.outTradeNo,
      outRefundNo: kit.newKey("cr"),
      amountFen: toFen(amountFen),
      paidFen: payment.amountFen,
      notifyUrl: subject.notifyUrl,
    }),
    async notified(match) {
      const deadline = Date.now() + 10_000;
      for (;;) {
        for (const raw of await subject.takeNotifications())
          seen.push({ raw, event: await channel.parseNotification(raw.headers, raw.body) });
        const found = seen.find(({ event }) => match(event));
        if (found) return found;
        if (Date.now() > deadline) throw new Error("the expected notification never arrived");
        await new Promise((resolve) => setTimeout(resolve, 20));
      }
    },
    async failureOf(call) {
      const error = await call.then(
        () => undefined,
        (reason: unknown) => reason,
      );
      expect(error).toBeInstanceOf(ChannelError);
      return error as ChannelError;
    },
  };
  return kit;
}

/** `YYYY-MM-DD` of an instant in Beijing time (UTC+8). */
export function beijingDay(epochMs: number): string {
  return new Date(epochMs + 8 * 3600_000).toISOString().slice(0, 10);
}
