import { Type } from "typebox";
import { ANY_REQUEST, errorResponses, JSON_BODY } from "../mini-program/route-errors.ts";
import type { KassaApp } from "../server.ts";
import { moveAlertAsOperator } from "./alert-move.ts";
import { AlertSchema } from "./alerts.list.ts";
import type { AdminContext } from "./context.ts";
import { ADMIN_CHANGE } from "./schemas.ts";

const Body = Type.Object(
  {
    note: Type.String({
      minLength: 1,
      maxLength: 1000,
      pattern: "\\S",
      description: "How it was dealt with (kept on the alert and in the audit log)",
    }),
  },
  { additionalProperties: false },
);

/**
 * POST /admin/v1/alerts/:alertId/resolve: dealt with, and how. From open or acknowledged
 * (domain/alert.ts); taken by whoever may acknowledge. The same problem raised afterwards is
 * a new alert, so a fix that did not hold shows up again.
 */
export function registerAdminAlertsResolve(app: KassaApp, context: AdminContext): void {
  app.post(
    "/admin/v1/alerts/:alertId/resolve",
    {
      config: { permission: "alerts.acknowledge" },
      schema: {
        summary: "Resolve an alert with a note",
        description:
          "open or acknowledged → resolved. A resolved alert answers ALERT_RESOLVED and keeps its note.",
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
        event: "resolve",
        note: request.body.note.trim(),
      }),
  );
}
