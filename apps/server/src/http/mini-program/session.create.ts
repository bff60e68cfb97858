import { Type } from "typebox";
import { login } from "../../app/login.ts";
import { APP_ID_PATTERN } from "../../domain/ids.ts";
import { EXTERNAL_CHANNELS } from "../../domain/payment.ts";
import type { KassaApp } from "../server.ts";
import type { MiniProgramContext } from "./context.ts";
import { SESSION_CREATE_EXAMPLE } from "./examples.ts";
import { enforceRateLimit } from "./rate-limit.ts";
import { ANY_REQUEST, errorResponses, JSON_BODY } from "./route-errors.ts";
import { documented } from "./schemas.ts";

export const SessionCreateBody = Type.Object(
  {
    code: Type.String({
      minLength: 1,
      maxLength: 128,
      pattern: "^[0-9A-Za-z_-]+$",
      description:
        "The code wx.login() gave a WeChat mini program, or my.getAuthCode() an Alipay one; it works once, for a few minutes",
    }),
    channel: Type.Optional(
      Type.Union(
        EXTERNAL_CHANNELS.map((channel) => Type.Literal(channel)),
        {
          // No schema default: left out, the app's default channel is chosen (app/login.ts).
          description:
            "Where the mini program runs, and so which channel its orders are paid with: `wechatpay` (a wx.login code) or `alipay` (a my.getAuthCode code). Left out: `wechatpay` when the app has WeChat Pay (mini programs built before Alipay name none), else the app's only channel, so an app with Alipay only needs no channel named.",
        },
      ),
    ),
    app: Type.Optional(
      Type.String({
        pattern: APP_ID_PATTERN,
        description:
          "Kassa's id of this mini program (the operator's KASSA_APPS_FILE names each app); leave it out when Kassa serves one app. The session, and every order made with it, belong to this app.",
      }),
    ),
  },
  { additionalProperties: false, examples: [SESSION_CREATE_EXAMPLE.request] },
);
export const SessionCreateResponse = Type.Object({
  token: Type.String({ description: "Send it as `Authorization: Bearer <token>`" }),
  expiresAt: Type.String({ description: "When the token stops working (KASSA_SESSION_TTL_HOURS)" }),
});

/** POST /v1/session: the wx.login code in, Kassa's session token out (product.md step 1). */
export function registerSessionCreate(app: KassaApp, context: MiniProgramContext): void {
  app.post(
    "/v1/session",
    {
      schema: {
        summary: "Log in with a wx.login code",
        description:
          "Kassa exchanges the code on the server, with WeChat (code2Session) or Alipay (alipay.system.oauth.token); the user's openid and the channel's session keys never leave Kassa. A user keeps at most 5 live sessions: a sixth login revokes the oldest.",
        tags: ["session"],
        security: [],
        body: SessionCreateBody,
        response: {
          201: documented(SessionCreateResponse, "A session token", {
            "logged in": SESSION_CREATE_EXAMPLE.response,
          }),
          ...errorResponses(
            [
              ...ANY_REQUEST,
              ...JSON_BODY,
              "APP_NOT_FOUND",
              "APP_CHANNEL_NOT_CONFIGURED",
              "AUTH_LOGIN_CODE_INVALID",
              "CHANNEL_UNAVAILABLE",
            ],
            {
              REQUEST_INVALID: {
                issues: [{ field: "body/code", issue: 'must match pattern "^[0-9A-Za-z_-]+$"' }],
              },
            },
          ),
        },
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
      const session = await login(context.deps, {
        code: request.body.code,
        ...(request.body.app !== undefined ? { appId: request.body.app } : {}),
        ...(request.body.channel !== undefined ? { channel: request.body.channel } : {}),
      });
      return reply
        .status(201)
        .send({ token: session.token, expiresAt: new Date(session.expiresAt).toISOString() });
    },
  );
}
