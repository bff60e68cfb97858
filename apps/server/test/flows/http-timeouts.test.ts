import { connect, type Socket } from "node:net";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { DEFAULT_LIMITS } from "../../src/compose.ts";
import { buildApp } from "../../src/http/app.ts";
import type { KassaApp } from "../../src/http/server.ts";
import { DEFAULT_HTTP_TIMEOUTS } from "../../src/http/timeouts.ts";
import { MemoryRateLimiter } from "../../src/limits/rate-limiter.ts";
import { KassaUnderTest } from "../kassa-harness.ts";
import { paymentNotification } from "../notifications.ts";

/**
 * Issue 7, item 5: slow clients must not hold connections. Kassa's own HTTP surface (the
 * same buildApp, on the harness's real database and simulator) listens a second time with
 * deadlines shortened to a few hundred milliseconds, and raw sockets play the slow client.
 */
const SHORT = { headersMs: 200, requestMs: 400, keepAliveMs: 300, idleSocketMs: 2_000 };

let kassa: KassaUnderTest;
let short: KassaApp;
let port: number;

beforeAll(async () => {
  kassa = await KassaUnderTest.start();
  const composed = kassa.running.kassa;
  short = await buildApp({
    deps: composed.deps,
    limiter: new MemoryRateLimiter(() => composed.deps.clock.now()),
    limits: DEFAULT_LIMITS,
    logger: composed.app.log,
    trustProxy: false,
    timeouts: SHORT,
    ops: { metrics: composed.metrics, metricsToken: undefined, mode: "demo" },
    // Only the server's deadlines are tested here, not the console's settings page.
    consoleSettings: { apps: () => [], runConfigCheck: async () => [] },
  });
  const address = await short.listen({ host: "127.0.0.1", port: 0 });
  port = Number(new URL(address).port);
});
afterAll(async () => {
  await short?.close();
  await kassa?.close();
});

interface Ending {
  elapsedMs: number;
  received: string;
}

/** Open a raw connection, let `play` write to it, and resolve when the server closes it. */
function untilClosed(play: (socket: Socket) => () => void, giveUpMs = 5_000): Promise<Ending> {
  return new Promise((resolve, reject) => {
    const started = Date.now();
    const socket = connect(port, "127.0.0.1");
    let received = "";
    let stop = () => {};
    const giveUp = setTimeout(() => {
      stop();
      socket.destroy();
      reject(new Error(`still open after ${giveUpMs} ms; received ${JSON.stringify(received)}`));
    }, giveUpMs);
    socket.on("connect", () => {
      stop = play(socket);
    });
    socket.on("data", (chunk) => {
      received += chunk.toString("latin1");
    });
    socket.on("error", () => {});
    socket.on("close", () => {
      clearTimeout(giveUp);
      stop();
      resolve({ elapsedMs: Date.now() - started, received });
    });
  });
}

/** The JSON body of a raw HTTP/1.1 answer. */
function bodyOf(received: string): unknown {
  return JSON.parse(received.slice(received.indexOf("\r\n\r\n") + 4));
}

function drip(socket: Socket, everyMs: number, piece: string): () => void {
  const timer = setInterval(() => {
    if (socket.writable) socket.write(piece);
  }, everyMs);
  return () => clearInterval(timer);
}

const NOTIFY_HEADERS =
  "POST /notify/wechatpay HTTP/1.1\r\nHost: kassa\r\nContent-Type: application/json\r\nContent-Length: 1000\r\n\r\n";

