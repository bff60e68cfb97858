import type { AppDeps } from "../../app/deps.ts";
import type { MerchantCaller } from "../../app/merchant/authenticate-key.ts";
import type { RateLimiter } from "../../limits/rate-limiter.ts";

/** What the merchant API's routes are given. */
export interface MerchantContext {
  deps: AppDeps;
  limiter: RateLimiter;
  limits: MerchantLimits;
}

export interface MerchantLimits {
  /** Requests per minute from one IP address to the merchant API, before any key is checked. */
  perIpPerMinute: number;
  /** Requests per minute with one API key. */
  perKeyPerMinute: number;
}

/** Until configuration names them (KASSA_RATE_LIMIT_MERCHANT_*), these. */
export const DEFAULT_MERCHANT_LIMITS: MerchantLimits = { perIpPerMinute: 1200, perKeyPerMinute: 600 };

declare module "fastify" {
  interface FastifyRequest {
    /** Set by the merchant API's key hook: the key's app and scopes. */
    merchant: MerchantCaller;
  }
}
