import { ERROR_CODES, type ErrorCode } from "../domain/errors.ts";
import { statusOf } from "./error-status.ts";

/**
 * `docs/errors.md`, rendered from the registry. A test fails when the file and the
 * registry differ; `npm run docs:errors` rewrites the file.
 */
export function renderErrorsMarkdown(): string {
  const rows = (Object.keys(ERROR_CODES) as ErrorCode[]).map(
    (code) => `| \`${code}\` | ${statusOf(code)} | ${ERROR_CODES[code]} |`,
  );
  return [
    "# Errors",
    "",
    "Every error Kassa's HTTP API answers with has one shape:",
    "",
    "```json",
    '{ "code": "ORDER_NOT_FOUND", "message": "No order with this id belongs to you", "requestId": "req-1f3a", "details": {} }',
    "```",
    "",
    "`code` is stable: branch on it, never on `message`. `requestId` is also sent as the",
    "`X-Request-Id` header; quote it to the operator. `details` is present only where it helps.",
    "",
    "This table is generated from `apps/server/src/domain/errors.ts` by `npm run docs:errors`;",
    "a test keeps the two in step.",
    "",
    "| code | HTTP status | meaning, and what to do |",
    "|---|---|---|",
    ...rows,
    "",
  ].join("\n");
}
