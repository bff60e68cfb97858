import type { FastifyError, FastifyReply, FastifyRequest } from "fastify";
import { ERROR_CODES, type ErrorCode, KassaError } from "../domain/errors.ts";
import { statusOf } from "./error-status.ts";

/** Every error body has this one shape (design.md convention 6). */
export interface ErrorEnvelope {
  code: ErrorCode;
  message: string;
  requestId: string;
  details?: Record<string, unknown>;
}

/** Fastify's own failures, by its stable error codes, mapped to ours. */
const FASTIFY_CODES: Readonly<Record<string, ErrorCode>> = {
  FST_ERR_VALIDATION: "REQUEST_INVALID",
  FST_ERR_CTP_BODY_TOO_LARGE: "REQUEST_BODY_TOO_LARGE",
  FST_ERR_CTP_INVALID_MEDIA_TYPE: "REQUEST_UNSUPPORTED_MEDIA_TYPE",
  FST_ERR_CTP_EMPTY_JSON_BODY: "REQUEST_MALFORMED_JSON",
  FST_ERR_CTP_INVALID_JSON_BODY: "REQUEST_MALFORMED_JSON",
  FST_ERR_CTP_INVALID_CONTENT_LENGTH: "REQUEST_INVALID",
};

export function toEnvelope(error: unknown, requestId: string): ErrorEnvelope {
  if (error instanceof KassaError) {
    return {
      code: error.code,
      message: error.message,
      requestId,
      ...(error.details ? { details: { ...error.details } } : {}),
    };
  }
  const fastifyError = error as Partial<FastifyError>;
  const mapped = fastifyError.code ? FASTIFY_CODES[fastifyError.code] : undefined;
  if (mapped === "REQUEST_INVALID" && fastifyError.validation) {
    return {
      code: mapped,
      message: ERROR_CODES[mapped],
      requestId,
      details: {
        issues: fastifyError.validation.map((issue) => ({
          field: `${fastifyError.validationContext ?? "body"}${issue.instancePath || ""}`,
          issue: issueText(issue),
        })),
      },
    };
  }
  if (mapped) return { code: mapped, message: ERROR_CODES[mapped], requestId };
  // JSON.parse failures reach us as SyntaxError with statusCode 400 from the body parser.
  if (error instanceof SyntaxError && fastifyError.statusCode === 400) {
    return { code: "REQUEST_MALFORMED_JSON", message: ERROR_CODES.REQUEST_MALFORMED_JSON, requestId };
  }
  if (fastifyError.statusCode === 429) {
    return { code: "RATE_LIMITED", message: ERROR_CODES.RATE_LIMITED, requestId };
  }
  // Anything else is a bug: mask it (its text may carry internals) and log it once.
  return { code: "INTERNAL_ERROR", message: ERROR_CODES.INTERNAL_ERROR, requestId };
}

/** Ajv's words for a failed check; for a value outside a list, the list (ajv's message omits it). */
function issueText(issue: { keyword: string; message?: string; params?: Record<string, unknown> }): string {
  const allowed = issue.params?.allowedValues;
  const message = issue.message ?? issue.keyword;
  return issue.keyword === "enum" && Array.isArray(allowed) ? `${message}: ${allowed.join(", ")}` : message;
}

/** Fastify error handler: one envelope for everything, bugs logged once at the edge. */
export function sendError(error: unknown, request: FastifyRequest, reply: FastifyReply): FastifyReply {
  const envelope = toEnvelope(error, String(request.id));
  if (envelope.code === "INTERNAL_ERROR") request.log.error({ err: error }, "unhandled error");
  // No cache may keep an error, whichever boundary answered it (or none: an unknown route).
  return reply.status(statusOf(envelope.code)).header("cache-control", "no-store").send(envelope);
}
