import { lookup } from "node:dns/promises";
import { request as httpRequest, type IncomingMessage, type RequestOptions } from "node:http";
import { request as httpsRequest } from "node:https";
import type { LookupFunction } from "node:net";
import { addressRefusal, ipLiteralOf } from "./address-policy.ts";

/**
 * One webhook POST (issue 11). Kassa resolves the host itself, checks every address it
 * resolves to (address-policy.ts), and then connects to the address it checked: the
 * request's `lookup` answers with that address only, so a second DNS answer (rebinding to
 * 127.0.0.1 between check and connect) is never asked for. TLS still verifies the URL's host
 * name. Redirects are not followed (3xx is a failure; the URL is what was checked), and the
 * whole exchange, DNS included, has one deadline.
 */
export type SendResult =
  | { kind: "answered"; status: number; excerpt: string; retryAfterMs: number | undefined }
  /** Never sent: the address is not one Kassa may reach. */
  | { kind: "refused"; error: string }
  /** Sent, or tried, without an answer: DNS failure, connection refused or reset, timeout. */
  | { kind: "failed"; error: string; timedOut: boolean };

export interface SendOptions {
  url: string;
  headers: Record<string, string>;
  body: string;
  timeoutMs: number;
  allowLoopback: boolean;
}

/** How much of an answer is kept with the attempt. */
export const EXCERPT_BYTES = 1024;

export async function sendWebhook(options: SendOptions): Promise<SendResult> {
  const url = new URL(options.url);
  const deadline = new AbortController();
  const timer = setTimeout(() => deadline.abort(), options.timeoutMs);
  try {
    const target = await resolveChecked(url.hostname, options.allowLoopback, deadline.signal);
    if ("refused" in target) return { kind: "refused", error: target.refused };
    return await post(url, target, options, deadline.signal);
  } catch (error) {
    if (deadline.signal.aborted)
      return { kind: "failed", error: `no answer within ${options.timeoutMs} ms`, timedOut: true };
    return { kind: "failed", error: describe(error), timedOut: false };
  } finally {
    clearTimeout(timer);
  }
}

interface Target {
  address: string;
  family: 4 | 6;
}

async function resolveChecked(
  hostname: string,
  allowLoopback: boolean,
  signal: AbortSignal,
): Promise<Target | { refused: string }> {
  const literal = ipLiteralOf(hostname);
  const found = literal
    ? [{ address: literal, family: literal.includes(":") ? 6 : 4 }]
    : await abortable(lookup(hostname, { all: true, verbatim: true }), signal);
  // Every address must pass, not only the first: which one a connection uses is not ours to pick.
  for (const { address } of found) {
    const refusal = addressRefusal(address, { allowLoopback });
    if (refusal)
      return {
        refused: literal ? refusal : `${hostname} resolves to an address Kassa does not send to: ${refusal}`,
      };
  }
  const first = found[0];
  if (!first) throw new Error(`${hostname} has no address`);
  return { address: first.address, family: first.family === 6 ? 6 : 4 };
}

function post(url: URL, target: Target, options: SendOptions, signal: AbortSignal): Promise<SendResult> {
  // The connection goes to the checked address whatever the resolver would say now.
  const pinned: LookupFunction = (_host, lookupOptions, callback) => {
    if (lookupOptions.all) callback(null, [target]);
    else callback(null, target.address, target.family);
  };
  const requestOptions: RequestOptions = {
    method: "POST",
    hostname: url.hostname,
    port: url.port || (url.protocol === "https:" ? 443 : 80),
    path: `${url.pathname}${url.search}`,
    headers: {
      ...options.headers,
      "content-type": "application/json",
      "content-length": String(Buffer.byteLength(options.body)),
      "user-agent": "Kassa-Webhooks/1",
    },
    lookup: pinned,
    agent: false,
    signal,
  };
  const send = url.protocol === "https:" ? httpsRequest : httpRequest;
  return new Promise((resolve, reject) => {
    const outgoing = send(requestOptions, (response) => {
      readExcerpt(response).then(
        (excerpt) =>
          resolve({
            kind: "answered",
            status: response.statusCode ?? 0,
            excerpt,
            retryAfterMs: retryAfterOf(response.headers["retry-after"]),
          }),
        reject,
      );
    });
    outgoing.on("error", reject);
    outgoing.end(options.body);
  });
}

/** The answer's first bytes; the rest is not read (a receiver cannot make Kassa read megabytes). */
function readExcerpt(response: IncomingMessage): Promise<string> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let length = 0;
    const finish = () => resolve(Buffer.concat(chunks).subarray(0, EXCERPT_BYTES).toString("utf8"));
    response.on("data", (chunk: Buffer) => {
      chunks.push(chunk);
      length += chunk.length;
      if (length >= EXCERPT_BYTES) {
        response.destroy();
        finish();
      }
    });
    response.on("end", finish);
    response.on("error", (error) => (length >= EXCERPT_BYTES ? finish() : reject(error)));
  });
}

/** Retry-After in seconds or as an HTTP date (RFC 9110 §10.2.3). */
function retryAfterOf(header: string | string[] | undefined): number | undefined {
  const value = Array.isArray(header) ? header[0] : header;
  if (!value) return undefined;
  if (/^\d{1,7}$/.test(value.trim())) return Number(value.trim()) * 1000;
  const date = Date.parse(value);
  return Number.isNaN(date) ? undefined : Math.max(0, date - Date.now());
}

function abortable<T>(work: Promise<T>, signal: AbortSignal): Promise<T> {
  return new Promise((resolve, reject) => {
    signal.addEventListener("abort", () => reject(new Error("aborted")), { once: true });
    work.then(resolve, reject);
  });
}

function describe(error: unknown): string {
  const code = (error as NodeJS.ErrnoException | null)?.code;
  const message = error instanceof Error ? error.message : String(error);
  if (code === "ENOTFOUND") return "the host name does not resolve";
  if (code === "ECONNREFUSED") return "connection refused";
  if (code === "ECONNRESET") return "connection reset before an answer";
  return (code && !message.includes(code) ? `${code}: ${message}` : message).slice(0, 300);
}
