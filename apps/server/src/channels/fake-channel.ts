import { createHmac, randomBytes } from "node:crypto";
import type { Clock } from "../domain/clock.ts";
import { ChannelError } from "./channel-error.ts";
import { type FakeNotification, parseFakeNotification, signFakeNotification } from "./fake-notifications.ts";
import { FakeRefunds } from "./fake-refunds.ts";
import { rejected } from "./fake-refusal.ts";
import { fakeStatement } from "./fake-statement.ts";
import type {
  ChannelOrderState,
  ChannelPayment,
  NotificationHeaders,
  PaymentChannel,
  PaymentPayload,
  Prepared,
  PrepayInput,
  RefundInput,
  RefundRef,
} from "./payment-channel.ts";

/** One payment's life at the fake: unpaid until paid, closed or past its expiry. */
type FakePaymentState = "unpaid" | "paid" | "closed";
const PAYMENT_MOVES: Readonly<Record<FakePaymentState, Partial<Record<"pay" | "close", FakePaymentState>>>> =
  {
    unpaid: { pay: "paid", close: "closed" },
    paid: {},
    closed: {},
  };

export interface FakePayment {
  input: PrepayInput;
  state: FakePaymentState;
  transactionId?: string;
  paidAt?: number;
}

export type FakeOperation = "prepay" | "query" | "close" | "refund" | "queryRefund" | "statement";
/** `unreachable`: refused before acting; `answer_lost`: acted, then the answer never came. */
export type FakeFailure = "unreachable" | "answer_lost";

export interface FakeChannelOptions {
  clock: Clock;
  appId?: string;
  merchantId?: string;
  /** How long a reference may be handed out (default 2 hours), never past the payment's expiry. */
  referenceTtlMs?: number;
  /** How long after a day ends its statement is published (default 10 hours, as WeChat's). */
  statementReadyDelayMs?: number;
}

/**
 * An in-memory payment channel that keeps the port's promises by itself (design.md
 * convention 11): its own payments and refunds, idempotent on out_trade_no and
 * out_refund_no, signed notifications, a daily statement. It is the contract suite's second
 * subject (payment-channel.contract.ts), never a stand-in in flow tests. The methods after
 * the port's are the other side's: the payer pays, the channel settles a refund, an answer
 * gets lost. It answers the mini program in the payload shape of the one channel Kassa has
 * (ExternalChannelName), signed with its own key.
 */
export class FakeChannel implements PaymentChannel {
  readonly name = "wechatpay" as const;
  readonly appId: string;
  readonly merchantId: string;
  statementReadyDelayMs: number;
  readonly #clock: Clock;
  readonly #key = randomBytes(32);
  readonly #referenceTtlMs: number;
  readonly #payments = new Map<string, FakePayment>();
  readonly #refunds = new FakeRefunds();
  readonly #outbox: FakeNotification[] = [];
  readonly #failures = new Map<FakeOperation, FakeFailure[]>();
  #lastId = 0;

  constructor(options: FakeChannelOptions) {
    this.#clock = options.clock;
    this.appId = options.appId ?? "fake-app";
    this.merchantId = options.merchantId ?? "fake-merchant";
    this.#referenceTtlMs = options.referenceTtlMs ?? 2 * 3600_000;
    this.statementReadyDelayMs = options.statementReadyDelayMs ?? 10 * 3600_000;
  }

