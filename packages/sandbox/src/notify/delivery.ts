/**
 * One HTTP POST of a notification to a merchant's notify_url, judged as WeChat Pay judges
 * it (§4.5): success only on 200 or 204 within the time limit (5 s); any other status, a
 * redirect, a network error or silence is a failure, whatever the body says (a 200 with
 * `{"code":"FAIL"}` is a success: the status code is what counts).
 */

export interface DeliveryResult {
  status?: number;
  latencyMs: number;
  responseExcerpt: string;
  error?: string;
  outcome: "SUCCEEDED" | "FAILED";
}

/** How much of an answer is kept for inspection: enough to read an error, bounded for the state file. */
export const EXCERPT_CHARS = 256;
const READ_LIMIT_BYTES = 4096;

export async function postNotification(
  url: string,
  body: string,
  headers: Record<string, string>,
  timeoutMs: number,
): Promise<DeliveryResult> {
  const started = performance.now();
  const elapsed = () => Math.round(performance.now() - started);
  const unreachable = reservedHostProblem(url);
  if (unreachable) return { latencyMs: 0, responseExcerpt: "", error: unreachable, outcome: "FAILED" };
  const signal = AbortSignal.timeout(timeoutMs);
  let response: Response;
  try {
    response = await fetch(url, {
      method: "POST",
      headers: { "Content-Type": "application/json", Accept: "*/*", ...headers },
      body,
      redirect: "manual", // a redirect is not an answer (§4.5)
      signal,
    });
  } catch (error) {
    return {
      latencyMs: elapsed(),
      responseExcerpt: "",
      error: describeFailure(error, timeoutMs),
      outcome: "FAILED",
    };
  }
  const responseExcerpt = await readExcerpt(response, signal);
  const succeeded = response.status === 200 || response.status === 204;
  return {
    status: response.status,
    latencyMs: elapsed(),
    responseExcerpt,
    ...(succeeded ? {} : { error: `answered ${response.status}: only 200 or 204 count as received (§4.5)` }),
    outcome: succeeded ? "SUCCEEDED" : "FAILED",
  };
}

/**
 * RFC 6761: `.invalid` names never resolve, and a merchant created without a notify URL
 * gets `https://notify.invalid/...`: fail at once instead of waiting on a resolver.
 */
function reservedHostProblem(url: string): string | undefined {
  let host: string;
  try {
    host = new URL(url).hostname;
  } catch {
    return `${url} is not a URL`;
  }
  return host === "invalid" || host.endsWith(".invalid")
    ? `${host} is a reserved name that never resolves (RFC 6761): set a real notify URL`
    : undefined;
}

/** The start of the body, read no further than needed; a body that fails mid-way leaves what came. */
async function readExcerpt(response: Response, signal: AbortSignal): Promise<string> {
  if (!response.body) return "";
  const reader = response.body.getReader();
  const chunks: Uint8Array[] = [];
  let size = 0;
  try {
    while (size < READ_LIMIT_BYTES && !signal.aborted) {
      const { done, value } = await reader.read();
      if (done) break;
      chunks.push(value);
      size += value.byteLength;
    }
  } catch {
    // The status is what counts; a broken body only shortens the excerpt.
  } finally {
    reader.cancel().catch(() => undefined);
  }
  return Buffer.concat(chunks).toString("utf8").slice(0, EXCERPT_CHARS);
}

function describeFailure(error: unknown, timeoutMs: number): string {
  if (error instanceof DOMException && (error.name === "TimeoutError" || error.name === "AbortError")) {
    return `no answer within ${timeoutMs} ms (§4.5: the merchant must answer within 5 seconds)`;
  }
  const cause = (error as { cause?: { code?: string; message?: string } }).cause;
  return cause?.code ?? cause?.message ?? (error as Error).message ?? String(error);
}
