import { Type } from "typebox";
import { dashboardStats } from "../../app/admin/dashboard-stats.ts";
import { KassaError } from "../../domain/errors.ts";
import { ANY_REQUEST, errorResponses } from "../mini-program/route-errors.ts";
import type { KassaApp } from "../server.ts";
import type { AdminContext } from "./context.ts";
import { operatorSees } from "./plugin.ts";
import { ADMIN_SESSION, AppQuery } from "./schemas.ts";

const Figures = {
  paidFen: Type.Integer({ description: "Paid in the period, in fen (by the time it was paid)" }),
  paidCount: Type.Integer({ description: "Orders paid in the period" }),
  createdCount: Type.Integer({ description: "Orders created in the period" }),
};
const Period = {
  ...Figures,
  conversion: Type.Number({ description: "Of the orders created in the period, the share paid (0 to 1)" }),
};

export const AdminStatsSchema = Type.Object({
  timezone: Type.String({ description: "The merchant's zone the days and hours are in: `Asia/Shanghai`" }),
  today: Type.Object({ date: Type.String({ description: "YYYY-MM-DD" }), ...Period }),
  month: Type.Object({ month: Type.String({ description: "YYYY-MM" }), ...Period }),
  byHour: Type.Array(Type.Object({ hour: Type.Integer({ minimum: 0, maximum: 23 }), ...Figures }), {
    description: "Today, hour by hour (24 rows)",
  }),
  byDay: Type.Array(Type.Object({ date: Type.String(), ...Figures }), {
    description: "This month, day by day, up to today",
  }),
});

/** GET /admin/v1/stats?app=: the console's dashboard figures, for operators who see the app. */
export function registerAdminStatsGet(app: KassaApp, context: AdminContext): void {
  app.get(
    "/admin/v1/stats",
    {
      config: { permission: "stats.read" },
      schema: {
        summary: "Today's and this month's payments, by hour and by day",
        tags: ["admin"],
        security: [{ adminSession: [] }],
        querystring: Type.Object({ app: AppQuery }, { additionalProperties: false }),
        response: {
          200: AdminStatsSchema,
          ...errorResponses([...ANY_REQUEST, ...ADMIN_SESSION, "APP_NOT_FOUND"]),
        },
      },
    },
    async (request) => {
      const appId = context.deps.apps.named(request.query.app).id;
      if (!operatorSees(request.operator, appId)) throw new KassaError("APP_NOT_FOUND", { app: appId });
      return dashboardStats(context.deps, appId);
    },
  );
}
