import type { FastifyReply, FastifyRequest } from "fastify";
import { Type } from "typebox";
import type { WriteAnswer } from "../../app/merchant/idempotent-write.ts";
import { ERROR_CODES, KassaError } from "../../domain/errors.ts";

/** The Idempotency-Key header every merchant POST takes, with the mini program API's rule. */
export const IdempotencyHeaders = Type.Object({
  "idempotency-key": Type.Optional(
    Type.String({
      pattern: "^[\\x21-\\x7e]{1,255}$",
      description:
        "Optional; 1-255 printable ASCII characters, no spaces. The same key with the same request answers what the first answered (with `Idempotent-Replayed: true`) instead of doing it twice; keys are per app, kept 24 hours at least",
      examples: ["erp-price-update-4711"],
    }),
  ),
});

/** The header has its own code (docs/errors.md), not the schema's generic one. */
export const idempotencyErrorFormatter = (_errors: unknown, part: string) =>
  part === "headers" ? new KassaError("IDEMPOTENCY_KEY_INVALID") : new Error(ERROR_CODES.REQUEST_INVALID);

export const REPLAYED_HEADER = {
  "idempotent-replayed": Type.String({
    enum: ["true"],
    description: "Only on a replay: this is what the first request with this Idempotency-Key answered",
  }),
};

/** What the idempotent write answered, first time or replayed. */
export function sendWrite(reply: FastifyReply, answer: WriteAnswer & { replayed: boolean }): FastifyReply {
  if (answer.replayed) reply.header("idempotent-replayed", "true");
  return reply.status(answer.status).send(answer.body);
}

/** What a key is bound to: the method, the path (with its ids, without the query) and the body. */
export function writeOf(request: FastifyRequest) {
  const key = request.headers["idempotency-key"];
  return {
    appId: request.merchant.appId,
    idempotencyKey: typeof key === "string" ? key : undefined,
    method: request.method,
    path: request.url.split("?")[0] ?? request.url,
    body: request.body,
  };
}
