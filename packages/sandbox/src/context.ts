import type { BillDownloadRecord } from "./bills/bill-downloads.ts";
import type { FundAdjustmentRecord } from "./bills/fund-flow.ts";
import { VirtualClock } from "./clock.ts";
import type { SandboxConfig } from "./config.ts";
import type { LoginCodeRecord } from "./domain/login-codes.ts";
import type { OrderRecord, PrepayRecord } from "./domain/order-record.ts";
import type { MerchantSettingsRecord, RefundPlanRecord, RefundRecord } from "./domain/refund-record.ts";
import { FaultRegistry, HTTP_FAULT_KINDS } from "./faults.ts";
import { KeyCache } from "./identity/key-cache.ts";
import type { MerchantRecord } from "./identity/merchant-record.ts";
import type { NotificationRecord } from "./notify/notification-record.ts";
import { RandomSource, type StreamState } from "./random.ts";
import { type JobRecord, Scheduler } from "./scheduler.ts";
import { SnapshotStore, type Table } from "./store.ts";

/**
 * Everything a handler, a job or the admin API needs, built once at start and passed
 * explicitly (no module-level singletons). Later features add their own tables with
 * `ctx.store.table(name)` and their own job kinds with `ctx.scheduler.register(kind, ...)`.
 */
export interface SandboxContext {
  readonly config: Readonly<SandboxConfig>;
  readonly dataDir: string;
  readonly clock: VirtualClock;
  readonly scheduler: Scheduler;
  readonly random: RandomSource;
  readonly store: SnapshotStore;
  readonly faults: FaultRegistry;
  readonly keys: KeyCache;
  readonly tables: SandboxTables;
  /** Runtime settings the admin API may change; they start from the config at each start. */
  readonly settings: { probeRate: number; billReadyDelayMs: number };
  /** One line per unexpected failure; never given secrets. */
  readonly log: (line: string) => void;
}

export interface SandboxTables {
  merchants: Table<MerchantRecord>;
  /** Keyed by `orderKey(mchid, out_trade_no)`. */
  orders: Table<OrderRecord>;
  prepays: Table<PrepayRecord>;
  loginCodes: Table<LoginCodeRecord>;
  /** `appid/openid` → when code2Session first issued it (the OPENID_MISMATCH check, §5.1). */
  issuedOpenids: Table<number>;
  /** Keyed by `refundKey(mchid, out_refund_no)`. */
  refunds: Table<RefundRecord>;
  /** Outcomes arranged through the admin API for refunds not created yet, same key. */
  refundPlans: Table<RefundPlanRecord>;
  /** Per-merchant defaults for refunds (outcome, settle delay), keyed by mchid. */
  merchantSettings: Table<MerchantSettingsRecord>;
  /** Keyed by the notification id (§4.1), the same on every retry. */
  notifications: Table<NotificationRecord>;
  /** Bill download tokens (§5.7), each with the file it promised; keyed by token. */
  billDownloads: Table<BillDownloadRecord>;
  /** Balance adjustments made through the admin API (fund-flow bill rows), keyed by id. */
  fundAdjustments: Table<FundAdjustmentRecord>;
}

export interface ContextOptions {
  config: Readonly<SandboxConfig>;
  dataDir: string;
  log: (line: string) => void;
}

export async function createContext(options: ContextOptions): Promise<SandboxContext> {
  const { config } = options;
  const store = await SnapshotStore.open(options.dataDir, options.config.durability);
  const fresh = store.isNew;
  // The seed is fixed when the data directory is created; a replay uses a fresh directory.
  const savedSeed = store.getMeta<string>("seed");
  if (savedSeed !== undefined && config.seed !== undefined && config.seed !== savedSeed) {
    options.log(
      `keeping seed "${savedSeed}" of ${options.dataDir}; to replay seed "${config.seed}", start on a fresh data directory`,
    );
  }
  const seed = savedSeed ?? config.seed ?? `seed-${Date.now().toString(36)}`;
  const random = new RandomSource(seed, store.getMeta<Record<string, StreamState>>("random") ?? {});
  const clock = fresh
    ? VirtualClock.startingAt(
        config.clock.start ? Date.parse(config.clock.start) : Date.now(),
        config.clock.speed,
      )
    : new VirtualClock(
        store.getMeta("clock") ?? { anchorVirtualMs: Date.now(), anchorRealMs: Date.now(), speed: 1 },
      );
  clock.setSpeed(config.clock.speed);
  store.setMeta("seed", seed);
  store.onBeforeWrite(() => {
    store.setMeta("clock", clock.state());
    store.setMeta("random", random.snapshot());
  });
  const log = options.log;
  const scheduler = new Scheduler(
    clock,
    store.table<JobRecord>("jobs"),
    (job, error) => log(`job ${job.id} (${job.kind}) failed: ${(error as Error).stack ?? String(error)}`),
    () => store.commit(), // once per pass: the handlers of notifications and refunds do not commit each
  );
  scheduler.setConcurrency(options.config.jobConcurrency);
  const faults = new FaultRegistry(random.stream("faults"));
  faults.defineKinds(HTTP_FAULT_KINDS);
  return {
    config,
    dataDir: options.dataDir,
    clock,
    scheduler,
    random,
    store,
    faults,
    keys: new KeyCache(),
    tables: {
      merchants: store.table("merchants"),
      orders: store.table("orders"),
      prepays: store.table("prepays"),
      loginCodes: store.table("loginCodes"),
      issuedOpenids: store.table("issuedOpenids"),
      refunds: store.table("refunds"),
      refundPlans: store.table("refundPlans"),
      merchantSettings: store.table("merchantSettings"),
      notifications: store.table("notifications"),
      billDownloads: store.table("billDownloads"),
      fundAdjustments: store.table("fundAdjustments"),
    },
    settings: { probeRate: config.probeRate, billReadyDelayMs: config.billReadyDelayMs },
    log,
  };
}
