import { MAX_CLOCK_SKEW_SECONDS } from "@kassa/wechatpay";
import { type AppCheckInput, fail, ok, type Verdict, warn } from "./check.ts";

/** Beyond this, the clock is warned of: half a minute is what NTP would never leave. */
const WARN_SKEW_SECONDS = 30;

/**
 * §2: WeChat Pay refuses a request whose timestamp is more than 5 minutes from its clock, and
 * Kassa refuses answers and notifications the same way (§3.1). WeChat Pay's time is its
 * answer's Wechatpay-Timestamp (signed, and the clock that window uses), else the Date header.
 */
export function checkClockSkew({ probe }: AppCheckInput): Verdict {
  const answer = probe.answer;
  if (!answer) return warn("not measured: WeChat Pay did not answer (see signed-call)");
  const stamp = Number(answer.headers.get("wechatpay-timestamp"));
  const date = Date.parse(answer.headers.get("date") ?? "");
  const theirs = Number.isInteger(stamp) && stamp > 0 ? stamp * 1000 : date;
  if (Number.isNaN(theirs))
    return warn("not measured: the answer carries neither Wechatpay-Timestamp nor Date");
  // Both are whole seconds on the wire; ours is cut to seconds the same way.
  const skew = Math.floor(answer.receivedAt / 1000) - Math.floor(theirs / 1000);
  const how = `this machine's clock is ${Math.abs(skew)} s ${skew >= 0 ? "ahead of" : "behind"} WeChat Pay's`;
  const fix = "sync it with NTP (timedatectl set-ntp true, or chrony)";
  if (Math.abs(skew) > MAX_CLOCK_SKEW_SECONDS)
    return fail(`${how}: WeChat Pay refuses requests more than ${MAX_CLOCK_SKEW_SECONDS} s off; ${fix}`);
  if (Math.abs(skew) > WARN_SKEW_SECONDS)
    return warn(`${how}: at ${MAX_CLOCK_SKEW_SECONDS} s WeChat Pay refuses every request; ${fix}`);
  return ok(`${how} (within ${WARN_SKEW_SECONDS} s)`);
}
