import { createServer } from "node:net";
import { RandomSource, type RunningSandbox, startSandbox } from "@kassa/sandbox";
import { DEMO_ALIPAY_APP, DEMO_MERCHANT } from "../../src/channels/demo-sandbox.ts";
import { findViolations } from "../convergence.ts";
import {
  buildKassaProgram,
  KassaProcess,
  makeApiKey,
  removeDir,
  removeProgram,
  stockOf,
  tempDir,
} from "../crash/crash-harness.ts";
import { createTestDatabase, type TestDatabase } from "../database.ts";
import type { Answer } from "../kassa-harness.ts";
import { WebhookReceiver } from "../webhook-receiver.ts";
import { SIMULATED_FAULTS } from "./fault-plan.ts";
import { type Catalog, type PayerScript, planPayer } from "./payer-plan.ts";

/**
 * The seeded whole-system simulation (issue 16.2): many virtual payers and the merchant's
 * refunds driven through Kassa (as child processes, `instances` of them on one database) and
 * the simulator (in this process, with its faults on and its clock running `speed` times real
 * time), while Kassa instances are killed with SIGKILL and restarted. At the end virtual time
 * runs on until every job, notification and webhook has settled, and the invariants are
 * checked against the simulator's own record (convergence.ts), plus: every webhook event was
 * delivered to the merchant.
 *
 * What the seed fixes: every payer's script (payer-plan.ts), the simulator's fault draws and
 * ids, and when restarts happen (after which payers). What it does not: how the operating
 * system interleaves concurrent payers, so with concurrency > 1 two runs of one seed take the
 * same decisions in a different order; `concurrency: 1` replays one payer at a time.
 */
export interface SimulationOptions {
  seed: string;
  orders: number;
  /** Kassa processes on the one database (PostgreSQL for more than one). */
  instances: number;
  /** Payers at once. */
  concurrency: number;
  /** SIGKILL-and-restart of a Kassa instance, spread over the run. */
  restarts: number;
  /** Virtual time's speed while payers run. */
  speed: number;
  log: (line: string) => void;
}

export interface SimulationReport {
  seed: string;
  database: "sqlite" | "postgres";
  instances: number;
  orders: number;
  outcomes: Record<string, number>;
  refundsMade: number;
  refundsRefused: number;
  faultsInjected: number;
  faultsByKind: Record<string, number>;
  restarts: number;
  notificationAttempts: number;
  duplicateNotifications: number;
  webhookEvents: number;
  virtualHours: number;
  wallSeconds: number;
  violations: string[];
}

/** Kassa's settings for a simulation: limits meant for one real payer's pace would refuse the crowd of loopback payers. */
const KASSA_SETTINGS = {
  // Orders live 15 virtual minutes: longer than a prepay lease (60 s) and a held prepay (11 s
  // real, minutes virtual), short enough that expiry runs many times in a run.
  KASSA_ORDER_TTL_MINUTES: "15",
  KASSA_RATE_LIMIT_PER_IP: "1000000",
  KASSA_RATE_LIMIT_PER_USER: "1000000",
  KASSA_RATE_LIMIT_LOGIN_PER_IP: "1000000",
  KASSA_RATE_LIMIT_MERCHANT_PER_IP: "1000000",
  KASSA_RATE_LIMIT_MERCHANT_PER_KEY: "1000000",
  // Every payer comes from 127.0.0.1 and the run's order rate is far above a shop's: those two
  // rules would throttle everybody. The per-user rule stays at its default (each payer is one user).
  KASSA_RISK_PAY_FAILURES_PER_ADDRESS: "1000000",
  KASSA_RISK_ORDERS_PER_APP: "1000000",
};

