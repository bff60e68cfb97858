import { type TSchema, Type } from "typebox";
import { ERROR_CODES, type ErrorCode } from "../../domain/errors.ts";
import { statusOf } from "../error-status.ts";

/**
 * Which error codes each route can answer, for its OpenAPI responses. The codes, their
 * sentences and their statuses all come from the one registry (domain/errors.ts) and the one
 * status switch (http/error-status.ts); only the choice of codes is made here, per route.
 */

/** Any request can answer these: a missed deadline or oversized headers, the IP limit, a bug. */
export const ANY_REQUEST: readonly ErrorCode[] = [
  "REQUEST_TIMEOUT",
  "REQUEST_HEADERS_TOO_LARGE",
  "RATE_LIMITED",
  "INTERNAL_ERROR",
];

/** A request with a JSON body (or, on the bodiless calls, one that sends a body anyway). */
export const JSON_BODY: readonly ErrorCode[] = [
  "REQUEST_INVALID",
  "REQUEST_MALFORMED_JSON",
  "REQUEST_BODY_TOO_LARGE",
  "REQUEST_UNSUPPORTED_MEDIA_TYPE",
];

/** Behind the session hook: no token, or one that is unknown, expired or revoked. */
export const SESSION: readonly ErrorCode[] = ["AUTH_SESSION_REQUIRED", "AUTH_SESSION_INVALID"];

type ExampleDetails = Partial<Record<ErrorCode, Record<string, unknown>>>;

/** What an error's `details` look like, where it has them: the examples in /docs. */
const EXAMPLE_DETAILS: ExampleDetails = {
  REQUEST_INVALID: { issues: [{ field: "body/items/0/quantity", issue: "must be <= 99" }] },
  PRODUCT_NOT_FOUND: { productId: "prd_green_tea" },
  PRODUCT_OUT_OF_STOCK: { productId: "prd_mooncake" },
  ORDER_QUANTITY_TOO_LARGE: { productId: "prd_jasmine_tea" },
  ORDER_LIMIT_REACHED: { limit: "open_orders", max: 5 },
  ORDER_NOT_PAYABLE: { status: "CLOSED" },
  CHANNEL_REJECTED: { channelCode: "PARAM_ERROR", channelRequestId: "08F4C8E3B10610B6D8C3AE04" },
};

/** REQUEST_INVALID as the bodiless calls answer a body (no-body.ts). */
export const BODY_REFUSED: ExampleDetails = {
  REQUEST_INVALID: { issues: [{ field: "body/amount", issue: "unknown field: this call takes no body" }] },
};

const EXAMPLE_REQUEST_ID = "req_3f9a1c07b2d54e18";

/**
 * The OpenAPI responses for these codes: one per HTTP status, whose description lists each
 * code with the sentence a person reads, and with one named example envelope per code
 * (`details` as this route fills them, where they differ from the usual example).
 */
export function errorResponses(codes: readonly ErrorCode[], details: ExampleDetails = {}) {
  const byStatus = new Map<number, ErrorCode[]>();
  for (const code of new Set(codes)) {
    const status = statusOf(code);
    byStatus.set(status, [...(byStatus.get(status) ?? []), code]);
  }
  const responses: Record<number, TSchema> = {};
  for (const [status, codesOfStatus] of [...byStatus].sort(([a], [b]) => a - b)) {
    const schema = errorSchema(codesOfStatus, { ...EXAMPLE_DETAILS, ...details });
    responses[status] = status === 429 ? { ...schema, headers: RETRY_AFTER } : schema;
  }
  return responses;
}

/** RATE_LIMITED says when to try again (rate-limit.ts). */
const RETRY_AFTER = {
  "retry-after": Type.Integer({ minimum: 1, description: "Seconds to wait before the next request" }),
};

function errorSchema(codes: readonly ErrorCode[], details: ExampleDetails) {
  return Type.Object(
    {
      code: Type.String({ enum: [...codes], description: "Stable: branch on it, never on `message`" }),
      message: Type.String({ description: "For a person: what happened and what to do" }),
      requestId: Type.String({ description: "Also the X-Request-Id header; quote it to the operator" }),
      details: Type.Optional(Type.Object({}, { additionalProperties: true })),
    },
    {
      description: codes.map((code) => `- \`${code}\`: ${ERROR_CODES[code]}`).join("\n"),
      "x-examples": Object.fromEntries(
        codes.map((code) => [
          code,
          {
            summary: code,
            value: {
              code,
              message: ERROR_CODES[code],
              requestId: EXAMPLE_REQUEST_ID,
              ...(details[code] ? { details: details[code] } : {}),
            },
          },
        ]),
      ),
    },
  );
}
