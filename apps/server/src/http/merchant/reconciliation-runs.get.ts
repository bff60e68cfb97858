import { Type } from "typebox";
import { getAppRun } from "../../app/merchant/reconciliation.ts";
import { ANY_REQUEST, errorResponses } from "../mini-program/route-errors.ts";
import type { KassaApp } from "../server.ts";
import type { MerchantContext } from "./context.ts";
import { ChannelQuery, DayParams, DifferenceViewSchema, RunViewSchema } from "./reconciliation-schemas.ts";
import { MERCHANT_KEY } from "./route-errors.ts";
import { limitAsNumber, PageCursor, PageLimit } from "./schemas.ts";

export const RunGetQuery = Type.Object(
  {
    channel: ChannelQuery,
    status: Type.Optional(
      Type.Union([Type.Literal("open"), Type.Literal("resolved")], { description: "Only these differences" }),
    ),
    limit: PageLimit,
    cursor: PageCursor,
  },
  { additionalProperties: false },
);

export const RunReportSchema = Type.Object({
  ...RunViewSchema.properties,
  differencePage: Type.Object({
    data: Type.Array(DifferenceViewSchema, { description: "In the order they were found" }),
    nextCursor: Type.Union([Type.String(), Type.Null()], {
      description:
        "Send it as `cursor`, with the same status, for the next page of differences; null on the last",
    }),
  }),
});

/** GET /merchant/v1/reconciliation/runs/:day: the day's report and its differences, paged. */
export function registerReconciliationRunsGet(app: KassaApp, context: MerchantContext): void {
  app.get(
    "/merchant/v1/reconciliation/runs/:day",
    {
      schema: {
        summary: "Read a day's reconciliation report and its differences",
        tags: ["merchant"],
        security: [{ merchantKey: [] }],
        params: DayParams,
        querystring: RunGetQuery,
        response: {
          200: RunReportSchema,
          ...errorResponses([
            ...ANY_REQUEST,
            ...MERCHANT_KEY,
            "MERCHANT_KEY_SCOPE",
            "REQUEST_INVALID",
            "RECONCILIATION_RUN_NOT_FOUND",
          ]),
        },
      },
      preValidation: limitAsNumber,
    },
    async (request) =>
      getAppRun(context.deps, {
        appId: request.merchant.appId,
        channel: request.query.channel ?? context.deps.apps.defaultChannel(request.merchant.appId),
        day: request.params.day,
        limit: request.query.limit ?? 20,
        cursor: request.query.cursor,
        status: request.query.status,
      }),
  );
}
