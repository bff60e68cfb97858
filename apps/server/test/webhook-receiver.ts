import { createServer, type IncomingHttpHeaders, type Server } from "node:http";
import type { AddressInfo } from "node:net";

/** One request as the receiver saw it: the raw body, exactly as sent (signatures cover the bytes). */
export interface Received {
  headers: IncomingHttpHeaders;
  body: string;
  at: number;
}

export type Answer = { status: number; body?: string; headers?: Record<string, string> } | "hang";

/**
 * A merchant's webhook receiver: a real HTTP server on loopback that records every request
 * and answers what the test says (by default 200). It can go down and come back on the same
 * port, as a receiver that is redeployed does.
 */
export class WebhookReceiver {
  readonly received: Received[] = [];
  /** TCP connections accepted, requests or not: proof that nothing connected at all. */
  connections = 0;
  answer: (request: Received) => Answer = () => ({ status: 200, body: "ok" });
  #server: Server | undefined;
  #port = 0;
  readonly #hanging = new Set<() => void>();

  static async start(): Promise<WebhookReceiver> {
    const receiver = new WebhookReceiver();
    await receiver.up();
    return receiver;
  }

  get url(): string {
    return `http://127.0.0.1:${this.#port}/hook`;
  }

  get port(): number {
    return this.#port;
  }

  /** The webhook-ids received, in order (repeats included). */
  ids(): string[] {
    return this.received.map((request) => String(request.headers["webhook-id"]));
  }

  async up(): Promise<void> {
    const server = createServer((request, response) => {
      const chunks: Buffer[] = [];
      request.on("data", (chunk: Buffer) => chunks.push(chunk));
      request.on("end", () => {
        const received = {
          headers: request.headers,
          body: Buffer.concat(chunks).toString("utf8"),
          at: Date.now(),
        };
        this.received.push(received);
        const answer = this.answer(received);
        if (answer === "hang") {
          this.#hanging.add(() => response.destroy());
          return;
        }
        response.writeHead(answer.status, answer.headers ?? {}).end(answer.body ?? "");
      });
    });
    server.on("connection", () => {
      this.connections += 1;
    });
    await new Promise<void>((resolve, reject) => {
      server.once("error", reject);
      server.listen(this.#port, "127.0.0.1", () => resolve());
    });
    this.#server = server;
    this.#port = (server.address() as AddressInfo).port;
  }

  /** Down: the port refuses connections until `up()`. */
  async down(): Promise<void> {
    for (const release of this.#hanging) release();
    this.#hanging.clear();
    const server = this.#server;
    this.#server = undefined;
    if (!server) return;
    server.closeAllConnections();
    await new Promise<void>((resolve) => server.close(() => resolve()));
  }
}
