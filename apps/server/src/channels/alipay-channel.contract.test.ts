import { generateKeyPairSync } from "node:crypto";
import { createAlipayClient } from "@kassa/alipay";
import { startSandbox } from "@kassa/sandbox";
import { describe, expect, it } from "vitest";
import { alipayChannel } from "./alipay-channel.ts";
import { alipayLoginChannel } from "./alipay-login.ts";
import { ChannelError } from "./channel-error.ts";
import { loginChannelContract } from "./login-channel.contract.ts";
import { paymentChannelContract } from "./payment-channel.contract.ts";
import { startNotificationReceiver } from "./simulator-subject.ts";

/** An Alipay app of the simulator's own, in each of A.3's two key modes. */
const APPS = {
  key: { appId: "2021000000000101", sellerId: "2088100000000101", keyMode: "key" },
  cert: { appId: "2021000000000102", sellerId: "2088100000000102", keyMode: "cert" },
} as const;

/**
 * The simulator's Alipay gateway on loopback, its time frozen (tests move it), the app
 * notifying a receiver of our own that answers `success` (A.4), and a client built from the
 * files the simulator wrote, as a merchant loads Alipay's.
 */
async function startAlipayUnderContract(mode: keyof typeof APPS) {
  // A.4: exactly `success`, HTTP 200.
  const receiver = await startNotificationReceiver("/notify/alipay", { status: 200, body: "success" });
  const app = APPS[mode];
  const sandbox = await startSandbox({
    config: {
      clock: { start: "2026-03-02T10:00:00+08:00", speed: 0 },
      alipayApps: [{ ...app, notifyUrl: receiver.url }],
    },
  });
  const credentials = sandbox.admin.alipayCredentials(app.appId);
  const client = createAlipayClient({
    appId: credentials.appId,
    appPrivateKey: credentials.appPrivateKeyPem,
    keys:
      mode === "key"
        ? { mode: "key", alipayPublicKey: credentials.alipayPublicKeyPem }
        : {
            mode: "certificate",
            appCert: credentials.appCertPem ?? "",
            alipayPublicCert: credentials.alipayPublicCertPem ?? "",
            alipayRootCert: credentials.alipayRootCertPem ?? "",
          },
    gatewayUrl: sandbox.alipayGatewayUrl,
    sellerId: credentials.sellerId,
    clock: () => sandbox.clock.now(),
  });
  return {
    sandbox,
    client,
    receiver,
    app,
    async close() {
      await sandbox.close();
      await receiver.close();
    },
  };
}

for (const mode of ["key", "cert"] as const) {
  paymentChannelContract(
    `Alipay adapter over the simulator, ${mode} mode (real HTTP)`,
    async () => {
      const simulator = await startAlipayUnderContract(mode);
      const { sandbox, client, receiver, app } = simulator;
      const admin = sandbox.admin;
      const login = alipayLoginChannel(client);
      return {
        channel: alipayChannel(client, { clock: sandbox.clock, sellerId: app.sellerId }),
        appId: app.appId,
        merchantId: app.sellerId,
        notifyUrl: receiver.url,
        now: () => sandbox.clock.now(),
        // A.1: trade.create takes only a buyer oauth.token issued to this app.
        async newPayer() {
          const minted = await admin.mintAlipayAuthCode({ appId: app.appId });
          const outcome = await login.exchangeCode(minted.code);
          if (outcome.outcome !== "identified") throw new Error("the simulator refused its own code");
          return outcome.channelUserId;
        },
        async pay(outTradeNo) {
          await admin.payAlipayTrade(app.appId, outTradeNo);
        },
        settleRefund() {
          return Promise.reject(new Error("Alipay refunds are settled in their answer (A.5)"));
        },
        takeNotifications: async () => receiver.take(),
        async passTime(ms) {
          await admin.advanceClock(ms);
        },
        async publishStatements() {
          admin.setBillReadyDelay(-24 * 3600_000);
        },
        async failNext(operation, failure) {
          if (operation === "query" && failure === "unreachable")
            admin.addFault({ endpoint: "alipay.trade.query", fault: "unavailable", times: 1 });
          else if (operation === "refund" && failure === "answer_lost")
            admin.addFault({ endpoint: "alipay.trade.refund", fault: "apply_then_reset", times: 1 });
          else throw new Error(`no fault rule for ${failure} on ${operation}`);
        },
        close: () => simulator.close(),
      };
    },
    { refunds: "answered_at_once" },
  );
}

loginChannelContract("Alipay oauth.token over the simulator (real HTTP)", async () => {
  const simulator = await startAlipayUnderContract("key");
  // Codes are minted for a 2088… user_id; the login names the user by this app's open_id (A.6).
  const userIdOf = new Map<string, string>();
  return {
    login: alipayLoginChannel(simulator.client),
    async mintCode(channelUserId) {
      const userId = channelUserId === undefined ? undefined : userIdOf.get(channelUserId);
      const minted = await simulator.sandbox.admin.mintAlipayAuthCode({
        appId: simulator.app.appId,
        ...(userId ? { userId } : {}),
      });
      userIdOf.set(minted.openId, minted.userId);
      return { code: minted.code, channelUserId: minted.openId };
    },
    close: () => simulator.close(),
  };
});

describe("Alipay login with the wrong app key", () => {
  it("is the channel's trouble (a ChannelError), never a refused code the payer could fix", async () => {
    const simulator = await startAlipayUnderContract("key");
    try {
      const { app, sandbox } = simulator;
      const made = sandbox.admin.alipayCredentials(app.appId);
      const wrongKey = generateKeyPairSync("rsa", { modulusLength: 2048 }).privateKey;
      const misconfigured = createAlipayClient({
        appId: app.appId,
        appPrivateKey: wrongKey,
        keys: { mode: "key", alipayPublicKey: made.alipayPublicKeyPem },
        gatewayUrl: sandbox.alipayGatewayUrl,
        clock: () => sandbox.clock.now(),
      });
      const minted = await sandbox.admin.mintAlipayAuthCode({ appId: app.appId });
      const failure = await alipayLoginChannel(misconfigured)
        .exchangeCode(minted.code)
        .catch((error: unknown) => error);
      expect(failure).toBeInstanceOf(ChannelError);
      expect(failure).toMatchObject({ kind: "rejected", channelCode: "isv.invalid-signature" });
    } finally {
      await simulator.close();
    }
  });
});
