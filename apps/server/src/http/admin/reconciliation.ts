import { Type } from "typebox";
import { rerunReconciliationByOperator } from "../../app/admin/rerun-reconciliation.ts";
import { getAppRun, listAppRuns } from "../../app/merchant/reconciliation.ts";
import { EXTERNAL_CHANNELS, type ExternalChannelName } from "../../domain/payment.ts";
import { pageOf } from "../merchant/bookings/schemas.ts";
import { RunGetQuery, RunReportSchema } from "../merchant/reconciliation-runs.get.ts";
import { RerunAnswerSchema } from "../merchant/reconciliation-runs.rerun.ts";
import { ChannelQuery, DayParams, RunViewSchema } from "../merchant/reconciliation-schemas.ts";
import { ANY_REQUEST, BODY_REFUSED, errorResponses, JSON_BODY } from "../mini-program/route-errors.ts";
import type { KassaApp } from "../server.ts";
import type { AdminContext } from "./context.ts";
import { adminPagedRead } from "./paged-read.ts";
import { appOfRequest } from "./plugin.ts";
import { ADMIN_CHANGE, AppQuery } from "./schemas.ts";

/** No default here, unlike a day's report: without it, the list has every channel's days. */
const RunsChannelFilter = Type.Optional(
  Type.String({
    enum: [...EXTERNAL_CHANNELS],
    description: "Only this channel's reports: `wechatpay` or `alipay`; every channel's when left out",
  }),
);

/**
 * The console's reconciliation page (issue 12): the app's daily reports, one day's report
 * with its differences and what was done about each, through the merchant API's reads.
 */
export function registerAdminReconciliation(app: KassaApp, context: AdminContext): void {
  const { deps } = context;
  adminPagedRead(app, context, {
    url: "/admin/v1/reconciliation/runs",
    permission: "reconciliation.read",
    summary: "List an app's daily reconciliation reports, newest day first",
    filters: { channel: RunsChannelFilter },
    response: pageOf(RunViewSchema, "Newest day first"),
    read: ({ appId, query, limit, cursor }) =>
      listAppRuns(deps, { appId, limit, cursor, channel: query.channel as ExternalChannelName | undefined }),
  });
  adminPagedRead(app, context, {
    url: "/admin/v1/reconciliation/runs/:day",
    permission: "reconciliation.read",
    summary: "Read a day's reconciliation report and its differences",
    params: DayParams,
    filters: { channel: RunGetQuery.properties.channel, status: RunGetQuery.properties.status },
    response: RunReportSchema,
    notFound: ["RECONCILIATION_RUN_NOT_FOUND"],
    read: ({ appId, params, query, limit, cursor }) =>
      getAppRun(deps, {
        appId,
        channel: query.channel ?? deps.apps.defaultChannel(appId),
        day: params.day,
        status: query.status,
        limit,
        cursor,
      }),
  });
}

/** POST /admin/v1/reconciliation/runs/:day/rerun: no body (register it in a takesNoBody scope). */
export function registerAdminReconciliationRerun(app: KassaApp, context: AdminContext): void {
  app.post(
    "/admin/v1/reconciliation/runs/:day/rerun",
    {
      config: { permission: "reconciliation.rerun" },
      schema: {
        summary: "Reconcile a day again",
        description:
          "The merchant API's re-run, by an operator, audited: the day's job is scheduled now and the report replaced once it has run. Takes no body.",
        tags: ["admin"],
        security: [{ adminSession: [] }],
        params: DayParams,
        querystring: Type.Object({ app: AppQuery, channel: ChannelQuery }, { additionalProperties: false }),
        response: {
          202: RerunAnswerSchema,
          ...errorResponses(
            [
              ...ANY_REQUEST,
              ...JSON_BODY,
              ...ADMIN_CHANGE,
              "APP_NOT_FOUND",
              "REQUEST_INVALID",
              "RECONCILIATION_DAY_NOT_AVAILABLE",
              "APP_CHANNEL_NOT_CONFIGURED",
            ],
            BODY_REFUSED,
          ),
        },
      },
    },
    async (request, reply) => {
      const answer = await rerunReconciliationByOperator(
        context.deps,
        { operator: request.operator, address: request.ip },
        {
          appId: appOfRequest(context, request.operator, request.query.app),
          channel:
            request.query.channel ??
            context.deps.apps.defaultChannel(appOfRequest(context, request.operator, request.query.app)),
          day: request.params.day,
        },
      );
      return reply.status(202).send(answer);
    },
  );
}