export async function runSimulation(options: SimulationOptions): Promise<SimulationReport> {
  const started = Date.now();
  const log = options.log;
  const dirs = [tempDir(), tempDir()];
  const [simulatorDir = "", kassaDir = ""] = dirs;
  const random = new RandomSource(options.seed);
  const sandbox = await startSandbox({
    dataDir: simulatorDir,
    config: {
      seed: options.seed,
      clock: { speed: options.speed },
      merchants: [{ ...DEMO_MERCHANT, notifyUrl: "http://127.0.0.1:9/unused", certificates: false }],
      alipayApps: [{ ...DEMO_ALIPAY_APP, notifyUrl: "http://127.0.0.1:9/unused" }],
      publicKeyOnlyCertificates: "empty",
      faults: SIMULATED_FAULTS.map((rule) => ({ ...rule, mchid: DEMO_MERCHANT.mchid })),
    },
    log: () => undefined,
  });
  const virtualStart = sandbox.clock.now();
  const program = await buildKassaProgram();
  const database = await createTestDatabase();
  const receiver = await WebhookReceiver.start();
  const fleet = new Fleet(program, database, sandbox, kassaDir);
  try {
    await fleet.start(options.instances);
    const first = fleet.any();
    // Plenty on every shelf: running out of stock is tested elsewhere; here every payer should get to pay.
    await database.db
      .updateTable("products")
      .set({ stock: options.orders * 10 })
      .execute();
    await database.db.updateTable("booking_slots").set({ capacity: options.orders }).execute();
    const stockBefore = await stockOf(database);
    const catalog = await readCatalog(database);
    const apiKey = await makeApiKey(database, () => sandbox.clock.now());
    const endpoint = await first.request("POST", "/merchant/v1/webhook-endpoints", {
      token: apiKey,
      body: { url: receiver.url },
      headers: { "idempotency-key": `simulation-endpoint-${options.seed}` },
    });
    if (endpoint.status !== 201)
      throw new Error(`webhook endpoint: ${endpoint.status} ${JSON.stringify(endpoint.body)}`);

    const scripts = Array.from({ length: options.orders }, (_, index) =>
      planPayer(random, index, options.instances, catalog),
    );
    const restartAfter = restartMoments(random, options);
    const outcomes: Record<string, number> = {};
    const refunds = { made: 0, refused: 0 };
    let next = 0;
    let done = 0;
    let restarts = 0;
    const payers = Array.from({ length: Math.max(1, options.concurrency) }, async () => {
      for (;;) {
        const script = scripts[next];
        next += 1;
        if (!script) return;
        const outcome = await runPayer(script, { fleet, sandbox, apiKey, refunds });
        outcomes[outcome] = (outcomes[outcome] ?? 0) + 1;
        done += 1;
        if (done % 500 === 0) log(`${done} of ${options.orders} payers done`);
        while (restartAfter.length > 0 && done >= (restartAfter[0] ?? Number.POSITIVE_INFINITY)) {
          restartAfter.shift();
          restarts += 1;
          await fleet.killAndRestart(random.stream("restarts").int(options.instances));
        }
      }
    });
    await Promise.all(payers);
    log(`payers done (${outcomes.paid ?? 0} paid); letting virtual time run until everything settles`);
    await settle(database, sandbox, log);
    await fleet.stopAll();

    const violations = await findViolations(database, sandbox, stockBefore);
    violations.push(...(await undeliveredWebhooks(database, receiver)));
    const notifications = sandbox.admin.listNotifications({ mchid: DEMO_MERCHANT.mchid });
    const answered = notifications.map(
      (n) => n.attempts.filter((attempt) => attempt.status !== undefined).length,
    );
    const faults = sandbox.admin.listFaults();
    const faultsByKind: Record<string, number> = {};
    for (const rule of faults) faultsByKind[rule.fault] = (faultsByKind[rule.fault] ?? 0) + rule.fired;
    return {
      seed: options.seed,
      database: database.url.startsWith("postgres") ? "postgres" : "sqlite",
      instances: options.instances,
      orders: options.orders,
      outcomes,
      refundsMade: refunds.made,
      refundsRefused: refunds.refused,
      faultsInjected: faults.reduce((sum, rule) => sum + rule.fired, 0) + restarts,
      faultsByKind: { ...faultsByKind, kassa_sigkill: restarts },
      restarts,
      notificationAttempts: answered.reduce((sum, n) => sum + n, 0),
      duplicateNotifications: answered.reduce((sum, n) => sum + Math.max(0, n - 1), 0),
      webhookEvents: receiver.received.length,
      virtualHours: (sandbox.clock.now() - virtualStart) / 3_600_000,
      wallSeconds: (Date.now() - started) / 1000,
      violations,
    };
  } finally {
    await fleet.stopAll().catch(() => undefined);
    await receiver.down();
    await database.close();
    await sandbox.close();
    removeProgram(program);
    for (const dir of dirs) removeDir(dir);
  }
}

interface PayerWorld {
  fleet: Fleet;
  sandbox: RunningSandbox;
  apiKey: string;
  refunds: { made: number; refused: number };
}

