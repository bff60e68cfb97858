import { type Static, type TSchema, Type } from "typebox";
import type { ErrorCode } from "../../domain/errors.ts";
import type { Permission } from "../../domain/operator-roles.ts";
import { limitAsNumber, PageCursor, PageLimit } from "../merchant/schemas.ts";
import { ANY_REQUEST, errorResponses } from "../mini-program/route-errors.ts";
import type { KassaApp } from "../server.ts";
import type { AdminContext } from "./context.ts";
import { appOfRequest } from "./plugin.ts";
import { ADMIN_SESSION, AppQuery } from "./schemas.ts";

/** What a read of an app's pages takes: the app, and a page of the list. */
export interface AdminPageRead<Params> {
  appId: string;
  params: Params;
  limit: number;
  cursor: string | undefined;
}

/**
 * One paged GET of the console's scenario pages (bookings, tips): the merchant API's own read
 * (app/booking, app/tip), for the app the operator names and may see (`?app=`; another app
 * answers as an unknown one, BOLA), behind the route's permission.
 */
export function adminPagedRead<Params extends TSchema>(
  app: KassaApp,
  context: AdminContext,
  route: {
    url: string;
    permission: Permission;
    summary: string;
    params?: Params;
    response: TSchema;
    notFound?: ErrorCode[];
    read: (input: AdminPageRead<Static<Params>>) => Promise<unknown>;
  },
): void {
  app.get(
    route.url,
    {
      config: { permission: route.permission },
      schema: {
        summary: route.summary,
        tags: ["admin"],
        security: [{ adminSession: [] }],
        ...(route.params ? { params: route.params } : {}),
        querystring: Type.Object(
          { app: AppQuery, limit: PageLimit, cursor: PageCursor },
          { additionalProperties: false },
        ),
        response: {
          200: route.response,
          ...errorResponses([
            ...ANY_REQUEST,
            ...ADMIN_SESSION,
            "APP_NOT_FOUND",
            "REQUEST_INVALID",
            ...(route.notFound ?? []),
          ]),
        },
      },
      preValidation: limitAsNumber,
    },
    async (request) => {
      const query = request.query as { app?: string; limit?: number; cursor?: string };
      return route.read({
        appId: appOfRequest(context, request.operator, query.app),
        params: request.params as Static<Params>,
        limit: query.limit ?? 20,
        cursor: query.cursor,
      });
    },
  );
}
