import type { AppDeps } from "../../app/deps.ts";
import type { RateLimiter } from "../../limits/rate-limiter.ts";

/** What the mini program API's routes are given. */
export interface MiniProgramContext {
  deps: AppDeps;
  limiter: RateLimiter;
  limits: RateLimits;
}

export interface RateLimits {
  /** Requests per minute from one IP address, over the whole mini program API. */
  perIpPerMinute: number;
  /** Requests per minute by one logged-in user. */
  perUserPerMinute: number;
  /** Login attempts per minute from one IP (code2Session is rate limited by WeChat too, §7.2). */
  loginPerIpPerMinute: number;
}

declare module "fastify" {
  interface FastifyRequest {
    /** Set by the session hook on authenticated routes. */
    userId: string;
    /** The app of the session's user: every query of the request stays in it. */
    appId: string;
  }
}
