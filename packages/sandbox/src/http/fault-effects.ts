import type { FastifyReply, FastifyRequest } from "fastify";
import type { FaultRule } from "../faults.ts";

/**
 * How an HTTP fault rule acts on one call. "Before" faults replace the call (nothing is
 * applied); "after" faults let the endpoint apply its effect and commit, then take the
 * answer away, which is what makes a mutating call's outcome unknown to the client
 * (§5.8 "A timeout on a mutating call has an unknown outcome").
 */

export type FaultTiming = "before" | "after";

export function faultTiming(rule: FaultRule): FaultTiming {
  return rule.fault.startsWith("apply_then_") ? "after" : "before";
}

/** Drop the connection without an answer: the client sees a socket error. */
export function resetConnection(request: FastifyRequest, reply: FastifyReply): FastifyReply {
  reply.hijack();
  request.raw.socket.destroy();
  return reply;
}

/**
 * Keep the connection open and silent for `holdMs`, then drop it: the client's own
 * timeout fires first. The timer is unref'd and the server destroys every connection
 * on close, so a held answer never delays shutdown.
 */
export function holdThenReset(request: FastifyRequest, reply: FastifyReply, holdMs: number): FastifyReply {
  reply.hijack();
  const socket = request.raw.socket;
  setTimeout(() => socket.destroy(), holdMs).unref();
  return reply;
}

export function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}
