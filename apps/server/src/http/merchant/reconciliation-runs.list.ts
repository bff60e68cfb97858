import { Type } from "typebox";
import { listAppRuns } from "../../app/merchant/reconciliation.ts";
import { ANY_REQUEST, errorResponses } from "../mini-program/route-errors.ts";
import type { KassaApp } from "../server.ts";
import type { MerchantContext } from "./context.ts";
import { RunViewSchema } from "./reconciliation-schemas.ts";
import { MERCHANT_KEY } from "./route-errors.ts";
import { limitAsNumber, PageCursor, PageLimit } from "./schemas.ts";

export const RunsListQuery = Type.Object(
  { limit: PageLimit, cursor: PageCursor },
  { additionalProperties: false },
);

export const RunPageSchema = Type.Object({
  data: Type.Array(RunViewSchema, { description: "Newest day first" }),
  nextCursor: Type.Union([Type.String(), Type.Null()], {
    description: "Send it as `cursor` for the next page; null on the last",
  }),
});

/** GET /merchant/v1/reconciliation/runs: the app's reconciled days, newest first. */
export function registerReconciliationRunsList(app: KassaApp, context: MerchantContext): void {
  app.get(
    "/merchant/v1/reconciliation/runs",
    {
      schema: {
        summary: "List your app's reconciled days, newest first",
        description:
          "Each day's latest report: counts and sums on the bill's side and Kassa's, and its differences counted.",
        tags: ["merchant"],
        security: [{ merchantKey: [] }],
        querystring: RunsListQuery,
        response: {
          200: RunPageSchema,
          ...errorResponses([...ANY_REQUEST, ...MERCHANT_KEY, "MERCHANT_KEY_SCOPE", "REQUEST_INVALID"]),
        },
      },
      preValidation: limitAsNumber,
    },
    async (request) =>
      listAppRuns(context.deps, {
        appId: request.merchant.appId,
        limit: request.query.limit ?? 20,
        cursor: request.query.cursor,
      }),
  );
}
