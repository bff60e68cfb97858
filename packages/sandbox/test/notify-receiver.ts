import { createServer, type IncomingHttpHeaders } from "node:http";
import type { AddressInfo } from "node:net";

/**
 * A tiny merchant notify endpoint for tests: node:http on 127.0.0.1:0, answering each
 * notification as the test says, and keeping what it received (raw body, headers, when).
 */

export interface ReceivedNotification {
  headers: IncomingHttpHeaders;
  body: string;
  /** Real time it arrived and its answer was sent (performance.now()). */
  arrivedAt: number;
  answeredAt?: number;
}

export interface ReceiverAnswer {
  status: number;
  body?: string;
  /** Real milliseconds to wait before answering. */
  delayMs?: number;
}

export interface NotifyReceiver {
  url: string;
  received: ReceivedNotification[];
  /** Resolves once `count` notifications have arrived (and been answered). */
  waitFor(count: number, timeoutMs?: number): Promise<ReceivedNotification[]>;
  close(): Promise<void>;
}

export async function startReceiver(
  answer: (
    index: number,
    request: ReceivedNotification,
  ) => ReceiverAnswer | Promise<ReceiverAnswer> = () => ({
    status: 204,
  }),
): Promise<NotifyReceiver> {
  const received: ReceivedNotification[] = [];
  const waiters: (() => void)[] = [];
  const server = createServer((request, response) => {
    const chunks: Buffer[] = [];
    request.on("data", (chunk: Buffer) => chunks.push(chunk));
    request.on("end", async () => {
      const entry: ReceivedNotification = {
        headers: request.headers,
        body: Buffer.concat(chunks).toString("utf8"),
        arrivedAt: performance.now(),
      };
      const index = received.push(entry) - 1;
      const reply = await answer(index, entry);
      setTimeout(() => {
        entry.answeredAt = performance.now();
        response.writeHead(reply.status, { "Content-Type": "application/json" });
        response.end(reply.body ?? "");
        for (const wake of waiters.splice(0)) wake();
      }, reply.delayMs ?? 0);
    });
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}/notify/wechatpay`,
    received,
    async waitFor(count, timeoutMs = 5_000) {
      const deadline = Date.now() + timeoutMs;
      while (received.filter((entry) => entry.answeredAt !== undefined).length < count) {
        if (Date.now() > deadline) {
          throw new Error(`waited ${timeoutMs} ms for ${count} notifications; ${received.length} arrived`);
        }
        await new Promise<void>((resolve) => {
          waiters.push(resolve);
          setTimeout(resolve, 50);
        });
      }
      return received.slice(0, count);
    },
    close: () =>
      new Promise((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
