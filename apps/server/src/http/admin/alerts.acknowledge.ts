import { Type } from "typebox";
import { audit } from "../../app/admin/audit.ts";
import { acknowledgeAlert, findAlert } from "../../db/admin-repo.ts";
import { inTransaction } from "../../db/transaction.ts";
import { KassaError } from "../../domain/errors.ts";
import { ANY_REQUEST, errorResponses, JSON_BODY } from "../mini-program/route-errors.ts";
import type { KassaApp } from "../server.ts";
import { AlertSchema, viewAlert } from "./alerts.list.ts";
import type { AdminContext } from "./context.ts";
import { operatorSees } from "./plugin.ts";
import { ADMIN_CHANGE } from "./schemas.ts";

const Body = Type.Object(
  { note: Type.Optional(Type.String({ maxLength: 1000, description: "What was done about it" })) },
  { additionalProperties: false },
);

/** POST /admin/v1/alerts/:alertId/acknowledge: an operator has seen it (and says what was done). */
export function registerAdminAlertsAcknowledge(app: KassaApp, context: AdminContext): void {
  app.post(
    "/admin/v1/alerts/:alertId/acknowledge",
    {
      config: { permission: "alerts.acknowledge" },
      schema: {
        summary: "Acknowledge an alert",
        tags: ["admin"],
        security: [{ adminSession: [] }],
        params: Type.Object({ alertId: Type.String({ maxLength: 200 }) }),
        body: Body,
        response: {
          200: AlertSchema,
          ...errorResponses([...ANY_REQUEST, ...JSON_BODY, ...ADMIN_CHANGE, "ALERT_NOT_FOUND"]),
        },
      },
    },
    async (request) => {
      const { deps } = context;
      const before = await findAlert(deps.db, request.params.alertId);
      if (!before || !operatorSees(request.operator, before.app_id)) throw new KassaError("ALERT_NOT_FOUND");
      await inTransaction(deps.db, async (trx) => {
        const now = deps.clock.now();
        const done = await acknowledgeAlert(trx, {
          alertId: before.id,
          operatorId: request.operator.id,
          note: request.body.note ?? null,
          now,
        });
        // Acknowledging again changes nothing, and is not recorded as an action.
        if (done)
          await audit(
            { ...deps, db: trx },
            { operator: request.operator, address: request.ip },
            {
              action: "alert.acknowledge",
              objectType: "alert",
              objectId: before.id,
              ...(before.app_id ? { appId: before.app_id } : {}),
              after: { note: request.body.note ?? null },
            },
          );
      });
      const after = await findAlert(deps.db, before.id);
      return viewAlert(after ?? before);
    },
  );
}
