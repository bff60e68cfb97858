import { Type } from "typebox";
import { ANY_REQUEST, errorResponses, JSON_BODY } from "../mini-program/route-errors.ts";
import type { KassaApp } from "../server.ts";
import { moveAlertAsOperator } from "./alert-move.ts";
import { AlertSchema } from "./alerts.list.ts";
import type { AdminContext } from "./context.ts";
import { ADMIN_CHANGE } from "./schemas.ts";

const Body = Type.Object(
  { note: Type.Optional(Type.String({ maxLength: 1000, description: "What is being done about it" })) },
  { additionalProperties: false },
);

/** POST /admin/v1/alerts/:alertId/acknowledge: an operator has seen it and is on it. */
export function registerAdminAlertsAcknowledge(app: KassaApp, context: AdminContext): void {
  app.post(
    "/admin/v1/alerts/:alertId/acknowledge",
    {
      config: { permission: "alerts.acknowledge" },
      schema: {
        summary: "Acknowledge an alert",
        description:
          "open → acknowledged. Acknowledging an acknowledged alert changes nothing (the first acknowledgement stays); a resolved one answers ALERT_RESOLVED.",
        tags: ["admin"],
        security: [{ adminSession: [] }],
        params: Type.Object({ alertId: Type.String({ maxLength: 200 }) }),
        body: Body,
        response: {
          200: AlertSchema,
          ...errorResponses([
            ...ANY_REQUEST,
            ...JSON_BODY,
            ...ADMIN_CHANGE,
            "ALERT_NOT_FOUND",
            "ALERT_RESOLVED",
          ]),
        },
      },
    },
    async (request) =>
      moveAlertAsOperator(context, request, {
        alertId: request.params.alertId,
        event: "acknowledge",
        note: request.body.note ?? null,
      }),
  );
}
