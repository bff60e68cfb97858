import { createServer } from "node:http";
import type { AddressInfo } from "node:net";
import { type RunningSandbox, startSandbox } from "@kassa/sandbox";
import type { WechatPayClient } from "@kassa/wechatpay";
import type { ReceivedNotification } from "./contract-kit.ts";
import { DEMO_MERCHANT, readDemoCredentials } from "./demo-sandbox.ts";
import { wechatPayClientFor } from "./wechatpay-client-for.ts";

/** The client's retries (§5.8): a fault must outlast them to reach the port. */
export const CLIENT_MAX_RETRIES = 2;

export interface SimulatorUnderContract {
  sandbox: RunningSandbox;
  client: WechatPayClient;
  receiver: NotificationReceiver;
  close(): Promise<void>;
}

/**
 * The WeChat Pay simulator on loopback, its time frozen (tests move it), the demo merchant
 * notifying a receiver of our own, and a client built as main.ts builds it: the contract's
 * WeChat subject talks to it over real HTTP, signed and verified both ways.
 */
export async function startSimulatorUnderContract(): Promise<SimulatorUnderContract> {
  // §4.5: 204 is "handled".
  const receiver = await startNotificationReceiver("/notify/wechatpay", { status: 204, body: "" });
  const sandbox = await startSandbox({
    config: {
      clock: { start: "2026-03-02T10:00:00+08:00", speed: 0 },
      // Refunds settle when a test says so, not by themselves after a minute.
      refundSettleDelayMs: 30 * 24 * 3600_000,
      merchants: [{ ...DEMO_MERCHANT, notifyUrl: receiver.url, certificates: false }],
    },
  });
  const merchant = sandbox.admin.getMerchant(DEMO_MERCHANT.mchid);
  const credentials = await readDemoCredentials(merchant.files.dir, sandbox.url);
  const client = wechatPayClientFor(
    credentials,
    { now: () => sandbox.clock.now() },
    { backupBaseUrl: null, maxRetries: CLIENT_MAX_RETRIES },
  );
  return {
    sandbox,
    client,
    receiver,
    async close() {
      await sandbox.close();
      await receiver.close();
    },
  };
}

export interface NotificationReceiver {
  url: string;
  take(): ReceivedNotification[];
  close(): Promise<void>;
}

/** A notify URL that keeps what arrives, raw, and answers "handled" in the channel's words. */
export async function startNotificationReceiver(
  path: string,
  handled: { status: number; body: string },
): Promise<NotificationReceiver> {
  const received: ReceivedNotification[] = [];
  const server = createServer((request, response) => {
    const chunks: Buffer[] = [];
    request.on("data", (chunk: Buffer) => chunks.push(chunk));
    request.on("end", () => {
      received.push({ headers: request.headers, body: Buffer.concat(chunks) });
      response.writeHead(handled.status, { "content-type": "text/plain" }).end(handled.body);
    });
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}${path}`,
    take: () => received.splice(0),
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
