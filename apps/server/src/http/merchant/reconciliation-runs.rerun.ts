import { Type } from "typebox";
import { idempotentWrite } from "../../app/merchant/idempotent-write.ts";
import { scheduleRerun } from "../../app/merchant/reconciliation.ts";
import { ANY_REQUEST, BODY_REFUSED, errorResponses, JSON_BODY } from "../mini-program/route-errors.ts";
import type { KassaApp } from "../server.ts";
import type { MerchantContext } from "./context.ts";
import {
  IdempotencyHeaders,
  idempotencyErrorFormatter,
  REPLAYED_HEADER,
  sendWrite,
  writeOf,
} from "./idempotency.ts";
import { ChannelQuery, DayParams } from "./reconciliation-schemas.ts";
import { MERCHANT_WRITE } from "./route-errors.ts";

export const RerunQuery = Type.Object({ channel: ChannelQuery }, { additionalProperties: false });

export const RerunAnswerSchema = Type.Object({
  day: Type.String(),
  channel: Type.String(),
  scheduled: Type.Literal(true, {
    description: "The day's job runs at once; read the day to see its report",
  }),
});

/**
 * POST /merchant/v1/reconciliation/runs/:day/rerun: reconcile a day again (after fixing
 * what a difference showed, or for a day the schedule missed). No body; register it in a
 * takesNoBody scope. The work is the job's; running a day again is idempotent.
 */
export function registerReconciliationRunsRerun(app: KassaApp, context: MerchantContext): void {
  app.post(
    "/merchant/v1/reconciliation/runs/:day/rerun",
    {
      schema: {
        summary: "Reconcile a day again",
        description:
          "Schedules the day's reconciliation now and answers 202; the report is replaced when it has run (GET the day). Running a day again records no difference, alert or ledger entry twice. Takes no body.",
        tags: ["merchant"],
        security: [{ merchantKey: [] }],
        params: DayParams,
        querystring: RerunQuery,
        headers: IdempotencyHeaders,
        response: {
          202: { ...RerunAnswerSchema, headers: REPLAYED_HEADER },
          ...errorResponses(
            [
              ...ANY_REQUEST,
              ...JSON_BODY,
              ...MERCHANT_WRITE,
              "REQUEST_INVALID",
              "RECONCILIATION_DAY_NOT_AVAILABLE",
              "APP_CHANNEL_NOT_CONFIGURED",
            ],
            BODY_REFUSED,
          ),
        },
      },
      schemaErrorFormatter: idempotencyErrorFormatter,
    },
    async (request, reply) => {
      const answer = await idempotentWrite(context.deps, writeOf(request), async (trx) => ({
        status: 202,
        body: await scheduleRerun(context.deps, trx, {
          appId: request.merchant.appId,
          channel: request.query.channel ?? context.deps.apps.defaultChannel(request.merchant.appId),
          day: request.params.day,
        }),
      }));
      return sendWrite(reply, answer);
    },
  );
}
