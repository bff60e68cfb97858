import { KassaError } from "./kassa";
import type { PaymentState } from "./kassa-types";

/** What each payment state says on the page (docs/miniprogram.md "Payment states"). */
export const PAYMENT_STATE_TEXT: Record<PaymentState, string> = {
  paying: "Paying… 支付中",
  paid: "Paid 已支付",
  cancelled: "Cancelled: not paid 已取消",
  failed: "Not paid 支付未成功: try again",
  closed: "Closed: this order can no longer be paid 已关闭",
  unknown: "Not confirmed yet 结果未知: check again",
};

/** An error as the payer reads it: Kassa's sentence, and its request id to quote. */
export function errorText(error: unknown): string {
  if (error instanceof KassaError)
    return error.requestId ? `${error.message} (${error.code}, ${error.requestId})` : error.message;
  return error instanceof Error ? error.message : String(error);
}

/** An ISO 8601 instant as the phone's local date and time, YYYY-MM-DD HH:mm. */
export function localTime(iso: string): string {
  const at = new Date(iso);
  const two = (n: number) => String(n).padStart(2, "0");
  return `${at.getFullYear()}-${two(at.getMonth() + 1)}-${two(at.getDate())} ${two(at.getHours())}:${two(at.getMinutes())}`;
}