  prepay(input: PrepayInput): Promise<Prepared> {
    return this.#run("prepay", () => {
      const known = this.#payment(input.outTradeNo);
      if (known && !sameParameters(known.input, input))
        throw rejected("PARAMETERS_CHANGED", `${input.outTradeNo} was prepaid with other parameters`);
      if (known && known.state !== "unpaid")
        throw rejected("NOT_PAYABLE", `${input.outTradeNo} is ${known.state}`);
      // The expiry is the first call's, as WeChat's time_expire can only be set once (§5.1).
      const payment = known ?? { input, state: "unpaid" };
      this.#payments.set(input.outTradeNo, payment);
      const expiresAt = payment.input.expiresAt;
      return {
        reference: this.#newId("ref"),
        reusableUntil: Math.min(this.#now() + this.#referenceTtlMs, expiresAt),
      };
    });
  }

  async payload(reference: string): Promise<PaymentPayload> {
    const timeStamp = String(Math.floor(this.#now() / 1000));
    const nonceStr = randomBytes(16).toString("hex");
    const packageValue = `prepay_id=${reference}`;
    const paySign = createHmac("sha256", this.#key)
      .update(`${this.appId}\n${timeStamp}\n${nonceStr}\n${packageValue}\n`)
      .digest("base64");
    return {
      channel: this.name,
      requestPayment: {
        appId: this.appId,
        timeStamp,
        nonceStr,
        package: packageValue,
        signType: "RSA",
        paySign,
      },
    };
  }

  query(outTradeNo: string): Promise<ChannelOrderState> {
    return this.#run("query", () => {
      const payment = this.#payment(outTradeNo);
      if (!payment) return { state: "not_found" };
      if (payment.state === "paid") return { state: "paid", payment: this.#reported(payment) };
      return { state: payment.state };
    });
  }

  close(outTradeNo: string): Promise<void> {
    return this.#run("close", () => {
      const payment = this.#payment(outTradeNo);
      if (payment?.state === "paid") throw rejected("ALREADY_PAID", `${outTradeNo} is paid`);
      if (payment) payment.state = PAYMENT_MOVES[payment.state].close ?? payment.state;
    });
  }

  refund(input: RefundInput) {
    return this.#run("refund", () => {
      const payment = this.#payment(input.outTradeNo);
      const paidFen = payment?.state === "paid" ? payment.input.amountFen : undefined;
      return this.#refunds.create(input, paidFen, { now: this.#now(), refundId: this.#newId("rfd") });
    });
  }

  queryRefund({ outRefundNo }: RefundRef) {
    return this.#run("queryRefund", () => this.#refunds.find(outRefundNo));
  }

  async parseNotification(headers: NotificationHeaders, rawBody: Buffer) {
    return parseFakeNotification(this.#key, headers, rawBody);
  }

  statement(day: string) {
    return this.#run("statement", () =>
      fakeStatement(day, this.#now(), this.statementReadyDelayMs, {
        appId: this.appId,
        payments: [...this.#payments.values()].filter((payment) => payment.state === "paid"),
        refunds: this.#refunds.all(),
      }),
    );
  }

  // ---- the other side of the channel ----

  /** The payer pays: paid, and a payment.succeeded notification to the prepay's notify URL. */
  pay(outTradeNo: string): void {
    const payment = this.#payment(outTradeNo);
    const next = payment && PAYMENT_MOVES[payment.state].pay;
    if (!payment || !next) throw new Error(`fake channel: ${outTradeNo} is not payable`);
    Object.assign(payment, { state: next, transactionId: this.#newId("txn"), paidAt: this.#now() });
    const id = this.#newId("ntf");
    const event = { id, type: "payment.succeeded" as const, payment: this.#reported(payment) };
    this.#outbox.push(signFakeNotification(this.#key, payment.input.notifyUrl, event));
  }

  /** The channel settles a refund: its outcome, and the matching refund.* notification. */
  settleRefund(outRefundNo: string, outcome: "succeeded" | "closed" | "abnormal"): void {
    const { refund, notifyUrl } = this.#refunds.settle(outRefundNo, outcome, this.#now());
    const event = { id: this.#newId("ntf"), type: `refund.${outcome}` as const, refund };
    this.#outbox.push(signFakeNotification(this.#key, notifyUrl, event));
  }

  /** Notifications sent since the last call, oldest first. */
  takeNotifications(): FakeNotification[] {
    return this.#outbox.splice(0);
  }

  /** The next call of `operation` fails this way. */
  failNext(operation: FakeOperation, failure: FakeFailure): void {
    this.#failures.set(operation, [...(this.#failures.get(operation) ?? []), failure]);
  }

  async #run<T>(operation: FakeOperation, work: () => T): Promise<T> {
    const failure = this.#failures.get(operation)?.shift();
    if (failure === "unreachable")
      throw new ChannelError("unavailable", `fake channel: ${operation} unreachable`);
    const result = work();
    if (failure === "answer_lost")
      throw new ChannelError("outcome_unknown", `fake channel: the answer to ${operation} was lost`);
    return result;
  }

  /** The payment as it stands now: an unpaid one past its expiry is closed, as a channel closes it. */
  #payment(outTradeNo: string): FakePayment | undefined {
    const payment = this.#payments.get(outTradeNo);
    if (payment?.state === "unpaid" && this.#now() >= payment.input.expiresAt) payment.state = "closed";
    return payment;
  }

  #reported(payment: FakePayment): ChannelPayment {
    return {
      outTradeNo: payment.input.outTradeNo,
      transactionId: payment.transactionId ?? "",
      amountFen: payment.input.amountFen,
      appId: this.appId,
      merchantId: this.merchantId,
      payerId: payment.input.payerId,
      bankType: undefined,
      paidAt: payment.paidAt ?? this.#now(),
    };
  }

  #now(): number {
    return this.#clock.now();
  }

  #newId(kind: string): string {
    this.#lastId += 1;
    return `fake_${kind}_${String(this.#lastId).padStart(8, "0")}`;
  }
}

function sameParameters(first: PrepayInput, again: PrepayInput): boolean {
  return (
    first.description === again.description &&
    first.amountFen === again.amountFen &&
    first.payerId === again.payerId
  );
}
