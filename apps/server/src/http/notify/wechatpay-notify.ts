import { NOTIFICATION_FAIL_BODY } from "@kassa/wechatpay";
import type { FastifyReply, FastifyRequest } from "fastify";
import type { AppDeps } from "../../app/deps.ts";
import { handleNotification } from "../../app/handle-notification.ts";
import { RefusalCounter } from "../../app/refusal-counter.ts";
import { hiddenFromDocs } from "../api-docs.ts";
import type { KassaApp } from "../server.ts";

/**
 * POST /notify/wechatpay/<app>: the channel-notification trust boundary (design.md convention 8).
 * Its "auth" is WeChat Pay's signature over the raw bytes (§3.2), so this scope keeps the
 * body as a Buffer: parsing and re-serialising JSON would break verification. The answer is
 * 204, or 4xx/5xx with the FAIL body (§4.5), well inside WeChat's 5 seconds.
 */
export async function wechatPayNotifications(
  app: KassaApp,
  deps: AppDeps,
  observe: (notification: { subject: string; outcome: string }) => void,
): Promise<void> {
  // One count for this process: forged notifications log a first line and then a summary a minute.
  const refusals = new RefusalCounter(deps.clock);
  app.removeAllContentTypeParsers();
  app.addContentTypeParser("*", { parseAs: "buffer", bodyLimit: 64 * 1024 }, (_request, body, done) =>
    done(null, body),
  );

  const handle = async (appId: string | undefined, request: FastifyRequest, reply: FastifyReply) => {
    // The notify URL names its app; the URL without one is the default app's, which
    // prepays made before notify URLs carried the app still point at.
    const target = appId === undefined ? deps.apps.default : deps.apps.find(appId);
    if (!target) {
      const line = refusals.count("UNKNOWN_APP");
      if (line) deps.log.warn({ ...line }, "notification for an app this server does not serve refused");
      observe({ subject: "unverified", outcome: "unknown_app" });
      return reply.status(404).send(NOTIFICATION_FAIL_BODY);
    }
    const rawBody = Buffer.isBuffer(request.body) ? request.body : Buffer.alloc(0);
    try {
      const answer = await handleNotification(deps, target, "wechatpay", request.headers, rawBody, refusals);
      observe(answer);
      if (answer.accepted) return reply.status(204).send();
      return reply.status(401).send(NOTIFICATION_FAIL_BODY);
    } catch (error) {
      // Our own failure (database down): WeChat Pay delivers again (§4.6); nothing was applied.
      request.log.error({ err: error }, "notification could not be processed");
      observe({ subject: "unverified", outcome: "error" });
      return reply.status(500).send(NOTIFICATION_FAIL_BODY);
    }
  };

  // No access-log lines for these routes (Fastify's two per request): a flood of forgeries
  // must not flood the log (issue 7 item 12). What happened to each notification is logged
  // by handleNotification, refusals counted and summed up.
  const options = { ...hiddenFromDocs, logLevel: "warn" } as const;
  app.post<{ Params: { appId: string } }>("/notify/wechatpay/:appId", options, (request, reply) =>
    handle(request.params.appId, request, reply),
  );
  app.post("/notify/wechatpay", options, (request, reply) => handle(undefined, request, reply));
}
