import type { Readable } from "node:stream";
import type { ResolvedClientConfig } from "./client-options.ts";
import { readAtMost, watchedForStalls } from "./download-stream.ts";
import { WechatPayError } from "./errors.ts";
import type { WechatPayKeyring } from "./keyring.ts";
import type { ApiCall, ApiRequester, ApiResult, CallKind } from "./requester.ts";
import { sendWithRetries } from "./send-with-retries.ts";
import { signRequest } from "./sign.ts";
import { type HttpRequest, type HttpResponse, toNetworkError } from "./transport.ts";
import { buildQueryString } from "./url.ts";
import { verifySignedMessageWhenReady } from "./verify.ts";

/** One exchange as the attempt loop sees it; `pathAndQuery` is relative to the base URL. */
interface Exchange {
  method: string;
  pathAndQuery: string;
  /** Serialised once: this exact string is signed and sent on every attempt (§2). */
  body: string | undefined;
  kind: CallKind;
  operation: string;
  /** 2xx answers are verified (§3) except downloads and the keyring's own bootstrap. */
  verify: boolean;
  accept: string;
}

/** An answer as the attempt loop sees it, with the file stream of a 2xx download. */
interface StreamedResponse extends HttpResponse {
  stream: Readable | undefined;
}

/** Enough of an error answer for its code and message (§1 error body). */
const ERROR_BODY_LIMIT = 64 * 1024;
const NO_BYTES = Buffer.alloc(0);

/** After a failed background refresh of the certificates, wait this long before another. */
const REFRESH_RETRY_COOLDOWN_MS = 60_000;

/** The `ApiRequester` of the client: signs (§2), retries (§5.8), verifies (§3). */
export class SignedRequester implements ApiRequester {
  readonly #config: ResolvedClientConfig;
  readonly #keyring: WechatPayKeyring;
  readonly #downloadsCertificates: boolean;
  #nextBackgroundRefreshAt = Number.NEGATIVE_INFINITY;

  constructor(config: ResolvedClientConfig, keyring: WechatPayKeyring) {
    this.#config = config;
    this.#keyring = keyring;
    this.#downloadsCertificates = config.platformCertificates === "download";
  }