/** One payer's script, as a mini program and its merchant would run it; answers how it ended. */
async function runPayer(script: PayerScript, world: PayerWorld): Promise<string> {
  const { fleet, sandbox } = world;
  const call = (method: string, path: string, options: CallOptions = {}) =>
    fleet.call(script.instance, method, path, options);
  const code = await sandbox.admin.mintLoginCode({ appid: DEMO_MERCHANT.appid });
  const login = await call("POST", "/v1/session", { body: { code: code.code } });
  if (login.status !== 201) return `login_${login.status}`;
  const token = (login.body as { token: string }).token;

  const created =
    script.order.kind === "purchase"
      ? await call("POST", "/v1/orders", { token, body: { items: script.order.items } })
      : await bookASlot(call, token, script.order.seats);
  if (created.status !== 201) return `create_${created.status}`;
  const order = created.body as { id: string };
  if (script.atCashier === "abandon") return "abandoned";

  const pay = () => call("POST", `/v1/orders/${order.id}/pay`, { token, retry: true });
  let prepay: Answer;
  if (script.atCashier === "pay_twice") [prepay] = await Promise.all([pay(), pay()]);
  else prepay = await pay();
  if (prepay.status !== 200) return `pay_${prepay.status}`;
  const params = prepay.body as object;

  if (script.atCashier === "pay_late") await sleep(realMsOfVirtual(sandbox, 14 * 60_000));
  const action = script.atCashier === "cancel" ? "cancel" : script.atCashier === "fail" ? "fail" : "pay";
  const cashier = await fetch(`${sandbox.url}/cashier/api/${action}`, {
    method: "POST",
    headers: { "content-type": "application/json" },
    body: JSON.stringify({
      ...params,
      ...(action === "pay" ? { bankType: "CMB_CREDIT" } : {}),
      ...(action === "fail" ? { reason: script.failReason } : {}),
    }),
  });
  const outcome = (await cashier.json()) as { errMsg?: string; outTradeNo?: string };
  const paidAtCashier = cashier.status === 200 && outcome.errMsg === "requestPayment:ok";
  if (script.confirms) await call("POST", `/v1/orders/${order.id}/confirm`, { token, retry: true });
  if (!paidAtCashier) return action === "pay" ? "pay_refused_at_cashier" : action;

  if (script.resends > 0 && outcome.outTradeNo)
    await resendNotification(sandbox, outcome.outTradeNo, script.resends);
  if (script.refunds.length > 0) await refundOrder(script, order, world, call);
  return "paid";
}

type Call = (method: string, path: string, options?: CallOptions) => Promise<Answer>;

async function bookASlot(call: Call, token: string, seats: number): Promise<Answer> {
  const slots = await call("GET", "/v1/booking-slots", { token });
  const open = ((slots.body as { data?: { id: string }[] })?.data ?? [])[0];
  if (!open) return slots.status === 200 ? { ...slots, status: 404 } : slots;
  return call("POST", "/v1/bookings", { token, body: { slotId: open.id, seats } });
}

/** The simulator sends the payment's notification again, `times` at once (as WeChat Pay's retries can overlap). */
async function resendNotification(sandbox: RunningSandbox, outTradeNo: string, times: number): Promise<void> {
  const notification = sandbox.admin
    .listNotifications({ mchid: DEMO_MERCHANT.mchid, outTradeNo })
    .find((n) => n.eventType === "TRANSACTION.SUCCESS");
  if (!notification) return;
  await Promise.all(
    Array.from({ length: times }, () =>
      sandbox.admin.resendNotification(notification.id).catch(() => undefined),
    ),
  );
}

/** The merchant refunds once Kassa says PAID; each refund's copies share one Idempotency-Key and are sent at once. */
async function refundOrder(
  script: PayerScript,
  order: { id: string },
  world: PayerWorld,
  call: Call,
): Promise<void> {
  let amountPaid = 0;
  const paid = await waitFor(
    async () => {
      const answer = await call("GET", `/merchant/v1/orders/${order.id}`, { token: world.apiKey });
      const seen = answer.body as { status?: string; amountFen?: number };
      amountPaid = seen?.amountFen ?? 0;
      return seen?.status === "PAID";
    },
    realMsOfVirtual(world.sandbox, 20 * 60_000),
  );
  if (!paid) return;
  await Promise.all(
    script.refunds.map(async (plan, n) => {
      const amountFen = Math.max(1, Math.floor((amountPaid * plan.percent) / 100));
      const answers = await Promise.all(
        Array.from({ length: plan.copies }, () =>
          call("POST", `/merchant/v1/orders/${order.id}/refunds`, {
            token: world.apiKey,
            body: { amountFen, reason: "simulation" },
            headers: { "idempotency-key": `sim-${script.index}-${n}` },
            retry: true,
          }),
        ),
      );
      if (answers.some((answer) => answer.status < 300)) world.refunds.made += 1;
      else world.refunds.refused += 1;
    }),
  );
}

