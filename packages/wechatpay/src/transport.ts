import { Readable } from "node:stream";
import { WechatPayError, WechatPayNetworkError } from "./errors.ts";

/**
 * The HTTP port (design.md: ports are small and owned by their consumer). The client
 * signs, retries and verifies; a transport only moves bytes, so a test or a simulator can
 * swap it without touching the protocol.
 */
export interface HttpRequest {
  method: string;
  /** Absolute URL. For code2Session it carries the app secret: never log or echo it. */
  url: string;
  headers: Record<string, string>;
  body?: string;
  /** Aborts the request and the reading of its answer (the client's timeout). */
  signal: AbortSignal;
}

export interface HttpResponse {
  status: number;
  headers: Headers;
  /** The raw bytes: responses are verified over them, never over a re-serialisation (§3.2). */
  body: Buffer;
}

/**
 * Sends one request. A failure without an answer must be thrown as a
 * `WechatPayNetworkError` whose `diagnostics.failure` is a `NetworkFailure`; anything else
 * thrown is taken as `lost-answer`, the cautious reading.
 */
export type HttpTransport = (request: HttpRequest) => Promise<HttpResponse>;

/**
 * An answer whose body is read as it arrives: bill files (§5.7) can be far larger than
 * what a process should hold. The request's signal keeps aborting the body after the
 * headers came, so a stalled download can still be cut off.
 */
export interface HttpStreamResponse {
  status: number;
  headers: Headers;
  body: Readable;
}

/** Sends one request and hands back the body unread; failures as for {@link HttpTransport}. */
export type HttpStreamTransport = (request: HttpRequest) => Promise<HttpStreamResponse>;

/**
 * What a failure says about whether WeChat Pay received the request (§5.8):
 * - `connection`: it did not (no DNS, refused, unreachable, TLS never established), so the
 *   backup host may be tried and a write has certainly not taken effect;
 * - `timeout`: no answer in time; the request may have been processed;
 * - `lost-answer`: the connection broke after the request was written; it may have been
 *   processed.
 */
export type NetworkFailure = "connection" | "timeout" | "lost-answer";

/** Error codes that can only happen before a single request byte reaches the server. */
const BEFORE_SENDING_CODES = new Set([
  "ENOTFOUND",
  "EAI_AGAIN",
  "ECONNREFUSED",
  "EHOSTUNREACH",
  "ENETUNREACH",
  "EHOSTDOWN",
  "ENETDOWN",
  "EADDRNOTAVAIL",
  "UND_ERR_CONNECT_TIMEOUT",
]);
/** System calls that fail before the request is written (ECONNRESET from `connect`, not `read`). */
const BEFORE_SENDING_SYSCALLS = new Set(["connect", "getaddrinfo"]);

/** The default transport on Node's global `fetch` (undici). */
export const fetchTransport: HttpTransport = async (request) => {
  const host = safeHost(request.url);
  try {
    const response = await fetch(request.url, {
      method: request.method,
      headers: request.headers,
      ...(request.body === undefined ? {} : { body: request.body }),
      signal: request.signal,
      // A redirect would re-send a signed request elsewhere; WeChat Pay never redirects.
      redirect: "manual",
    });
    // Read the body under the same signal: a stall mid-body is a timeout too.
    const body = Buffer.from(await response.arrayBuffer());
    return { status: response.status, headers: response.headers, body };
  } catch (error) {
    throw toNetworkError(error, request.signal, host);
  }
};

/** The streaming transport on Node's global `fetch`: the body stays a stream. */
export const fetchStreamTransport: HttpStreamTransport = async (request) => {
  const host = safeHost(request.url);
  try {
    const response = await fetch(request.url, {
      method: request.method,
      headers: request.headers,
      ...(request.body === undefined ? {} : { body: request.body }),
      signal: request.signal,
      redirect: "manual",
    });
    const body =
      response.body === null
        ? Readable.from([])
        : // The web stream's chunks are Uint8Arrays; its errors (an abort, a reset) surface on read.
          Readable.fromWeb(response.body as import("node:stream/web").ReadableStream<Uint8Array>);
    return { status: response.status, headers: response.headers, body };
  } catch (error) {
    throw toNetworkError(error, request.signal, host);
  }
};

/**
 * A buffering transport seen as a streaming one, for clients given their own `transport`
 * (tests, in-process peers): the body is already in memory, so nothing is bounded, but the
 * download path stays one.
 */
export function streamingOf(transport: HttpTransport): HttpStreamTransport {
  return async (request) => {
    const response = await transport(request);
    return { status: response.status, headers: response.headers, body: Readable.from([response.body]) };
  };
}

/** Classify a fetch failure. The URL never goes into the error: it may hold a secret. */
export function toNetworkError(error: unknown, signal: AbortSignal, host: string): WechatPayNetworkError {
  if (error instanceof WechatPayNetworkError) return error;
  if (signal.aborted) {
    const reason = signal.reason as { name?: string } | undefined;
    return new WechatPayNetworkError("TIMEOUT", `no answer from ${host} in time`, {
      retryable: true,
      cause: error,
      diagnostics: { failure: "timeout" satisfies NetworkFailure, host, abort: reason?.name ?? "abort" },
    });
  }
  const cause = innermostCoded(error);
  const failure = classify(cause);
  const code = cause?.code ?? "UNKNOWN";
  const what =
    failure === "connection"
      ? `could not connect to ${host} (${code}); the request was not sent`
      : `the connection to ${host} broke after the request was sent (${code}); it may have been processed`;
  return new WechatPayNetworkError("NETWORK_ERROR", what, {
    retryable: true,
    cause: error,
    diagnostics: { failure, host, errorCode: code, syscall: cause?.syscall },
  });
}

/** The failure kind recorded on a transport error; `lost-answer` for anything unrecognised. */
export function networkFailureOf(error: unknown): NetworkFailure {
  if (error instanceof WechatPayError) {
    const failure = error.diagnostics.failure;
    if (failure === "connection" || failure === "timeout" || failure === "lost-answer") return failure;
  }
  return "lost-answer";
}

interface CodedError {
  code?: string;
  syscall?: string;
  message?: string;
}

function classify(cause: CodedError | undefined): NetworkFailure {
  if (!cause) return "lost-answer";
  if (cause.code && BEFORE_SENDING_CODES.has(cause.code)) return "connection";
  if (cause.syscall && BEFORE_SENDING_SYSCALLS.has(cause.syscall)) return "connection";
  // TLS failures happen in the handshake, before the HTTP request is written.
  if (cause.code && /^(ERR_SSL_|ERR_TLS_|CERT_|UNABLE_TO_|DEPTH_ZERO_|SELF_SIGNED_)/.test(cause.code)) {
    return "connection";
  }
  if (cause.message?.includes("before secure TLS connection was established")) return "connection";
  // "other side closed", `read ECONNRESET`, "terminated": the request may have been
  // processed, and the money-safe reading is that it was.
  return "lost-answer";
}

/** fetch wraps the system error in `TypeError: fetch failed`; the cause says what happened. */
function innermostCoded(error: unknown): CodedError | undefined {
  let current: unknown = error;
  let found: CodedError | undefined;
  for (let depth = 0; depth < 5 && current instanceof Error; depth++) {
    const coded = current as Error & CodedError;
    if (typeof coded.code === "string") found = coded;
    current = current.cause;
  }
  return found;
}

function safeHost(url: string): string {
  try {
    return new URL(url).host;
  } catch {
    return "(unparsable URL)";
  }
}