  async call<T>(call: ApiCall): Promise<ApiResult<T>> {
    // Public-key mode has nothing to fetch: no wait at all.
    if (this.#downloadsCertificates) await this.ensureVerificationKeys();
    const response = await this.#exchange(toExchange(call, true));
    const requestId = response.headers.get("request-id") ?? undefined;
    // §1: 204 means success without a body (close, §5.3).
    if (response.status === 204 || response.body.length === 0) {
      return { status: response.status, data: undefined as T, requestId };
    }
    try {
      return { status: response.status, data: JSON.parse(response.body.toString("utf8")) as T, requestId };
    } catch (error) {
      throw new WechatPayError("API_RESPONSE_INVALID", `${call.operation}: the verified answer is not JSON`, {
        // Verified, so WeChat Pay did answer; the same request (same key) is safe to send again.
        retryable: true,
        cause: error,
        diagnostics: {
          operation: call.operation,
          status: response.status,
          requestId,
          bytes: response.body.length,
        },
      });
    }
  }

  /**
   * A signed call whose answer is returned raw and unverified: only for GET
   * /v3/certificates, which the keyring verifies itself once it has decrypted the
   * certificates inside (§3.4 "Bootstrapping").
   */
  callUnverified(call: ApiCall): Promise<HttpResponse> {
    return this.#exchange(toExchange(call, false));
  }

  async download(downloadUrl: string, operation: string): Promise<Readable> {
    const exchange: Exchange = {
      method: "GET",
      pathAndQuery: this.#pathOnOurHosts(downloadUrl, operation),
      body: undefined,
      kind: "read",
      operation,
      verify: false, // §3.3: bill files are not signed; their hash_value is checked instead (§5.7)
      accept: "*/*",
    };
    const { streamTransport, timeoutMs } = this.#config;
    const response = await this.#attempts<StreamedResponse>(exchange, async (request, controller) => {
      const answer = await streamTransport(request);
      if (answer.status < 200 || answer.status >= 300) {
        // Read under the attempt's timer, like any answer, for the §5.8 error mapping.
        return { ...answer, body: await readAtMost(answer.body, ERROR_BODY_LIMIT), stream: undefined };
      }
      const host = new URL(request.url).host;
      const stream = watchedForStalls(answer.body, timeoutMs, host, () => controller.abort());
      return { status: answer.status, headers: answer.headers, body: NO_BYTES, stream };
    });
    if (response.stream === undefined) throw new Error("a 2xx download without its stream");
    return response.stream;
  }

  /**
   * Certificate mode with download (§3.4): the first call waits for the certificates;
   * later calls refresh them in the background when the interval (< 12 h) has passed.
   */
  async ensureVerificationKeys(): Promise<void> {
    if (!this.#downloadsCertificates) return;
    if (this.#keyring.knownSerials().length === 0) return this.#keyring.refresh();
    if (this.#config.clock() < this.#nextBackgroundRefreshAt) return;
    this.#keyring.ensureFresh().catch(() => {
      // Keys we hold stay valid; try again later rather than on every call.
      this.#nextBackgroundRefreshAt = this.#config.clock() + REFRESH_RETRY_COOLDOWN_MS;
    });
  }

  #exchange(exchange: Exchange): Promise<HttpResponse> {
    return this.#attempts(exchange, (request) => this.#config.transport(request));
  }

  /** Signs, sends with `send`, retries (§5.8) and verifies (§3) one exchange. */
  #attempts<R extends HttpResponse>(
    exchange: Exchange,
    send: (request: HttpRequest, controller: AbortController) => Promise<R>,
  ): Promise<R> {
    const config = this.#config;
    return sendWithRetries<R>({
      kind: exchange.kind,
      operation: exchange.operation,
      maxRetries: config.maxRetries,
      backupHostConfigured: config.backupBaseUrl !== undefined,
      sleep: config.sleep,
      random: config.random,
      attempt: async (host) => {
        const base = host === "backup" && config.backupBaseUrl ? config.backupBaseUrl : config.baseUrl;
        const url = new URL(basePath(base) + exchange.pathAndQuery, base.origin);
        // §2: signed over the path and query exactly as they go out, and the exact body.
        const authorization = await signRequest(
          config.signer,
          {
            method: exchange.method,
            canonicalUrl: `${url.pathname}${url.search}`,
            body: exchange.body ?? "",
          },
          config.clock(),
        );
        // One timer per attempt, cleared as soon as the answer has been read (the transport
        // reads the body before it resolves): nothing is left ticking for timeoutMs after a
        // call, and no AbortSignal.timeout() (a weakly held timer per call) is made.
        const controller = new AbortController();
        const timer = setTimeout(abortForTimeout, config.timeoutMs, controller);
        timer.unref();
        let response: R;
        try {
          response = await send(
            {
              method: exchange.method,
              url: url.href,
              headers: this.#headers(exchange, authorization),
              signal: controller.signal,
              ...(exchange.body === undefined ? {} : { body: exchange.body }),
            },
            controller,
          );
        } catch (error) {
          throw toNetworkError(error, controller.signal, url.host);
        } finally {
          clearTimeout(timer);
        }
        if (exchange.verify && response.status >= 200 && response.status < 300) {
          // §3.2: over the raw bytes, before anything parses them; 204's empty body included.
          // A promise only when an unknown serial sends the keyring to download (§3.4).
          const verified = verifySignedMessageWhenReady(response.headers, response.body, this.#keyring, {
            now: config.clock(),
          });
          if (verified instanceof Promise) await verified;
        }
        return response;
      },
    });
  }

  #headers(exchange: Exchange, authorization: string): Record<string, string> {
    const headers: Record<string, string> = {
      Authorization: authorization,
      Accept: exchange.accept,
      "User-Agent": this.#config.userAgent,
    };
    // §2 "Extra request header": tells WeChat Pay which key we verify with (and, during a
    // migration, makes it sign with the public key).
    const serial = this.#keyring.preferredSerial();
    if (serial) headers["Wechatpay-Serial"] = serial;
    if (exchange.body !== undefined) headers["Content-Type"] = "application/json";
    return headers;
  }

  /** A bill `download_url` is only followed on our own hosts: the request carries our signature. */
  #pathOnOurHosts(downloadUrl: string, operation: string): string {
    let href: string;
    try {
      href = new URL(downloadUrl).href;
    } catch {
      href = "";
    }
    for (const base of [this.#config.baseUrl, this.#config.backupBaseUrl]) {
      const prefix = base && `${base.origin}${basePath(base)}/`;
      if (prefix && href.startsWith(prefix)) return href.slice(prefix.length - 1);
    }
    throw new WechatPayError(
      "API_RESPONSE_INVALID",
      `${operation}: download_url is not on the configured WeChat Pay host (${this.#config.baseUrl.host}); not sending a signed request there`,
      { diagnostics: { operation, downloadHost: safeHost(downloadUrl) } },
    );
  }
}

/** What AbortSignal.timeout() would abort with, so a timeout reads the same everywhere. */
function abortForTimeout(controller: AbortController): void {
  controller.abort(new DOMException("The operation was aborted due to timeout", "TimeoutError"));
}

function toExchange(call: ApiCall, verify: boolean): Exchange {
  return {
    method: call.method,
    pathAndQuery: call.path + buildQueryString(call.query),
    body: call.body === undefined ? undefined : JSON.stringify(call.body),
    kind: call.kind,
    operation: call.operation,
    verify,
    accept: "application/json",
  };
}

/** A base URL may carry a path prefix (a simulator mounted under one); no trailing slash. */
function basePath(base: URL): string {
  return base.pathname.replace(/\/+$/, "");
}

function safeHost(url: string): string {
  try {
    return new URL(url).host;
  } catch {
    return "(unparsable)";
  }
}
