import type { ConsoleSettings } from "../../app/admin/console-settings.ts";
import type { AppDeps } from "../../app/deps.ts";
import type { Operator } from "../../db/operators-repo.ts";
import type { Permission } from "../../domain/operator-roles.ts";
import type { RateLimiter } from "../../limits/rate-limiter.ts";

export interface AdminContext {
  deps: AppDeps;
  limiter: RateLimiter;
  /** Login attempts per minute from one address, before the per-account lockout. */
  loginPerIpPerMinute: number;
  /** The configuration as the settings page shows it, and the config check (main.ts makes it). */
  settings: ConsoleSettings;
}

declare module "fastify" {
  interface FastifyRequest {
    /** Set by the admin API's session hook on every route but login. */
    operator: Operator;
  }
  interface FastifyContextConfig {
    /** What the route needs (domain/operator-roles.ts); every admin route but login names one. */
    permission?: Permission;
    /** Login only: the one route without a session. */
    public?: boolean;
  }
}
