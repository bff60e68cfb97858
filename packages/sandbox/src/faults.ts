import { SandboxError } from "./errors.ts";
import type { RandomStream } from "./random.ts";

/**
 * Fault injection (issue 3): rules that make the simulator misbehave on purpose, per
 * merchant and per target, seeded so a failing run replays.
 *
 * A rule names a target (an endpoint such as `jsapi.prepay`, or `*` for every endpoint of
 * that scope) and a fault kind. Kinds and targets are registered by the modules that
 * honour them: the HTTP pipeline registers the kinds below; the notification dispatcher
 * registers its own (duplicates, reordering, drops...) under the "notification" scope.
 * A rule fires at most `times` times (unlimited when absent), each time with
 * `probability` (1 when absent; only fractional probabilities draw from the seeded
 * stream, so certain rules never shift it). Rules live in memory and in the config file;
 * they are not persisted across restarts.
 *
 * A rule naming `outTradeNo` or `outRefundNo` fires only for that payment or refund, where
 * the target says which one a call is about (notifications, bill rows, queries). Bill faults
 * (bills/bill-faults.ts) also carry what they change: `deltaFen`, `state`; a query fault
 * (routes/query-faults.ts) the `state` its answer shows.
 */

export interface FaultKindDefinition {
  scope: string;
  description: string;
}

/** §5.8 failures, and the hard case: the effect happens, the answer does not arrive. */
export const HTTP_FAULT_KINDS: Record<string, FaultKindDefinition> = {
  rate_limit: { scope: "http", description: "429 FREQUENCY_LIMITED before anything is applied" },
  system_error: { scope: "http", description: "500 SYSTEM_ERROR before anything is applied" },
  unavailable: { scope: "http", description: "503 SERVICE_UNAVAILABLE before anything is applied" },
  delay: { scope: "http", description: "answer normally, after delayMs of real time" },
  reset: { scope: "http", description: "destroy the connection before anything is applied" },
  apply_then_fail: { scope: "http", description: "apply the effect, then answer 500 SYSTEM_ERROR" },
  apply_then_reset: { scope: "http", description: "apply the effect, then destroy the connection" },
  apply_then_timeout: {
    scope: "http",
    description: "apply the effect, then hold the connection silent for holdMs and destroy it",
  },
};

export interface FaultRule {
  id: string;
  endpoint: string;
  fault: string;
  mchid?: string;
  /** Firings left; undefined = until removed. */
  times?: number;
  probability: number;
  delayMs: number;
  holdMs: number;
  /** Only for this payment or refund (targets that say which one a call is about). */
  outTradeNo?: string;
  outRefundNo?: string;
  /** Bill faults: fen added to the amount shown (negative takes away). */
  deltaFen?: number;
  /** Bill faults: the state the row shows instead of its own. */
  state?: string;
  fired: number;
}

/** Which payment or refund a call is about, for rules that name one. */
export interface FaultSubject {
  outTradeNo?: string | undefined;
  outRefundNo?: string | undefined;
}

/** Which fault kinds take `deltaFen` (required) and `state` (required). */
const KINDS_WITH_DELTA = new Set(["bill_amount_changed", "bill_fee_changed"]);
const KINDS_WITH_STATE = new Set(["bill_state_changed", "query_state_changed"]);

const DEFAULT_DELAY_MS = 3_000;
const DEFAULT_HOLD_MS = 30_000;
const MAX_WAIT_MS = 600_000;

export class FaultRegistry {
  readonly #random: RandomStream;
  readonly #kinds = new Map<string, FaultKindDefinition>();
  readonly #targets = new Map<string, string>();
  #rules: FaultRule[] = [];
  #nextId = 1;

  constructor(random: RandomStream) {
    this.#random = random;
  }

  defineKinds(kinds: Record<string, FaultKindDefinition>): void {
    for (const [name, definition] of Object.entries(kinds)) this.#kinds.set(name, definition);
  }

  /** A target a rule may name, e.g. `jsapi.prepay` in scope "http". */
  defineTarget(name: string, scope: string): void {
    this.#targets.set(name, scope);
  }