describe("HTTP deadlines against slow clients (issue 7, item 5)", () => {
  it("answers 408 REQUEST_TIMEOUT and closes a notification whose body drips past the request deadline", async () => {
    const ending = await untilClosed((socket) => {
      socket.write(NOTIFY_HEADERS);
      return drip(socket, 50, "{");
    });
    expect(ending.received).toMatch(/^HTTP\/1\.1 408 /);
    expect(bodyOf(ending.received)).toMatchObject({
      code: "REQUEST_TIMEOUT",
      requestId: expect.stringMatching(/^req_[0-9a-f]{16}$/),
    });
    expect(ending.elapsedMs).toBeGreaterThanOrEqual(SHORT.requestMs - 50);
    expect(ending.elapsedMs).toBeLessThan(SHORT.requestMs + 1_000);
  });

  it("closes every one of 20 dripping notification connections by the request deadline", async () => {
    const endings = await Promise.all(
      Array.from({ length: 20 }, () =>
        untilClosed((socket) => {
          socket.write(NOTIFY_HEADERS);
          return drip(socket, 100, " ");
        }),
      ),
    );
    for (const ending of endings) expect(ending.elapsedMs).toBeLessThan(SHORT.requestMs + 1_000);
  });

  it("closes a connection whose headers are still unfinished at the headers deadline", async () => {
    const ending = await untilClosed((socket) => {
      socket.write("POST /notify/wechatpay HTTP/1.1\r\nHost: kassa\r\n");
      return drip(socket, 40, "X-Slow: 1\r\n");
    });
    expect(ending.received).toMatch(/^HTTP\/1\.1 408 /);
    expect(bodyOf(ending.received)).toMatchObject({ code: "REQUEST_TIMEOUT" });
    expect(ending.elapsedMs).toBeLessThan(SHORT.headersMs + 1_000);
  });

  it("answers oversized headers with 431 REQUEST_HEADERS_TOO_LARGE in the error envelope", async () => {
    const ending = await untilClosed((socket) => {
      socket.write(`GET /v1/catalog HTTP/1.1\r\nHost: kassa\r\nX-Big: ${"a".repeat(20_000)}\r\n\r\n`);
      return () => {};
    });
    expect(ending.received).toMatch(/^HTTP\/1\.1 431 /);
    expect(bodyOf(ending.received)).toMatchObject({ code: "REQUEST_HEADERS_TOO_LARGE" });
  });

  it("closes a connection that sends nothing at all by the headers deadline", async () => {
    const ending = await untilClosed(() => () => {});
    expect(ending.elapsedMs).toBeLessThan(SHORT.headersMs + 1_000);
  });

  it("closes an idle keep-alive connection after the keep-alive deadline", async () => {
    const ending = await untilClosed((socket) => {
      socket.write("GET /v1/catalog HTTP/1.1\r\nHost: kassa\r\n\r\n");
      return () => {};
    });
    expect(ending.received).toMatch(/^HTTP\/1\.1 200 /);
    // node:http adds up to a second of grace to keepAliveTimeout before it closes.
    expect(ending.elapsedMs).toBeLessThan(SHORT.keepAliveMs + 1_000 + 1_000);
  });

  it("still answers a notification that arrives in time (a forgery: 401, not 408)", async () => {
    const notification = await paymentNotification(kassa, {
      outTradeNo: "ord_0000000000000000",
      amountFen: 1,
      forged: true,
    });
    const response = await fetch(`http://127.0.0.1:${port}/notify/wechatpay`, {
      method: "POST",
      headers: notification.headers,
      body: notification.body,
    });
    await response.arrayBuffer();
    expect(response.status).toBe(401);
  });

  it("runs Kassa itself with header, request, keep-alive and idle deadlines, none left at 0", () => {
    const server = kassa.running.kassa.app.server;
    expect(server.headersTimeout).toBe(DEFAULT_HTTP_TIMEOUTS.headersMs);
    expect(server.requestTimeout).toBe(DEFAULT_HTTP_TIMEOUTS.requestMs);
    expect(server.keepAliveTimeout).toBe(DEFAULT_HTTP_TIMEOUTS.keepAliveMs);
    expect(server.timeout).toBe(DEFAULT_HTTP_TIMEOUTS.idleSocketMs);
    expect(DEFAULT_HTTP_TIMEOUTS.headersMs).toBeLessThanOrEqual(5_000);
    expect(DEFAULT_HTTP_TIMEOUTS.requestMs).toBeLessThanOrEqual(10_000);
  });
});
