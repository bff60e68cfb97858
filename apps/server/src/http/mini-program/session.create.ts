import { Type } from "typebox";
import { login } from "../../app/login.ts";
import type { KassaApp } from "../server.ts";
import type { MiniProgramContext } from "./context.ts";
import { enforceRateLimit } from "./rate-limit.ts";
import { ErrorSchema } from "./schemas.ts";

export const SessionCreateBody = Type.Object(
  { code: Type.String({ minLength: 1, maxLength: 128, pattern: "^[0-9A-Za-z_-]+$" }) },
  { additionalProperties: false },
);
export const SessionCreateResponse = Type.Object({ token: Type.String(), expiresAt: Type.String() });

/** POST /v1/session: the wx.login code in, Kassa's session token out (product.md step 1). */
export function registerSessionCreate(app: KassaApp, context: MiniProgramContext): void {
  app.post(
    "/v1/session",
    {
      schema: {
        summary: "Log in with a wx.login code",
        security: [],
        body: SessionCreateBody,
        response: { 201: SessionCreateResponse, "4xx": ErrorSchema, "5xx": ErrorSchema },
      },
    },
    async (request, reply) => {
      await enforceRateLimit(
        context.limiter,
        request,
        reply,
        `login:${request.ip}`,
        context.limits.loginPerIpPerMinute,
      );
      const session = await login(context.deps, request.body.code);
      return reply
        .status(201)
        .send({ token: session.token, expiresAt: new Date(session.expiresAt).toISOString() });
    },
  );
}
