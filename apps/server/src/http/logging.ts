/**
 * What must never reach a log (product.md "Security"; quality-bar.md log scan): tokens,
 * WeChat signatures, login codes, session keys, secrets, and full openids. Redaction is by
 * path, so it also covers a value some future code logs by accident under these names.
 */
export const REDACTED_PATHS = [
  "req.headers.authorization",
  "req.headers.cookie",
  "req.headers['wechatpay-signature']",
  "req.headers['idempotency-key']",
  "res.headers['set-cookie']",
  "*.authorization",
  "*.token",
  "*.sessionToken",
  "*.session_key",
  "*.sessionKey",
  "*.openid",
  "*.code",
  "*.js_code",
  "*.secret",
  "*.appSecret",
  "*.apiV3Key",
  "*.privateKey",
  "*.merchantPrivateKeyPem",
  "*.appPrivateKeyPem",
  "*.paySign",
  // Alipay (A.6, A.4): an oauth token, a buyer's ids and a notification's signature.
  "*.access_token",
  "*.refresh_token",
  "*.open_id",
  "*.buyer_id",
  "*.buyer_open_id",
  "*.sign",
];

import { type Logger, pino } from "pino";

/** One logger for the process: Fastify's requests and the use cases write through it. */
export function createLogger(level: string, destination?: NodeJS.WritableStream): Logger {
  return destination ? pino(loggerOptions(level), destination) : pino(loggerOptions(level));
}

export function loggerOptions(level: string) {
  return {
    level,
    redact: { paths: REDACTED_PATHS, censor: "[redacted]" },
    // Log the path without the query string: queries can carry codes and tokens.
    serializers: {
      req: (request: { method: string; url: string; id: string }) => ({
        method: request.method,
        path: request.url.split("?")[0],
        id: request.id,
      }),
    },
  };
}
