import { randomBytes } from "node:crypto";
import type { IncomingMessage, ServerResponse } from "node:http";
import helmet from "@fastify/helmet";
import type { TypeBoxTypeProvider } from "@fastify/type-provider-typebox";
import Fastify, {
  type FastifyBaseLogger,
  type FastifyInstance,
  type RawReplyDefaultExpression,
  type RawRequestDefaultExpression,
  type RawServerDefault,
} from "fastify";
import helmetHeaders from "helmet";
import type { TrustProxy } from "../config.ts";
import type { TlsSettings } from "../config-tls.ts";
import { KassaError } from "../domain/errors.ts";
import { answerClientError } from "./client-error.ts";
import { sendError } from "./error-envelope.ts";
import { DEFAULT_HTTP_TIMEOUTS, type HttpTimeouts, timeoutOptions } from "./timeouts.ts";

export interface HttpOptions {
  logger: FastifyBaseLogger;
  /** Bytes; the mini program API sends small JSON bodies. */
  bodyLimit: number;
  /** Put here by tests and by main: the scoped plugins of each trust boundary. */
  register: (app: KassaApp) => Promise<void> | void;
  /** Whose X-Forwarded-For to believe; nobody by default. */
  trustProxy?: TrustProxy;
  /** Built-in HTTPS (KASSA_TLS_CERT_FILE, KASSA_TLS_KEY_FILE); plain HTTP when unset. */
  tls?: TlsSettings | undefined;
  /** Header, body and idle deadlines; DEFAULT_HTTP_TIMEOUTS unless a test shortens them. */
  timeouts?: Partial<HttpTimeouts>;
}

export type KassaApp = FastifyInstance<
  RawServerDefault,
  RawRequestDefaultExpression,
  RawReplyDefaultExpression,
  FastifyBaseLogger,
  TypeBoxTypeProvider
>;

/**
 * The Fastify instance with what every trust boundary shares: request ids, redacted logs,
 * security headers, body limits, and one error envelope. Each boundary (mini program API,
 * channel notifications, admin) is a scoped plugin with its own auth hook (convention 8).
 */
/** The API serves JSON; the demo page and docs set their own policy in their plugins. */
const HELMET_OPTIONS = {
  contentSecurityPolicy: { directives: { defaultSrc: ["'self'"], frameAncestors: ["'none'"] } },
};

/** The headers helmet sets with these options, for the replies that pass no hook. */
const SECURITY_HEADERS: Readonly<Record<string, string>> = (() => {
  const headers: Record<string, string> = {};
  const response = {
    setHeader: (name: string, value: string) => {
      headers[name.toLowerCase()] = value;
    },
    removeHeader: (name: string) => {
      delete headers[name.toLowerCase()];
    },
  };
  // helmet's middleware only sets and removes headers, synchronously.
  helmetHeaders(HELMET_OPTIONS)(
    {} as IncomingMessage,
    response as unknown as ServerResponse,
    () => undefined,
  );
  return Object.freeze(headers);
})();

export async function buildHttpServer(options: HttpOptions): Promise<KassaApp> {
  const app = Fastify({
    // node:https's server is node:http's with a TLS handshake in front: every route, hook and
    // timeout is the same, so KassaApp keeps the http server's type either way.
    ...(options.tls
      ? ({ https: { cert: options.tls.certificatePem, key: options.tls.privateKeyPem } } as object)
      : {}),
    loggerInstance: options.logger,
    bodyLimit: options.bodyLimit,
    trustProxy: fastifyTrustProxy(options.trustProxy ?? false),
    // Our own ids, never the caller's: a client-chosen id could forge log lines.
    genReqId: () => `req_${randomBytes(8).toString("hex")}`,
    // A path parameter may be as long as a URL can be (node:http's 16 KiB header limit), so
    // the route decides what a wrong one means (`/v1/orders/<500 characters>` is an unknown
    // order, 404 ORDER_NOT_FOUND), instead of the router's own 414 outside our envelope.
    routerOptions: { maxParamLength: 16 * 1024 },
    // What the router itself refuses (a path it cannot percent-decode) answers in our envelope too.
    // Its reply skips the onRequest and onSend hooks, so the request id and the security
    // headers (helmet's, applied in onRequest) are set here.
    frameworkErrors: (_error, request, reply) =>
      sendError(
        new KassaError("ROUTE_NOT_FOUND"),
        request,
        reply.headers(SECURITY_HEADERS).header("x-request-id", request.id),
      ),
    ajv: { customOptions: { removeAdditional: false, coerceTypes: false, allErrors: false } },
    ...timeoutOptions({ ...DEFAULT_HTTP_TIMEOUTS, ...options.timeouts }),
    // A missed deadline (408) or broken HTTP is answered in our envelope too, not Fastify's.
    clientErrorHandler: answerClientError,
  }).withTypeProvider<TypeBoxTypeProvider>();

  // JSON only: a text/plain body would otherwise reach the schema as a string.
  app.removeContentTypeParser("text/plain");
  app.addHook("onSend", async (request, reply) => {
    reply.header("x-request-id", request.id);
  });
  await app.register(helmet, HELMET_OPTIONS);
  app.setErrorHandler((error, request, reply) => sendError(error, request, reply));
  app.setNotFoundHandler((request, reply) => sendError(new KassaError("ROUTE_NOT_FOUND"), request, reply));
  await app.register(async (scope) => options.register(scope));
  return app;
}

/**
 * KASSA_TRUST_PROXY as Fastify takes it. A hop count goes in as proxy-addr's trust function
 * (hop 0 is the connection's peer, hop 1 the address it appended, ...): Fastify 5.12 turns a
 * bare number into "trust nobody", and then every client behind the proxy would share the
 * proxy's address, and its rate limits.
 */
function fastifyTrustProxy(
  trusted: TrustProxy,
): false | string[] | ((address: string, hop: number) => boolean) {
  if (trusted === false) return false;
  if (typeof trusted === "number") return (_address, hop) => hop < trusted;
  return [...trusted];
}
