import type { FastifyInstance, FastifyReply } from "fastify";
import type { SandboxContext } from "../context.ts";
import { redeemLoginCode } from "../domain/login-codes.ts";
import { faultTiming, holdThenReset, resetConnection, sleep } from "../http/fault-effects.ts";
import { findMerchantByAppid } from "../identity/merchants.ts";

/**
 * §7.2 `GET /sns/jscode2session?appid&secret&js_code&grant_type=authorization_code`, on
 * api.weixin.qq.com in real life. Answers are HTTP 200 with `errcode`/`errmsg` on failure
 * and `{openid, session_key}` on success; they are not signed (this is not WeChat Pay).
 * Faults answer in this API's own words: -1 "system error" (busy), 45011 (rate limit).
 */

export const LOGIN_ENDPOINT_NAME = "login.jscode2session";

export function registerLoginEndpoint(app: FastifyInstance, ctx: SandboxContext): void {
  ctx.faults.defineTarget(LOGIN_ENDPOINT_NAME, "http");
  app.get("/sns/jscode2session", async (request, reply) => {
    const query = request.query as Record<string, string | undefined>;
    const mchid = query.appid ? findMerchantByAppid(ctx, query.appid)?.mchid : undefined;
    const fault = ctx.faults.take(LOGIN_ENDPOINT_NAME, mchid);
    const rid = String(request.id).toLowerCase();
    if (fault && faultTiming(fault) === "before") {
      switch (fault.fault) {
        case "rate_limit":
          return answer(reply, { errcode: 45011, errmsg: `api minute-quota reach limit, rid: ${rid}` });
        case "system_error":
          return answer(reply, { errcode: -1, errmsg: `system error, rid: ${rid}` });
        case "unavailable":
          return reply.code(503).send();
        case "reset":
          return resetConnection(request, reply);
        case "delay":
          await sleep(fault.delayMs);
      }
    }
    const outcome = await redeemLoginCode(ctx, query);
    if (fault?.fault === "apply_then_reset") return resetConnection(request, reply);
    if (fault?.fault === "apply_then_timeout") return holdThenReset(request, reply, fault.holdMs);
    if (fault?.fault === "apply_then_fail")
      return answer(reply, { errcode: -1, errmsg: `system error, rid: ${rid}` });
    if (!outcome.ok)
      return answer(reply, { errcode: outcome.errcode, errmsg: `${outcome.errmsg}, rid: ${rid}` });
    return answer(reply, { session_key: outcome.sessionKey, openid: outcome.openid });
  });
}

function answer(reply: FastifyReply, body: unknown): FastifyReply {
  return reply.code(200).type("application/json; charset=utf-8").send(JSON.stringify(body));
}
