import type { FastifyReply, FastifyRequest } from "fastify";
import { KassaError } from "../../domain/errors.ts";
import type { RateLimiter } from "../../limits/rate-limiter.ts";

const MINUTE = 60_000;

/**
 * Count one hit and refuse past the limit with RATE_LIMITED and Retry-After. If the shared
 * store (Redis) is down, requests go through and the failure is logged: a payment must not
 * fail because the limiter did.
 */
export async function enforceRateLimit(
  limiter: RateLimiter,
  request: FastifyRequest,
  reply: FastifyReply,
  key: string,
  perMinute: number,
): Promise<void> {
  let decision: Awaited<ReturnType<RateLimiter["hit"]>>;
  try {
    decision = await limiter.hit(key, perMinute, MINUTE);
  } catch (error) {
    request.log.warn({ err: error }, "rate limiter unavailable; allowing the request");
    return;
  }
  if (!decision.allowed) {
    reply.header("retry-after", String(Math.max(1, Math.ceil(decision.resetInMs / 1000))));
    throw new KassaError("RATE_LIMITED");
  }
}
