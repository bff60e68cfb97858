import { createServer, type Server } from "node:net";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { listening, PortInUseError } from "./port-in-use.ts";

let taken: Server;
let port: number;

beforeAll(async () => {
  taken = createServer();
  await new Promise<void>((resolve) => taken.listen(0, "127.0.0.1", resolve));
  port = (taken.address() as { port: number }).port;
});
afterAll(() => new Promise<void>((resolve) => taken.close(() => resolve())));

function listenOn(server: Server, at: number): Promise<void> {
  return new Promise((resolve, reject) => {
    server.once("error", reject);
    server.listen(at, "127.0.0.1", resolve);
  });
}

describe("a port that is taken", () => {
  it("is told in one line naming the address, what could not listen and the setting to change", async () => {
    const second = createServer();
    const where = {
      host: "127.0.0.1",
      port,
      what: "the WeChat Pay simulator",
      variable: "KASSA_SIMULATOR_PORT",
    };
    const error = await listening(where, () => listenOn(second, port)).catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(PortInUseError);
    expect((error as Error).message).toBe(
      `127.0.0.1:${port} is already in use, so the WeChat Pay simulator cannot listen there; perhaps another npm start is running: stop it, or set KASSA_SIMULATOR_PORT to a free port`,
    );
  });

  it("lets every other failure through as it is", async () => {
    const where = { host: "127.0.0.1", port: 1, what: "Kassa", variable: "PORT" };
    const failure = new Error("something else");
    await expect(listening(where, () => Promise.reject(failure))).rejects.toBe(failure);
  });
});
