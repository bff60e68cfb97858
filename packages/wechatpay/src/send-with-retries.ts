import { createApiError } from "./api-error.ts";
import {
  VerificationError,
  WECHATPAY_ERROR_CODES,
  WechatPayApiError,
  WechatPayError,
  WechatPayNetworkError,
} from "./errors.ts";
import type { CallKind } from "./requester.ts";
import { type AttemptFailure, mayHaveBeenApplied, planRetry, type RetryDecision } from "./retry.ts";
import { type HttpResponse, networkFailureOf } from "./transport.ts";

/**
 * The attempt loop: send, classify the failure, ask the retry policy (retry.ts), wait,
 * send again. It knows nothing of signing or keys: `attempt` does one signed exchange
 * (and verification, for calls that are verified) against the host it is given.
 */

export interface RetryingRequest<R extends HttpResponse = HttpResponse> {
  kind: CallKind;
  operation: string;
  maxRetries: number;
  backupHostConfigured: boolean;
  /** One attempt; throws WechatPayNetworkError or VerificationError, or returns any answer. */
  attempt: (host: "primary" | "backup") => Promise<R>;
  sleep: (ms: number) => Promise<void>;
  random: () => number;
}

/** Returns the first 2xx answer; throws the error the retry policy settles on. */
export async function sendWithRetries<R extends HttpResponse>(request: RetryingRequest<R>): Promise<R> {
  let retriesDone = 0;
  let host: "primary" | "backup" = "primary";
  let earlierVerificationFailures = 0;
  let earlierAttemptMayHaveApplied = false;
  for (;;) {
    const result = await attemptOnce(request, host);
    if (result.ok) return result.response;
    const { error, failure } = result;
    const decision = planRetry(
      {
        kind: request.kind,
        operation: request.operation,
        retriesDone,
        maxRetries: request.maxRetries,
        failure,
        earlierVerificationFailures,
        earlierAttemptMayHaveApplied,
        onBackupHost: host === "backup",
        backupHostConfigured: request.backupHostConfigured,
      },
      request.random,
    );
    if (!decision.retry) throw finalError(decision, error, request.operation, retriesDone + 1);
    earlierAttemptMayHaveApplied ||= mayHaveBeenApplied(failure);
    if (failure.type === "verification") earlierVerificationFailures += 1;
    host = decision.host;
    retriesDone += 1;
    if (decision.delayMs > 0) await request.sleep(decision.delayMs);
  }
}

type AttemptResult<R> =
  | { ok: true; response: R }
  | { ok: false; error: WechatPayError; failure: AttemptFailure };

async function attemptOnce<R extends HttpResponse>(
  request: RetryingRequest<R>,
  host: "primary" | "backup",
): Promise<AttemptResult<R>> {
  let response: R;
  try {
    response = await request.attempt(host);
  } catch (error) {
    if (error instanceof VerificationError) return { ok: false, error, failure: { type: "verification" } };
    if (error instanceof WechatPayNetworkError) {
      return { ok: false, error, failure: { type: "network", failure: networkFailureOf(error) } };
    }
    throw error; // a bug or a local refusal (signing, keys): nothing was sent, nothing to retry
  }
  if (response.status >= 200 && response.status < 300) return { ok: true, response };
  const apiError = createApiError(response.status, response.headers, response.body);
  return {
    ok: false,
    error: apiError,
    failure: { type: "api", status: apiError.status, wechatCode: apiError.wechatCode },
  };
}

function finalError(
  decision: Extract<RetryDecision, { retry: false }>,
  error: WechatPayError,
  operation: string,
  attempts: number,
): WechatPayError {
  const requestId = error instanceof WechatPayApiError ? error.requestId : error.diagnostics.requestId;
  if (decision.outcome === "unknown") {
    return new WechatPayError(
      "OUTCOME_UNKNOWN",
      `${operation} after ${attempts} attempt(s), last: ${error.code} (${decision.rule}); query it, then retry with the same out_trade_no / out_refund_no, never a new one`,
      {
        retryable: true,
        cause: error,
        diagnostics: { operation, attempts, rule: decision.rule, lastErrorCode: error.code, requestId },
      },
    );
  }
  if (error instanceof WechatPayNetworkError) {
    // Same class and code, with the operation and attempt count a person needs.
    const detail = error.message.slice(WECHATPAY_ERROR_CODES[error.code].length + 2);
    return new WechatPayNetworkError(error.code, `${operation}: ${detail}`, {
      retryable: error.retryable,
      cause: error,
      diagnostics: { ...error.diagnostics, operation, attempts },
    });
  }
  return error;
}