  kinds(): Record<string, FaultKindDefinition> {
    return Object.fromEntries(this.#kinds);
  }

  targets(): Record<string, string> {
    return Object.fromEntries(this.#targets);
  }

  add(input: unknown): FaultRule {
    const rule = this.#validate(input);
    this.#rules.push(rule);
    return { ...rule };
  }

  list(): FaultRule[] {
    return this.#rules.map((rule) => ({ ...rule }));
  }

  remove(id: string): void {
    const before = this.#rules.length;
    this.#rules = this.#rules.filter((rule) => rule.id !== id);
    if (this.#rules.length === before) throw new SandboxError("FAULT_RULE_NOT_FOUND", id);
  }

  clear(): number {
    const count = this.#rules.length;
    this.#rules = [];
    return count;
  }

  /**
   * The first rule, in the order added, that matches and fires for this call; it is
   * consumed at once, whatever the call's outcome turns out to be. `kinds` limits the
   * search to those fault kinds.
   */
  take(
    target: string,
    mchid: string | undefined,
    kinds?: readonly string[],
    subject: FaultSubject = {},
  ): FaultRule | undefined {
    const scope = this.#targets.get(target);
    for (const rule of this.#rules) {
      // A target may honour its kinds at different moments (a notification's delay when it
      // is created, a drop at each attempt): only the kinds asked for are consumed now.
      if (kinds !== undefined && !kinds.includes(rule.fault)) continue;
      const targetMatches =
        rule.endpoint === target || (rule.endpoint === "*" && this.#kinds.get(rule.fault)?.scope === scope);
      if (!targetMatches || (rule.mchid !== undefined && rule.mchid !== mchid)) continue;
      if (rule.outTradeNo !== undefined && rule.outTradeNo !== subject.outTradeNo) continue;
      if (rule.outRefundNo !== undefined && rule.outRefundNo !== subject.outRefundNo) continue;
      if (!this.#random.chance(rule.probability)) continue;
      rule.fired++;
      if (rule.times !== undefined) {
        rule.times--;
        if (rule.times <= 0) this.#rules = this.#rules.filter((kept) => kept !== rule);
      }
      return { ...rule };
    }
    return undefined;
  }

  #validate(input: unknown): FaultRule {
    if (typeof input !== "object" || input === null) throw invalid("a rule must be a JSON object");
    const raw = input as Record<string, unknown>;
    const allowed = [
      "endpoint",
      "fault",
      "mchid",
      "times",
      "probability",
      "delayMs",
      "holdMs",
      "outTradeNo",
      "outRefundNo",
      "deltaFen",
      "state",
    ];
    const unknown = Object.keys(raw).filter((key) => !allowed.includes(key));
    if (unknown.length > 0)
      throw invalid(`unknown field ${unknown.join(", ")}; allowed: ${allowed.join(", ")}`);
    const fault = raw.fault;
    const kind = typeof fault === "string" ? this.#kinds.get(fault) : undefined;
    if (typeof fault !== "string" || !kind) {
      throw invalid(`fault must be one of ${[...this.#kinds.keys()].join(", ")}`);
    }
    const endpoint = raw.endpoint ?? "*";
    if (typeof endpoint !== "string" || (endpoint !== "*" && this.#targets.get(endpoint) !== kind.scope)) {
      const names = [...this.#targets].filter(([, scope]) => scope === kind.scope).map(([name]) => name);
      throw invalid(`endpoint for a ${fault} fault must be "*" or one of ${names.join(", ")}`);
    }
    if (raw.mchid !== undefined && (typeof raw.mchid !== "string" || raw.mchid.length === 0)) {
      throw invalid("mchid must be a merchant number");
    }
    if (raw.times !== undefined && !(Number.isInteger(raw.times) && (raw.times as number) > 0)) {
      throw invalid("times must be a positive integer (omit it for a rule that stays until removed)");
    }
    for (const key of ["outTradeNo", "outRefundNo"] as const) {
      const value = raw[key];
      if (value !== undefined && (typeof value !== "string" || !/^[0-9A-Za-z_\-|*]{1,64}$/.test(value))) {
        throw invalid(`${key} must be the number of a payment or refund (1-64 of [0-9A-Za-z_-|*])`);
      }
    }
    const takesDelta = KINDS_WITH_DELTA.has(fault);
    if (takesDelta !== (raw.deltaFen !== undefined)) {
      throw invalid(
        takesDelta
          ? `a ${fault} fault needs deltaFen`
          : `deltaFen belongs to ${[...KINDS_WITH_DELTA].join(", ")}`,
      );
    }
    if (takesDelta && !(Number.isSafeInteger(raw.deltaFen) && raw.deltaFen !== 0)) {
      throw invalid("deltaFen must be a whole number of fen other than 0");
    }
    const takesState = KINDS_WITH_STATE.has(fault);
    if (takesState !== (raw.state !== undefined)) {
      throw invalid(
        takesState ? `a ${fault} fault needs state` : `state belongs to ${[...KINDS_WITH_STATE].join(", ")}`,
      );
    }
    if (takesState && !(typeof raw.state === "string" && /^[A-Z_]{1,32}$/.test(raw.state))) {
      throw invalid("state must be a state word such as PAYERROR, REVOKED or PROCESSING (A-Z and _)");
    }
    const probability = raw.probability ?? 1;
    if (typeof probability !== "number" || !(probability > 0 && probability <= 1)) {
      throw invalid("probability must be a number in (0, 1]");
    }
    return {
      id: `flt_${this.#nextId++}`,
      endpoint,
      fault,
      ...(raw.mchid === undefined ? {} : { mchid: raw.mchid as string }),
      ...(raw.times === undefined ? {} : { times: raw.times as number }),
      probability,
      delayMs: waitMs(raw.delayMs, DEFAULT_DELAY_MS, "delayMs"),
      holdMs: waitMs(raw.holdMs, DEFAULT_HOLD_MS, "holdMs"),
      ...(raw.outTradeNo === undefined ? {} : { outTradeNo: raw.outTradeNo as string }),
      ...(raw.outRefundNo === undefined ? {} : { outRefundNo: raw.outRefundNo as string }),
      ...(raw.deltaFen === undefined ? {} : { deltaFen: raw.deltaFen as number }),
      ...(raw.state === undefined ? {} : { state: raw.state as string }),
      fired: 0,
    };
  }
}

function waitMs(value: unknown, fallback: number, name: string): number {
  if (value === undefined) return fallback;
  if (!Number.isInteger(value) || (value as number) < 0 || (value as number) > MAX_WAIT_MS) {
    throw invalid(`${name} must be an integer number of milliseconds from 0 to ${MAX_WAIT_MS}`);
  }
  return value as number;
}

function invalid(detail: string): SandboxError {
  return new SandboxError("FAULT_RULE_INVALID", detail);
}
