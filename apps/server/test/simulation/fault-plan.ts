/**
 * The simulator's faults during a simulation (issue 16.2: "HTTP faults, apply-then-fail,
 * duplicate/concurrent/reordered/delayed/dropped notifications, probes"), as rules of its
 * fault registry (packages/sandbox/src/faults.ts). Each fires with its probability, drawn
 * from the simulator's seeded `faults` stream, for as long as the run lasts. The shares are
 * far above a real bad day on purpose: a run of N orders meets each kind many times.
 */
export interface SimulatedFault {
  endpoint: string;
  fault: string;
  probability: number;
  delayMs?: number;
  holdMs?: number;
}

export const SIMULATED_FAULTS: readonly SimulatedFault[] = [
  // §5.1 prepay: refused before anything happens, or made and the answer lost.
  { endpoint: "jsapi.prepay", fault: "rate_limit", probability: 0.03 },
  { endpoint: "jsapi.prepay", fault: "system_error", probability: 0.03 },
  { endpoint: "jsapi.prepay", fault: "reset", probability: 0.02 },
  { endpoint: "jsapi.prepay", fault: "apply_then_fail", probability: 0.03 },
  { endpoint: "jsapi.prepay", fault: "apply_then_reset", probability: 0.03 },
  // Held past the client's 10 s timeout (packages/wechatpay client-options.ts): rare, it costs real seconds.
  { endpoint: "jsapi.prepay", fault: "apply_then_timeout", probability: 0.003, holdMs: 11_000 },
  // §5.2 query-back and §5.3 close.
  { endpoint: "transactions.query_by_out_trade_no", fault: "system_error", probability: 0.04 },
  { endpoint: "transactions.query_by_out_trade_no", fault: "reset", probability: 0.03 },
  { endpoint: "transactions.query_by_out_trade_no", fault: "delay", probability: 0.02, delayMs: 300 },
  { endpoint: "transactions.close", fault: "apply_then_fail", probability: 0.05 },
  { endpoint: "transactions.close", fault: "reset", probability: 0.03 },
  // §5.4 refunds and §5.5 their query.
  { endpoint: "refund.create", fault: "rate_limit", probability: 0.04 },
  { endpoint: "refund.create", fault: "apply_then_fail", probability: 0.04 },
  { endpoint: "refund.create", fault: "apply_then_reset", probability: 0.04 },
  { endpoint: "refund.query", fault: "system_error", probability: 0.05 },
  // §4 notifications, payments' and refunds' alike.
  { endpoint: "*", fault: "notify_drop", probability: 0.2 },
  { endpoint: "*", fault: "notify_duplicate", probability: 0.15 },
  { endpoint: "*", fault: "notify_concurrent_duplicate", probability: 0.15 },
  { endpoint: "*", fault: "notify_delay", probability: 0.1, delayMs: 60_000 },
  { endpoint: "*", fault: "notify_reorder", probability: 0.05 },
  { endpoint: "*", fault: "notify_probe", probability: 0.03 },
];
