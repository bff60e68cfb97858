import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type ListenIo, runListenCommand } from "../../src/app/webhooks/listen-command.ts";
import { runTriggerCommand, type TriggerIo } from "../../src/app/webhooks/trigger-command.ts";
import { DEMO_MERCHANT } from "../../src/channels/demo-sandbox.ts";
import { EVENT_TYPES } from "../../src/domain/events.ts";
import { randomIdSource } from "../../src/random-ids.ts";
import { KassaUnderTest } from "../kassa-harness.ts";
import { makeApiKey } from "../merchant-keys.ts";
import { verified } from "../webhook-flows.ts";
import { WebhookReceiver } from "../webhook-receiver.ts";

/**
 * Issue 11: `npm run kassa -- listen --forward-to URL` gives a local receiver the app's
 * events, signed with the secret it prints, and `trigger EVENT` makes one happen through the
 * public APIs, as a payer would. The commands' own code, on the test's database and against
 * the running Kassa and simulator; SQLite and PostgreSQL.
 */
let kassa: KassaUnderTest;
let receiver: WebhookReceiver;

beforeAll(async () => {
  kassa = await KassaUnderTest.start();
  receiver = await WebhookReceiver.start();
});
afterAll(async () => {
  await receiver?.down();
  await kassa?.close();
});

function listenIo(signal: AbortSignal, lines: string[]): ListenIo {
  const deps = kassa.running.kassa.deps;
  return {
    db: deps.db,
    ids: randomIdSource,
    now: () => deps.clock.now(),
    webhooks: deps.webhooks,
    out: (line) => lines.push(line),
    err: (line) => lines.push(line),
    signal,
    pollMs: 20,
  };
}

function triggerIo(lines: string[], mode: TriggerIo["mode"] = "demo"): TriggerIo {
  return {
    mode,
    appid: DEMO_MERCHANT.appid,
    mchid: DEMO_MERCHANT.mchid,
    kassaUrl: kassa.url,
    simulatorUrl: kassa.sandbox.url,
    out: (line) => lines.push(line),
    err: (line) => lines.push(line),
  };
}

async function until(condition: () => boolean, what: string): Promise<void> {
  for (let tries = 0; tries < 300 && !condition(); tries += 1) {
    await kassa.runWebhookJobs();
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
  if (!condition()) throw new Error(`never: ${what}`);
}

describe("kassa listen and trigger", () => {
  it("forwards a triggered order.paid to the local receiver, signed with the printed secret, and removes its endpoint on stop", async () => {
    const stop = new AbortController();
    const lines: string[] = [];
    const listening = runListenCommand(
      ["listen", "--forward-to", receiver.url],
      listenIo(stop.signal, lines),
    );
    await until(
      () => lines.some((line) => line.startsWith("Your webhook signing secret")),
      "listen is ready",
    );
    const secret = /(whsec_\S+)/.exec(lines.join("\n"))?.[1] ?? "";
    kassa.rememberSecret(secret);
    const endpointId = /(whe_[0-9a-z]+)/.exec(lines.join("\n"))?.[1] ?? "";

    const triggered: string[] = [];
    expect(await runTriggerCommand(["trigger", "order.paid"], triggerIo(triggered))).toBe(0);
    const orderId = /(ord_[0-9a-z]+)/.exec(triggered.join("\n"))?.[1];
    await until(
      () => lines.some((line) => / order\.paid evt_\S+ -> \[200\]/.test(line)),
      "the attempt is printed",
    );
    const message = verified(secret, receiver.received.at(-1)!);
    expect(message).toMatchObject({ type: "order.paid", data: { orderId, order: { status: "PAID" } } });

    stop.abort();
    expect(await listening).toBe(0);
    expect(lines.at(-1)).toBe(`Stopped; endpoint ${endpointId} deleted.`);
    const endpoint = await kassa.running.kassa.deps.db
      .selectFrom("webhook_endpoints")
      .select(["deleted_at", "secret_sealed"])
      .where("id", "=", endpointId)
      .executeTakeFirstOrThrow();
    expect(endpoint.deleted_at).not.toBeNull();
    expect(endpoint.secret_sealed).toBeNull();
  });

  it("triggers order.closed by cancelling a real order", async () => {
    const lines: string[] = [];
    expect(await runTriggerCommand(["trigger", "order.closed"], triggerIo(lines))).toBe(0);
    const orderId = /(ord_[0-9a-z]+)/.exec(lines.join("\n"))?.[1];
    const order = await kassa.running.kassa.deps.db
      .selectFrom("orders")
      .select("status")
      .where("id", "=", orderId ?? "")
      .executeTakeFirstOrThrow();
    expect(["CLOSING", "CLOSED"]).toContain(order.status);
  });

  it("triggers every event of the registry for real, each written by Kassa's own path for it", async () => {
    const { secret } = await makeApiKey(kassa);
    const eventsOf = async (type: string) =>
      Number(
        (
          await kassa.running.kassa.deps.db
            .selectFrom("outbox_events")
            .select((eb) => eb.fn.countAll<number | string>().as("n"))
            .where("type", "=", type)
            .executeTakeFirstOrThrow()
        ).n,
      );
    for (const type of EVENT_TYPES) {
      const before = await eventsOf(type);
      const lines: string[] = [];
      const code = await runTriggerCommand(["trigger", type, "--key", secret], triggerIo(lines));
      expect(code, `${type}: ${lines.join("\n")}`).toBe(0);
      expect(lines.at(-1)).toMatch(new RegExp(`^Triggered ${type.replace(".", "\\.")}: `));
      // A refund's outcome comes with the simulator's notification, its own request.
      for (let tries = 0; tries < 250 && (await eventsOf(type)) === before; tries += 1)
        await new Promise((resolve) => setTimeout(resolve, 20));
      expect(await eventsOf(type), type).toBe(before + 1);
    }
  }, 60_000);

  it("asks for a merchant key where the merchant API is called, and lists every event in its usage", async () => {
    const lines: string[] = [];
    expect(await runTriggerCommand(["trigger", "refund.succeeded"], triggerIo(lines))).toBe(2);
    expect(lines.at(-1)).toMatch(/calls the merchant API: give a key of write scope with --key/);
    expect(await runTriggerCommand(["trigger"], triggerIo(lines))).toBe(2);
    for (const type of EVENT_TYPES)
      expect(lines.at(-1)).toMatch(new RegExp(`^  ${type.replace(".", "\\.")} +\\S`, "m"));
  });

  it("refuses what it cannot do, saying why: production, an unknown type, a URL Kassa may not send to", async () => {
    const lines: string[] = [];
    expect(await runTriggerCommand(["trigger", "order.paid"], triggerIo(lines, "production"))).toBe(1);
    expect(lines.at(-1)).toMatch(/demo mode only/);
    expect(await runTriggerCommand(["trigger", "order.eaten"], triggerIo(lines))).toBe(2);
    expect(lines.at(-1)).toMatch(/no way to make order\.eaten happen/);

    const signal = new AbortController().signal;
    expect(
      await runListenCommand(["listen", "--forward-to", "ftp://127.0.0.1/hook"], listenIo(signal, lines)),
    ).toBe(1);
    expect(lines.at(-1)).toMatch(/^WEBHOOK_URL_INVALID: /);
    expect(
      await runListenCommand(
        ["listen", "--forward-to", receiver.url, "--events", "order.eaten"],
        listenIo(signal, lines),
      ),
    ).toBe(2);
    expect(lines.at(-1)).toMatch(/--events: unknown type order\.eaten/);
    expect(await runListenCommand(["listen"], listenIo(signal, lines))).toBe(2);
  });
});
