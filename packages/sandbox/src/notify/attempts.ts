import { signAsWechatPay } from "@kassa/wechatpay";
import type { SandboxContext } from "../context.ts";
import type { FaultRule } from "../faults.ts";
import { chooseResponseSigner, probeSignature } from "../http/response-signing.ts";
import { requireMerchant } from "../identity/merchants.ts";
import { postNotification } from "./delivery.ts";
import type { NotificationAttempt, NotificationRecord } from "./notification-record.ts";

/**
 * Making one attempt (§4): the stored body, freshly signed (§3.2: timestamp and nonce of
 * the moment; the key as for responses, §3.4: the newest platform certificate, or the
 * WeChat Pay public key for a public-key-only merchant), POSTed, judged (§4.5), recorded.
 * Attempt faults act here: drop, duplicate (one after the other or at once), probe.
 */
export async function makeAttempts(
  ctx: SandboxContext,
  record: NotificationRecord,
  trigger: NotificationAttempt["trigger"],
  fault?: FaultRule,
): Promise<NotificationAttempt[]> {
  const merchant = requireMerchant(ctx, record.mchid);
  const signer = chooseResponseSigner(ctx, merchant, undefined);
  const at = ctx.clock.now();
  if (fault?.fault === "notify_drop") {
    return [
      push(record, {
        trigger,
        at,
        latencyMs: 0,
        responseExcerpt: "",
        error: `dropped by fault rule ${fault.id}: never sent`,
        outcome: "FAILED",
        signature: "valid",
        serial: signer.serial,
      }),
    ];
  }
  const send = async (copyTrigger: NotificationAttempt["trigger"]) => {
    // Seeded draws before the first await, so concurrent copies draw in a fixed order.
    const probe =
      fault?.fault === "notify_probe" || ctx.random.stream("probes").chance(ctx.settings.probeRate);
    const probeValue = probe ? probeSignature(ctx) : undefined;
    const headers: Record<string, string> = { ...(await signAsWechatPay(signer, record.body, at)) };
    if (probeValue) headers["Wechatpay-Signature"] = probeValue;
    // The number is taken before sending: concurrent copies keep their start order.
    const slot = push(record, {
      trigger: copyTrigger,
      at,
      latencyMs: 0,
      responseExcerpt: "",
      outcome: "IN_FLIGHT",
      signature: probe ? "probe" : "valid",
      serial: signer.serial,
    });
    Object.assign(slot, await postNotification(record.url, record.body, headers, ctx.config.notifyTimeoutMs));
    return slot;
  };
  if (fault?.fault === "notify_concurrent_duplicate") {
    return Promise.all([send(trigger), send("duplicate")]);
  }
  const first = await send(trigger);
  if (fault?.fault === "notify_duplicate") return [first, await send("duplicate")];
  return [first];
}

function push(record: NotificationRecord, attempt: Omit<NotificationAttempt, "number">): NotificationAttempt {
  const numbered: NotificationAttempt = { number: record.attempts.length + 1, ...attempt };
  record.attempts.push(numbered);
  return numbered;
}
