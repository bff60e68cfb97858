import { createServer as createHttpServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { createServer as createTcpServer } from "node:net";
import { afterEach, describe, expect, it } from "vitest";
import { WechatPayNetworkError } from "./errors.ts";
import { closedPortUrl } from "./testing/local-wechatpay.ts";
import { fetchTransport, type HttpRequest, networkFailureOf, toNetworkError } from "./transport.ts";

const servers: { close(callback: () => void): void }[] = [];
afterEach(async () => {
  await Promise.all(
    servers.splice(0).map((server) => new Promise<void>((resolve) => server.close(() => resolve()))),
  );
});

async function listen(server: Server | ReturnType<typeof createTcpServer>): Promise<string> {
  servers.push(server);
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  return `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
}

const request = (url: string, timeoutMs = 2_000): HttpRequest => ({
  method: "POST",
  url: `${url}/v3/pay/transactions/jsapi`,
  headers: { "Content-Type": "application/json" },
  body: '{"a":1}',
  signal: AbortSignal.timeout(timeoutMs),
});

async function failureOf(promise: Promise<unknown>): Promise<WechatPayNetworkError> {
  const error = await promise.then(
    () => undefined,
    (caught: unknown) => caught,
  );
  expect(error).toBeInstanceOf(WechatPayNetworkError);
  return error as WechatPayNetworkError;
}

describe("fetchTransport", () => {
  it("returns status, headers and the raw body bytes", async () => {
    const url = await listen(
      createHttpServer((_req, res) => {
        res.writeHead(201, { "Request-ID": "R-1" });
        res.end(Buffer.from([0xef, 0xbb, 0xbf, 0x41]));
      }),
    );
    const response = await fetchTransport(request(url));
    expect(response.status).toBe(201);
    expect(response.headers.get("request-id")).toBe("R-1");
    expect([...response.body]).toEqual([0xef, 0xbb, 0xbf, 0x41]);
  });

  it("does not follow a redirect with a signed request", async () => {
    const url = await listen(
      createHttpServer((_, res) => {
        res.writeHead(302, { Location: "https://elsewhere.example/" });
        res.end();
      }),
    );
    expect((await fetchTransport(request(url))).status).toBe(302);
  });

  it("reports a refused connection as a connection failure: the request was not sent", async () => {
    const error = await failureOf(fetchTransport(request(await closedPortUrl())));
    expect(error).toMatchObject({ code: "NETWORK_ERROR", retryable: true });
    expect(error.diagnostics).toMatchObject({ failure: "connection", errorCode: "ECONNREFUSED" });
    expect(error.message).toContain("the request was not sent");
    expect(networkFailureOf(error)).toBe("connection");
  });

  it("reports a connection dropped after the request was sent as a lost answer", async () => {
    const url = await listen(createTcpServer((socket) => socket.on("data", () => socket.destroy())));
    const error = await failureOf(fetchTransport(request(url)));
    expect(error.code).toBe("NETWORK_ERROR");
    expect(networkFailureOf(error)).toBe("lost-answer");
    expect(error.message).toContain("it may have been processed");
  });

  it("reports a reset after the request was sent as a lost answer", async () => {
    const url = await listen(createTcpServer((socket) => socket.on("data", () => socket.resetAndDestroy())));
    const error = await failureOf(fetchTransport(request(url)));
    expect(networkFailureOf(error)).toBe("lost-answer");
    expect(error.diagnostics).toMatchObject({ errorCode: "ECONNRESET", syscall: "read" });
  });

  it("reports no answer in time as TIMEOUT", async () => {
    const url = await listen(createHttpServer(() => {}));
    const error = await failureOf(fetchTransport(request(url, 100)));
    expect(error).toMatchObject({ code: "TIMEOUT", retryable: true });
    expect(networkFailureOf(error)).toBe("timeout");
    (servers.at(-1) as Server).closeAllConnections();
  });

  it("reports an answer that stalls mid-body as TIMEOUT too", async () => {
    const url = await listen(
      createHttpServer((_, res) => {
        res.writeHead(200, { "Content-Length": "100" });
        res.write("{");
      }),
    );
    const error = await failureOf(fetchTransport(request(url, 150)));
    expect(networkFailureOf(error)).toBe("timeout");
    (servers.at(-1) as Server).closeAllConnections();
  });

  it("never puts the URL (which may carry a secret) in the error", async () => {
    const url = `${await closedPortUrl()}/sns/jscode2session?secret=TOP-SECRET-VALUE`;
    const error = await failureOf(fetchTransport({ ...request(""), url }));
    expect(`${error.message} ${JSON.stringify(error.diagnostics)}`).not.toContain("TOP-SECRET-VALUE");
  });
});

describe("toNetworkError", () => {
  it("reads DNS failures and TLS failures as connection failures", () => {
    const signal = new AbortController().signal;
    const dns = Object.assign(new Error("getaddrinfo ENOTFOUND api.mch.weixin.qq.com"), {
      code: "ENOTFOUND",
    });
    const tls = Object.assign(new Error("wrong version number"), { code: "ERR_SSL_WRONG_VERSION_NUMBER" });
    const connectReset = Object.assign(new Error("connect ECONNRESET"), {
      code: "ECONNRESET",
      syscall: "connect",
    });
    for (const cause of [dns, tls, connectReset]) {
      expect(networkFailureOf(toNetworkError(new TypeError("fetch failed", { cause }), signal, "h"))).toBe(
        "connection",
      );
    }
  });

  it("reads an unrecognised error from a custom transport as a lost answer, the cautious reading", () => {
    const error = toNetworkError(new Error("boom"), new AbortController().signal, "h");
    expect(networkFailureOf(error)).toBe("lost-answer");
  });
});
