import { Type } from "typebox";
import { ADMIN_COOKIE, closeOperatorSession } from "../../app/admin/operator-session.ts";
import { ANY_REQUEST, errorResponses } from "../mini-program/route-errors.ts";
import type { KassaApp } from "../server.ts";
import type { AdminContext } from "./context.ts";
import { ADMIN_CHANGE } from "./schemas.ts";

/** DELETE /admin/v1/session: log out; the session ends in the database, not only the cookie. */
export function registerAdminSessionDelete(app: KassaApp, context: AdminContext): void {
  app.delete(
    "/admin/v1/session",
    {
      config: { permission: "session.read" },
      schema: {
        summary: "Log out",
        tags: ["admin"],
        security: [{ adminSession: [] }],
        response: {
          204: Type.Null({ description: "Logged out" }),
          ...errorResponses([...ANY_REQUEST, ...ADMIN_CHANGE]),
        },
      },
    },
    async (request, reply) => {
      await closeOperatorSession(
        context.deps.db,
        request.cookies[ADMIN_COOKIE] as string,
        context.deps.clock.now(),
      );
      reply.clearCookie(ADMIN_COOKIE, { path: "/", secure: true, httpOnly: true, sameSite: "strict" });
      return reply.status(204).send(null);
    },
  );
}
