import type { FastifyReply, FastifyRequest } from "fastify";
import { payThrottle } from "../../app/risk/risk-monitor.ts";
import { KassaError } from "../../domain/errors.ts";
import type { MiniProgramContext } from "./context.ts";

/** Refuse a pay call a risk rule holds (domain/risk.ts): 429 RISK_THROTTLED with Retry-After. */
export async function refuseIfThrottled(
  context: MiniProgramContext,
  request: FastifyRequest,
  reply: FastifyReply,
): Promise<void> {
  const held = await payThrottle(context.deps, {
    appId: request.appId,
    user: request.userId,
    address: request.ip,
  });
  if (!held) return;
  reply.header("retry-after", String(held.retryAfterSeconds));
  throw new KassaError("RISK_THROTTLED", held);
}
