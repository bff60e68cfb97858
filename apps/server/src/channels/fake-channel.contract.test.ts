import { randomBytes } from "node:crypto";
import { FakeChannel } from "./fake-channel.ts";
import { FakeLogin } from "./fake-login.ts";
import { loginChannelContract } from "./login-channel.contract.ts";
import { paymentChannelContract } from "./payment-channel.contract.ts";

/** A clock the test moves by hand. */
function manualClock(start = Date.parse("2026-03-02T10:00:00+08:00")) {
  let now = start;
  return {
    now: () => now,
    pass(ms: number) {
      now += ms;
    },
  };
}

paymentChannelContract("in-memory fake channel", async () => {
  const clock = manualClock();
  const fake = new FakeChannel({ clock });
  return {
    channel: fake,
    appId: fake.appId,
    merchantId: fake.merchantId,
    notifyUrl: "https://kassa.example/notify/fake",
    now: clock.now,
    newPayer: async () => `payer-${randomBytes(6).toString("hex")}`,
    pay: async (outTradeNo) => fake.pay(outTradeNo),
    settleRefund: async (outRefundNo, outcome) => fake.settleRefund(outRefundNo, outcome),
    takeNotifications: async () => fake.takeNotifications(),
    passTime: async (ms) => clock.pass(ms),
    publishStatements: async () => {
      fake.statementReadyDelayMs = -24 * 3600_000;
    },
    failNext: async (operation, failure) => fake.failNext(operation, failure),
    close: async () => undefined,
  };
});

loginChannelContract("in-memory fake login", async () => {
  const login = new FakeLogin({ clock: manualClock() });
  return {
    login,
    mintCode: async (channelUserId) => login.mintCode(channelUserId),
    close: async () => undefined,
  };
});
