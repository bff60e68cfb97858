/**
 * How long a client may take, per phase of a connection. Without deadlines a client that
 * sends its headers and then one body byte every few seconds holds a connection (and its
 * memory) for ever; 50 of them were still open after 100 s (issue 7, item 5).
 */
export interface HttpTimeouts {
  /** From the connection's first byte to the end of the request headers. */
  headersMs: number;
  /**
   * From the first byte to the end of the whole request, body included. WeChat Pay gives a
   * notification 5 s for the whole exchange (reference §4.5), so a genuine sender's body
   * arrives well inside this; a slower one is a drip, not a notification.
   */
  requestMs: number;
  /** An idle keep-alive connection between two requests. */
  keepAliveMs: number;
  /** A socket with no traffic at all while a request is handled (a client not reading our answer). */
  idleSocketMs: number;
}

export const DEFAULT_HTTP_TIMEOUTS: Readonly<HttpTimeouts> = Object.freeze({
  headersMs: 5_000,
  requestMs: 10_000,
  // Longer than the 60 s idle timeout of common load balancers in front of us (nginx's
  // upstream keepalive_timeout, cloud load balancers): the proxy then closes an idle
  // upstream connection first, instead of sending a request into one we are closing.
  keepAliveMs: 65_000,
  idleSocketMs: 30_000,
});

/**
 * The Fastify and node:http options that enforce the deadlines. Node checks the header and
 * request deadlines on a timer (`connectionsCheckingInterval`, 30 s by default, which would
 * let a drip live 30 s past its deadline), so the check runs at a quarter of the shortest
 * deadline, at most once a second.
 */
export function timeoutOptions(timeouts: Readonly<HttpTimeouts>) {
  for (const [name, value] of Object.entries(timeouts)) {
    if (!Number.isInteger(value) || value <= 0) throw new RangeError(`HTTP timeout ${name} must be > 0 ms`);
  }
  if (timeouts.headersMs > timeouts.requestMs) {
    throw new RangeError("the headers deadline cannot be later than the whole request's");
  }
  return {
    connectionTimeout: timeouts.idleSocketMs,
    requestTimeout: timeouts.requestMs,
    keepAliveTimeout: timeouts.keepAliveMs,
    http: {
      headersTimeout: timeouts.headersMs,
      connectionsCheckingInterval: Math.max(10, Math.min(1_000, Math.floor(timeouts.headersMs / 4))),
    },
  };
}
