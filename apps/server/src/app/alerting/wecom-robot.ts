import type { AlertRow } from "../../db/admin-repo.ts";

/**
 * A WeCom (企业微信) group robot: POST {"msgtype":"text","text":{"content":...}} to its webhook
 * address; it answers 200 with {"errcode":0,"errmsg":"ok"}, or another errcode (93000 a wrong
 * key, 45009 more than 20 messages a minute). Anything else is a failure for the caller to retry.
 */
export async function postToWecomRobot(url: string, content: string, timeoutMs = 10_000): Promise<void> {
  const response = await fetch(url, {
    method: "POST",
    headers: { "content-type": "application/json" },
    body: JSON.stringify({ msgtype: "text", text: { content } }),
    signal: AbortSignal.timeout(timeoutMs),
    redirect: "error",
  });
  const text = await response.text();
  if (!response.ok) throw new Error(`WeCom robot answered HTTP ${response.status}`);
  let answer: { errcode?: unknown; errmsg?: unknown };
  try {
    answer = JSON.parse(text) as typeof answer;
  } catch {
    throw new Error("WeCom robot answered something that is not JSON");
  }
  if (answer.errcode !== 0)
    throw new Error(
      `WeCom robot refused the message: errcode ${String(answer.errcode)} ${String(answer.errmsg ?? "")}`.trim(),
    );
}

/** WeCom cuts a text message at 2048 bytes; ours stays well inside. */
const MAX_DETAIL_CHARS = 600;

/** The message for one alert: what, about what, where to act. No openid or secret is ever in an alert. */
export function wecomMessageOf(alert: AlertRow): string {
  const detail =
    alert.detail.length > MAX_DETAIL_CHARS ? `${alert.detail.slice(0, MAX_DETAIL_CHARS)}…` : alert.detail;
  return [
    `[Kassa] alert: ${alert.kind}`,
    `subject: ${alert.subject_id}`,
    `app: ${alert.app_id ?? "(the deployment)"}`,
    `raised: ${new Date(alert.created_at).toISOString()}`,
    `detail: ${detail}`,
    `id: ${alert.id} (console: Alerts; acknowledge, then resolve with a note)`,
  ].join("\n");
}