/**
 * After the payers: virtual time runs on in steps of 4 minutes (inside §2's 5-minute window,
 * so Kassa's signatures stay valid while its clock catches up) until nothing is left to
 * settle: no order PENDING or CLOSING, no refund PROCESSING, no webhook delivery due, no
 * notification the simulator still means to send. Bounded: 30 virtual hours (WeChat Pay
 * gives up on a notification after 24 h 4 min, §4.6).
 */
async function settle(
  database: TestDatabase,
  sandbox: RunningSandbox,
  log: (line: string) => void,
): Promise<void> {
  const deadline = sandbox.clock.now() + 30 * 3_600_000;
  sandbox.admin.setClockSpeed(1);
  let quiet = 0;
  while (sandbox.clock.now() < deadline) {
    for (let step = 0; step < 5; step++) {
      await sandbox.admin.advanceClock(4 * 60_000);
      await sleep(80);
    }
    const left = total(await unsettled(database, sandbox));
    if (left === 0) quiet += 1;
    else quiet = 0;
    if (quiet >= 3) return;
  }
  log(`still unsettled after 30 virtual hours: ${JSON.stringify(await unsettled(database, sandbox))}`);
}

async function unsettled(database: TestDatabase, sandbox: RunningSandbox): Promise<Record<string, number>> {
  const db = database.db;
  const count = async (query: Promise<{ n: number | string } | undefined>) => Number((await query)?.n ?? 0);
  const orders = await count(
    db
      .selectFrom("orders")
      .where("status", "in", ["PENDING", "CLOSING"])
      .select((eb) => eb.fn.countAll<number>().as("n"))
      .executeTakeFirst(),
  );
  const refunds = await count(
    db
      .selectFrom("refunds")
      .where("status", "=", "PROCESSING")
      .select((eb) => eb.fn.countAll<number>().as("n"))
      .executeTakeFirst(),
  );
  const deliveries = await count(
    db
      .selectFrom("webhook_deliveries")
      .where("status", "not in", ["succeeded", "failed", "cancelled"])
      .select((eb) => eb.fn.countAll<number>().as("n"))
      .executeTakeFirst(),
  );
  const notifications = sandbox.admin
    .listNotifications({ mchid: DEMO_MERCHANT.mchid })
    .filter((n) => n.nextAttemptAt !== undefined).length;
  return { orders, refunds, deliveries, notifications };
}

const total = (left: Record<string, number>) => Object.values(left).reduce((sum, n) => sum + n, 0);

/** Every event Kassa recorded reached the merchant's endpoint, and the endpoint saw each one's webhook-id. */
async function undeliveredWebhooks(database: TestDatabase, receiver: WebhookReceiver): Promise<string[]> {
  const events = await database.db.selectFrom("outbox_events").select(["id", "type"]).execute();
  const deliveries = await database.db
    .selectFrom("webhook_deliveries")
    .select(["event_id", "status"])
    .execute();
  const delivered = new Set(deliveries.filter((d) => d.status === "succeeded").map((d) => d.event_id));
  const violations = events
    .filter((event) => !delivered.has(event.id))
    .map((event) => `webhook event ${event.id} (${event.type}) was never delivered`);
  const seen = new Set(receiver.ids());
  if (seen.size < delivered.size)
    violations.push(
      `${delivered.size} deliveries recorded as succeeded, the endpoint saw ${seen.size} webhook-ids`,
    );
  return violations;
}

/** Which payers a restart follows: `restarts` moments spread at random over the run. */
function restartMoments(random: RandomSource, options: SimulationOptions): number[] {
  const draw = random.stream("restart-moments");
  return Array.from({ length: options.restarts }, () => 1 + draw.int(Math.max(1, options.orders - 1))).sort(
    (a, b) => a - b,
  );
}

async function readCatalog(database: TestDatabase): Promise<Catalog> {
  const products = await database.db
    .selectFrom("products")
    .where("app_id", "=", "app_default")
    .select(["id", "price_fen"])
    .execute();
  const slots = await database.db.selectFrom("booking_slots").select("id").execute();
  return { products: products.map((p) => ({ id: p.id, priceFen: p.price_fen })), hasSlots: slots.length > 0 };
}

