import { Type } from "typebox";
import { logout } from "../../app/logout.ts";
import type { KassaApp } from "../server.ts";
import { bearerTokenOf } from "./bearer-token.ts";
import type { MiniProgramContext } from "./context.ts";
import { ANY_REQUEST, BODY_REFUSED, errorResponses, JSON_BODY, SESSION } from "./route-errors.ts";

/**
 * DELETE /v1/session: log out. The presented token stops working at once; the user's other
 * sessions (other devices) stay. Registered behind the session hook, so a token that is
 * already unknown or expired answers 401 like any other call.
 */
export function registerSessionDelete(app: KassaApp, context: MiniProgramContext): void {
  app.delete(
    "/v1/session",
    {
      schema: {
        summary: "Log out: revoke the session token sent with this request",
        description:
          "The token stops working at once; the user's other sessions (other devices) stay. A token already revoked or expired answers 401. Takes no body.",
        tags: ["session"],
        response: {
          204: Type.Null({ description: "The token is revoked" }),
          ...errorResponses([...ANY_REQUEST, ...JSON_BODY, ...SESSION], BODY_REFUSED),
        },
      },
    },
    async (request, reply) => {
      const token = bearerTokenOf(request.headers.authorization);
      // The session hook has already refused a request without one.
      if (token) await logout(context.deps, token);
      return reply.status(204).send(null);
    },
  );
}
