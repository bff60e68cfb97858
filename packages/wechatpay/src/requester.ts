import type { Readable } from "node:stream";

/**
 * The seam between endpoint functions (`api/*.ts`) and the client's transport: an
 * endpoint describes one call; the requester signs it (§2), sends it with timeouts and
 * the retry policy (§5.8), verifies the answer (§3) and maps errors.
 */

/** How a call may be retried and how a lost answer is reported (§5.8 "Retry policy"). */
export type CallKind =
  /** Reads (queries, bills, certificates): safe to repeat. */
  | "read"
  /**
   * Writes that WeChat Pay makes idempotent on our own key (prepay on out_trade_no, refund
   * on out_refund_no, close): repeated with identical parameters only; a lost answer is
   * OUTCOME_UNKNOWN, to be resolved by a query, never by a new key.
   */
  | "write";

export interface ApiCall {
  method: "GET" | "POST";
  /** Path without host, e.g. `/v3/pay/transactions/jsapi`; path parameters already encoded. */
  path: string;
  /** Appended as `?k=v&...` in the given order, each value percent-encoded. */
  query?: Readonly<Record<string, string>>;
  /** Serialised once; the same string is signed and sent (§2). */
  body?: unknown;
  kind: CallKind;
  /** A name for errors and logs, e.g. `jsapi.prepay`. */
  operation: string;
}

export interface ApiResult<T> {
  status: number;
  /** Parsed JSON; undefined for 204. */
  data: T;
  requestId: string | undefined;
}

export interface ApiRequester {
  /** A signed call whose 2xx answer is verified before it is parsed. */
  call<T>(call: ApiCall): Promise<ApiResult<T>>;
  /**
   * A signed GET of a bill `download_url` (§5.7): the answer is a file, not signed by
   * WeChat Pay (§3.3), so it is returned as the stream of its bytes, for the caller's hash
   * check; a bill can be larger than what should be held in memory.
   */
  download(downloadUrl: string, operation: string): Promise<Readable>;
}