interface CallOptions {
  token?: string;
  body?: unknown;
  headers?: Record<string, string>;
  /** Retry a 5xx or a 429 too (the call is safe to repeat: it has a key, or it is the pay call). */
  retry?: boolean;
}

/**
 * The Kassa instances, each on its own port kept across restarts (notify URLs already given
 * to the simulator still reach it). A call that finds its instance down, or being restarted,
 * goes to the next one, as a load balancer would send it; when none answers it waits.
 */
class Fleet {
  readonly #instances: (KassaProcess | undefined)[] = [];
  readonly #ports: number[] = [];
  #restarting: Promise<void> = Promise.resolve();

  constructor(
    private readonly program: string,
    private readonly database: TestDatabase,
    private readonly sandbox: RunningSandbox,
    private readonly dataDir: string,
  ) {}

  async start(count: number): Promise<void> {
    // One after the other: the first start migrates and seeds the demo's catalog.
    for (let i = 0; i < count; i++) {
      this.#ports[i] = await portOutsideEphemeralRange();
      this.#instances[i] = await this.#launch(i);
    }
  }

  any(): KassaProcess {
    const up = this.#instances.find((instance) => instance !== undefined);
    if (!up) throw new Error("no Kassa instance is up");
    return up;
  }

  /** One restart at a time: two at once on one instance would start two processes on its port. */
  killAndRestart(index: number): Promise<void> {
    const restart = this.#restarting.then(() => this.#killAndRestart(index));
    this.#restarting = restart.catch(() => undefined);
    return restart;
  }

  async #killAndRestart(index: number): Promise<void> {
    const instance = this.#instances[index];
    this.#instances[index] = undefined;
    if (instance) {
      instance.child.kill("SIGKILL");
      await instance.exited;
    }
    this.#instances[index] = await this.#launch(index);
  }

  async stopAll(): Promise<void> {
    await Promise.all(this.#instances.map((instance) => instance?.stop()));
  }

  async call(first: number, method: string, path: string, options: CallOptions): Promise<Answer> {
    const { retry, ...request } = options;
    let last: Answer | undefined;
    // A restart takes seconds on a busy machine: wait up to 60 s (real) for an instance to answer.
    const deadline = Date.now() + 60_000;
    for (let attempt = 0; Date.now() < deadline; attempt++) {
      const instance = this.#instances[(first + attempt) % this.#instances.length];
      if (!instance) {
        await sleep(50);
        continue;
      }
      try {
        last = await instance.request(method, path, request);
      } catch {
        await sleep(50); // killed under the call, or not listening yet
        continue;
      }
      if (!(retry && (last.status >= 500 || last.status === 429))) return last;
      await sleep(100);
    }
    if (last) return last;
    throw new Error(`${method} ${path}: no Kassa instance answered`);
  }

  /**
   * Start instance `index` on its port. The simulator's and the payers' outgoing connections
   * take ephemeral ports, and one can hold a dead instance's port for a moment: a start that
   * finds its port in use waits and tries again.
   */
  async #launch(index: number): Promise<KassaProcess> {
    for (let attempt = 1; ; attempt++) {
      try {
        return await KassaProcess.start({
          program: this.program,
          database: this.database,
          sandbox: this.sandbox,
          port: this.#ports[index] ?? 0,
          dataDir: this.dataDir,
          env: KASSA_SETTINGS,
        });
      } catch (error) {
        if (attempt >= 20 || !String(error).includes("already in use")) throw error;
        await sleep(250);
      }
    }
  }
}

/**
 * A free port below Linux's ephemeral range (32768-60999), so that the many outgoing
 * connections of a run are not given it while its instance is down between a kill and a restart.
 */
async function portOutsideEphemeralRange(): Promise<number> {
  for (;;) {
    const port = 20_000 + Math.floor(Math.random() * 12_000);
    const server = createServer();
    const free = await new Promise<boolean>((done) => {
      server.once("error", () => done(false));
      server.listen(port, "127.0.0.1", () => done(true));
    });
    if (free) {
      await new Promise((done) => server.close(done));
      return port;
    }
  }
}

function realMsOfVirtual(sandbox: RunningSandbox, virtualMs: number): number {
  return virtualMs / Math.max(1, sandbox.clock.speed);
}

async function waitFor(check: () => Promise<boolean>, timeoutMs: number): Promise<boolean> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (await check()) return true;
    await sleep(50);
  }
  return false;
}

function sleep(ms: number): Promise<void> {
  return new Promise((done) => setTimeout(done, ms));
}
