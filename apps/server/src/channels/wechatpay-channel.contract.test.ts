import { DEMO_MERCHANT } from "./demo-sandbox.ts";
import { loginChannelContract } from "./login-channel.contract.ts";
import { paymentChannelContract } from "./payment-channel.contract.ts";
import { CLIENT_MAX_RETRIES, startSimulatorUnderContract } from "./simulator-subject.ts";
import { wechatPayChannel } from "./wechatpay-channel.ts";
import { wechatLoginChannel } from "./wechatpay-login.ts";

const { mchid, appid } = DEMO_MERCHANT;
/** §5.4 refund states as the simulator's admin API names them. */
const REFUND_OUTCOMES = { succeeded: "SUCCESS", closed: "CLOSED", abnormal: "ABNORMAL" } as const;

paymentChannelContract("WeChat Pay adapter over the simulator (real HTTP)", async () => {
  const simulator = await startSimulatorUnderContract();
  const { sandbox, client, receiver } = simulator;
  const admin = sandbox.admin;
  const login = wechatLoginChannel(client);
  return {
    channel: wechatPayChannel(client, { clock: sandbox.clock }),
    appId: appid,
    merchantId: mchid,
    notifyUrl: receiver.url,
    now: () => sandbox.clock.now(),
    // §5.1: prepay accepts only an openid code2Session issued under the appid (OPENID_MISMATCH).
    async newPayer() {
      const minted = await admin.mintLoginCode({ appid });
      const outcome = await login.exchangeCode(minted.code);
      if (outcome.outcome !== "identified") throw new Error("the simulator refused its own code");
      return outcome.channelUserId;
    },
    async pay(outTradeNo) {
      await admin.payOrder(mchid, outTradeNo);
    },
    async settleRefund(outRefundNo, outcome) {
      await admin.setRefundOutcome(mchid, outRefundNo, {
        outcome: REFUND_OUTCOMES[outcome],
        settleDelayMs: 0,
      });
      await admin.advanceClock(1); // fires the settlement now, and schedules its notification
    },
    takeNotifications: async () => receiver.take(),
    async passTime(ms) {
      await admin.advanceClock(ms);
    },
    async publishStatements() {
      admin.setBillReadyDelay(-24 * 3600_000); // §5.7 is after 10:00 the next day; today's, so far
    },
    async failNext(operation, failure) {
      const times = CLIENT_MAX_RETRIES + 1;
      if (operation === "query" && failure === "unreachable")
        admin.addFault({ endpoint: "transactions.query_by_out_trade_no", fault: "unavailable", times });
      else if (operation === "refund" && failure === "answer_lost")
        admin.addFault({ endpoint: "refund.create", fault: "apply_then_reset", times });
      else throw new Error(`no fault rule for ${failure} on ${operation}`);
    },
    close: () => simulator.close(),
  };
});

loginChannelContract("WeChat code2Session over the simulator (real HTTP)", async () => {
  const simulator = await startSimulatorUnderContract();
  return {
    login: wechatLoginChannel(simulator.client),
    async mintCode(channelUserId) {
      const minted = await simulator.sandbox.admin.mintLoginCode({
        appid,
        ...(channelUserId ? { openid: channelUserId } : {}),
      });
      return { code: minted.code, channelUserId: minted.openid };
    },
    close: () => simulator.close(),
  };
});
