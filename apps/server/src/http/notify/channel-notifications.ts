import { NOTIFY_SUCCESS_REPLY } from "@kassa/alipay";
import { NOTIFICATION_FAIL_BODY } from "@kassa/wechatpay";
import type { FastifyReply, FastifyRequest } from "fastify";
import type { AppDeps } from "../../app/deps.ts";
import { handleNotification } from "../../app/handle-notification.ts";
import { RefusalCounter } from "../../app/refusal-counter.ts";
import type { ExternalChannelName } from "../../domain/payment.ts";
import { hiddenFromDocs } from "../api-docs.ts";
import type { KassaApp } from "../server.ts";

/** How a channel wants to hear "handled" and "deliver again". */
interface NotificationReplies {
  accepted(reply: FastifyReply): FastifyReply;
  /** Not handled: the channel delivers again later. */
  refused(reply: FastifyReply, status: 401 | 404 | 500): FastifyReply;
}

const REPLIES: Readonly<Record<ExternalChannelName, NotificationReplies>> = {
  // §4.5: 204 (or 200) is handled; 4xx/5xx with the FAIL body is "deliver again".
  wechatpay: {
    accepted: (reply) => reply.status(204).send(),
    refused: (reply, status) => reply.status(status).send(NOTIFICATION_FAIL_BODY),
  },
  // A.4 "Reply": exactly the 7 characters `success` with HTTP 200; anything else is a failure.
  alipay: {
    accepted: (reply) => reply.status(200).type("text/plain").send(NOTIFY_SUCCESS_REPLY),
    refused: (reply, status) => reply.status(status).type("text/plain").send("fail"),
  },
};

/**
 * POST /notify/<channel>/<app>: the channel-notification trust boundary (design.md
 * convention 8). Its "auth" is the channel's signature over the raw bytes (WeChat §3.2: a
 * JSON body; Alipay A.4: a form body, decoded exactly once by the adapter), so this scope
 * keeps the body as a Buffer: parsing and re-serialising it would break verification. Each
 * channel is answered in its own words, well inside its deadline.
 */
export async function channelNotifications(
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

  const handle = async (
    channel: ExternalChannelName,
    appId: string | undefined,
    request: FastifyRequest,
    reply: FastifyReply,
  ) => {
    const replies = REPLIES[channel];
    // The notify URL names its app; the URL without one is the default app's, which
    // WeChat prepays made before notify URLs carried the app still point at.
    const target = appId === undefined ? deps.apps.default : deps.apps.find(appId);
    if (!target?.channels[channel]) {
      const line = refusals.count("UNKNOWN_APP");
      if (line)
        deps.log.warn({ ...line, channel }, "notification for an app this server does not serve refused");
      observe({ subject: "unverified", outcome: "unknown_app" });
      return replies.refused(reply, 404);
    }
    const rawBody = Buffer.isBuffer(request.body) ? request.body : Buffer.alloc(0);
    try {
      const answer = await handleNotification(deps, target, channel, request.headers, rawBody, refusals);
      observe(answer);
      return answer.accepted ? replies.accepted(reply) : replies.refused(reply, 401);
    } catch (error) {
      // Our own failure (database down): the channel delivers again (§4.6, A.4); nothing was applied.
      request.log.error({ err: error }, "notification could not be processed");
      observe({ subject: "unverified", outcome: "error" });
      return replies.refused(reply, 500);
    }
  };

  // No access-log lines for these routes (Fastify's two per request): a flood of forgeries
  // must not flood the log (issue 7 item 12). What happened to each notification is logged
  // by handleNotification, refusals counted and summed up.
  const options = { ...hiddenFromDocs, logLevel: "warn" } as const;
  for (const channel of Object.keys(REPLIES) as ExternalChannelName[]) {
    app.post<{ Params: { appId: string } }>(`/notify/${channel}/:appId`, options, (request, reply) =>
      handle(channel, request.params.appId, request, reply),
    );
  }
  app.post("/notify/wechatpay", options, (request, reply) => handle("wechatpay", undefined, request, reply));
}
