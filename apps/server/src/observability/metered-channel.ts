import { ChannelError, ChannelNotificationRejected } from "../channels/channel-error.ts";
import type { LoginChannel } from "../channels/login-channel.ts";
import type { PaymentChannel } from "../channels/payment-channel.ts";

/**
 * How one call to a channel ended, for /metrics (issue 13): `ok`, one of ChannelError's kinds
 * (the caller's three decisions: retry, query, give up), `refused` for a notification that
 * failed verification, `error` for anything else (a bug, never the channel's answer).
 */
export type ChannelCallOutcome = "ok" | "unavailable" | "outcome_unknown" | "rejected" | "refused" | "error";

export interface ChannelCall {
  channel: string;
  endpoint: string;
  outcome: ChannelCallOutcome;
  /** The channel's code, when a call did not end ok and it gave one: `SYSTEM_ERROR`, a refused notification's check. */
  code: string | undefined;
  seconds: number;
}

export type ChannelCallObserver = (call: ChannelCall) => void;

/**
 * The same channel, each call timed and counted by its outcome. `payload` is left out: it
 * signs locally and never reaches the channel. A call's answer or error passes through
 * untouched; the observer only watches.
 */
export function meteredChannel(channel: PaymentChannel, observe: ChannelCallObserver): PaymentChannel {
  const timed = metered(channel.name, observe);
  return {
    name: channel.name,
    prepay: timed("prepay", (input) => channel.prepay(input)),
    payload: (reference) => channel.payload(reference),
    query: timed("query", (outTradeNo) => channel.query(outTradeNo)),
    close: timed("close", (outTradeNo) => channel.close(outTradeNo)),
    refund: timed("refund", (input) => channel.refund(input)),
    queryRefund: timed("query_refund", (refund) => channel.queryRefund(refund)),
    parseNotification: timed("notification", (headers, rawBody) =>
      channel.parseNotification(headers, rawBody),
    ),
    statement: timed("statement", (day) => channel.statement(day)),
  };
}

/**
 * The login port, metered the same way: code2Session is a channel call like any other. A
 * refused code is an answer, not an error, and is counted as `rejected` with its reason.
 */
export function meteredLogin(login: LoginChannel, observe: ChannelCallObserver): LoginChannel {
  const timed = metered(login.name, observe);
  return {
    name: login.name,
    exchangeCode: timed(
      "login",
      (code) => login.exchangeCode(code),
      (answer) =>
        answer.outcome === "code_refused" ? { outcome: "rejected", code: answer.reason } : undefined,
    ),
  };
}

function metered(channel: string, observe: ChannelCallObserver) {
  return <A extends unknown[], R>(
    endpoint: string,
    call: (...args: A) => Promise<R>,
    refusal: (answer: R) => { outcome: ChannelCallOutcome; code: string } | undefined = () => undefined,
  ) =>
    async (...args: A): Promise<R> => {
      const started = performance.now();
      const done = (outcome: ChannelCallOutcome, code?: string) =>
        observe({ channel, endpoint, outcome, code, seconds: (performance.now() - started) / 1000 });
      try {
        const answer = await call(...args);
        const refused = refusal(answer);
        done(refused?.outcome ?? "ok", refused?.code);
        return answer;
      } catch (error) {
        if (error instanceof ChannelError) done(error.kind, error.channelCode);
        else if (error instanceof ChannelNotificationRejected) done("refused", error.reason);
        else done("error");
        throw error;
      }
    };
}
