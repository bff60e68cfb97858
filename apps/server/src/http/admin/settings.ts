import { Type } from "typebox";
import { audit } from "../../app/admin/audit.ts";
import { inTransaction } from "../../db/transaction.ts";
import { enforceRateLimit } from "../mini-program/rate-limit.ts";
import { ANY_REQUEST, BODY_REFUSED, errorResponses, JSON_BODY } from "../mini-program/route-errors.ts";
import type { KassaApp } from "../server.ts";
import type { AdminContext } from "./context.ts";
import { operatorSees } from "./plugin.ts";
import { ADMIN_CHANGE, ADMIN_SESSION } from "./schemas.ts";
import { AppSettingsSchema, CheckResultSchema } from "./settings-schemas.ts";

/** Each check signs a call at every channel account: a few a minute is an operator's pace. */
const CHECKS_PER_MINUTE = 6;

/**
 * GET /admin/v1/settings/apps: the apps the operator sees, their channel accounts (no secret:
 * app/admin/credentials-view.ts), notify URLs and webhook allow-lists. Not paged: these are
 * the apps configuration lists (one per mini program), held in memory since the start.
 */
export function registerAdminSettings(app: KassaApp, context: AdminContext): void {
  app.get(
    "/admin/v1/settings/apps",
    {
      config: { permission: "settings.read" },
      schema: {
        summary: "List the apps' channel accounts, notify URLs and webhook allow-lists",
        description:
          "Ids, serials, fingerprints and expiry dates of what configuration gives each app: never a key or a secret. Only the apps the operator sees.",
        tags: ["admin"],
        security: [{ adminSession: [] }],
        response: {
          200: Type.Object({ data: Type.Array(AppSettingsSchema) }),
          ...errorResponses([...ANY_REQUEST, ...ADMIN_SESSION]),
        },
      },
    },
    async (request) => ({
      data: context.settings.apps().filter((entry) => operatorSees(request.operator, entry.id)),
    }),
  );
}

/** POST /admin/v1/settings/check (no body; in the takesNoBody scope): the doctor's checks, now. */
export function registerAdminSettingsCheck(app: KassaApp, context: AdminContext): void {
  app.post(
    "/admin/v1/settings/check",
    {
      config: { permission: "settings.check" },
      schema: {
        summary: "Run the config check (`kassa doctor`'s checks) on this process's configuration",
        description: `Takes no body. Each WeChat Pay account makes one signed GET /v3/certificates, each Alipay account one alipay.trade.query of a trade that cannot exist: nothing changes at either channel. Checks of apps the operator does not see are left out. At most ${CHECKS_PER_MINUTE} a minute per operator.`,
        tags: ["admin"],
        security: [{ adminSession: [] }],
        response: {
          200: Type.Object({
            ok: Type.Boolean({ description: "No check failed (warnings allowed)" }),
            checkedAt: Type.String(),
            checks: Type.Array(CheckResultSchema),
          }),
          ...errorResponses([...ANY_REQUEST, ...JSON_BODY, ...ADMIN_CHANGE], BODY_REFUSED),
        },
      },
    },
    async (request, reply) => {
      const operator = request.operator;
      await enforceRateLimit(
        context.limiter,
        request,
        reply,
        `admin-check:${operator.id}`,
        CHECKS_PER_MINUTE,
      );
      // Never inside a transaction: the checks call the channels (design.md convention 3).
      const checks = (await context.settings.runConfigCheck()).filter(
        (check) => check.appId === undefined || operatorSees(operator, check.appId),
      );
      const count = (status: string) => checks.filter((check) => check.status === status).length;
      const deps = context.deps;
      await inTransaction(deps.db, (trx) =>
        audit(
          { ...deps, db: trx },
          { operator, address: request.ip },
          {
            action: "settings.check",
            objectType: "config",
            objectId: "config-check",
            after: { ok: count("ok"), warn: count("warn"), fail: count("fail") },
          },
        ),
      );
      return { ok: count("fail") === 0, checkedAt: new Date(deps.clock.now()).toISOString(), checks };
    },
  );
}
