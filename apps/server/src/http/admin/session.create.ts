import { Type } from "typebox";
import { loginOperator } from "../../app/admin/operator-login.ts";
import { ADMIN_COOKIE, ADMIN_SESSION_MS } from "../../app/admin/operator-session.ts";
import { enforceRateLimit } from "../mini-program/rate-limit.ts";
import { ANY_REQUEST, errorResponses, JSON_BODY } from "../mini-program/route-errors.ts";
import type { KassaApp } from "../server.ts";
import type { AdminContext } from "./context.ts";
import { OperatorSchema, viewOperator } from "./schemas.ts";

export const AdminSessionCreateBody = Type.Object(
  {
    login: Type.String({ minLength: 1, maxLength: 64 }),
    password: Type.String({ minLength: 1, maxLength: 256 }),
    totp: Type.Optional(
      Type.String({
        pattern: "^[0-9]{6}$",
        description: "The authenticator's code, when the account has one",
      }),
    ),
  },
  { additionalProperties: false },
);

export const AdminSessionSchema = Type.Object({
  operator: OperatorSchema,
  csrfToken: Type.String({ description: "Send it as X-CSRF-Token with every change" }),
  expiresAt: Type.String(),
});

/** POST /admin/v1/session: an operator logs in; the session is a `__Host-` cookie. */
export function registerAdminSessionCreate(app: KassaApp, context: AdminContext): void {
  app.post(
    "/admin/v1/session",
    {
      config: { public: true },
      schema: {
        summary: "Log in as an operator",
        tags: ["admin"],
        security: [],
        body: AdminSessionCreateBody,
        response: {
          201: AdminSessionSchema,
          ...errorResponses([
            ...ANY_REQUEST,
            ...JSON_BODY,
            "ADMIN_LOGIN_FAILED",
            "ADMIN_LOGIN_LOCKED",
            "ADMIN_TOTP_REQUIRED",
          ]),
        },
      },
    },
    async (request, reply) => {
      await enforceRateLimit(
        context.limiter,
        request,
        reply,
        `admin-login:${request.ip}`,
        context.loginPerIpPerMinute,
      );
      let session: Awaited<ReturnType<typeof loginOperator>>;
      try {
        session = await loginOperator(context.deps, {
          login: request.body.login,
          password: request.body.password,
          totp: request.body.totp,
          address: request.ip,
        });
      } catch (error) {
        const retry = (error as { details?: { retryAfterSeconds?: number } }).details?.retryAfterSeconds;
        if (retry !== undefined) reply.header("retry-after", String(retry));
        throw error;
      }
      reply.setCookie(ADMIN_COOKIE, session.token, {
        path: "/",
        secure: true,
        httpOnly: true,
        sameSite: "strict",
        maxAge: ADMIN_SESSION_MS / 1000,
      });
      return reply.status(201).send({
        operator: viewOperator(session.operator),
        csrfToken: session.csrfToken,
        expiresAt: new Date(session.expiresAt).toISOString(),
      });
    },
  );
}
