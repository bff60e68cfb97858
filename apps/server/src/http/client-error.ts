import { randomBytes } from "node:crypto";
import { STATUS_CODES } from "node:http";
import type { Duplex } from "node:stream";
import { ERROR_CODES, type ErrorCode } from "../domain/errors.ts";
import type { ErrorEnvelope } from "./error-envelope.ts";
import { statusOf } from "./error-status.ts";

/** node:http's codes for a connection that broke a deadline or the HTTP/1.1 grammar. */
function codeOf(error: Error & { code?: string }): ErrorCode {
  if (error.code === "ERR_HTTP_REQUEST_TIMEOUT") return "REQUEST_TIMEOUT";
  if (error.code === "HPE_HEADER_OVERFLOW") return "REQUEST_HEADERS_TOO_LARGE";
  return "REQUEST_INVALID";
}

/**
 * Fastify's clientErrorHandler: what node:http could not turn into a request (a missed
 * header or body deadline, oversized headers, broken HTTP) is answered in the one error
 * envelope too (design.md convention 6), then the connection is closed. Nothing is logged:
 * a flood of slow or broken connections must not become a flood of log lines.
 */
export function answerClientError(error: Error & { code?: string }, socket: Duplex): void {
  if (error.code === "ECONNRESET" || socket.destroyed) return;
  if (socket.writable) {
    const code = codeOf(error);
    const status = statusOf(code);
    const envelope: ErrorEnvelope = {
      code,
      message: ERROR_CODES[code],
      requestId: `req_${randomBytes(8).toString("hex")}`,
    };
    const body = JSON.stringify(envelope);
    socket.write(
      `HTTP/1.1 ${status} ${STATUS_CODES[status]}\r\nContent-Type: application/json; charset=utf-8\r\n` +
        `Content-Length: ${Buffer.byteLength(body)}\r\nX-Request-Id: ${envelope.requestId}\r\n` +
        `Cache-Control: no-store\r\nConnection: close\r\n\r\n${body}`,
    );
  }
  socket.destroy(error);
}
