import type { FastifyInstance, FastifyReply, FastifyRequest } from "fastify";
import type { AdminApi } from "../admin/admin-api.ts";
import { ADMIN_ROUTES } from "../admin/admin-routes.ts";
import { SandboxError } from "../errors.ts";
import { sandboxErrorStatus } from "./error-status.ts";
import { HtmlPage, sendPage } from "./html.ts";

/**
 * The admin trust boundary (design.md convention 8): its own Fastify scope under
 * `/admin`, answering loopback clients only (no other auth: it is a local dev tool), with
 * the project's error shape `{code, message, requestId}` rather than WeChat's.
 */
export function registerAdminScope(app: FastifyInstance, admin: AdminApi, log: (line: string) => void): void {
  app.register(
    async (scope) => {
      scope.addHook("onRequest", async (request) => {
        if (!isLoopback(request.socket.remoteAddress)) {
          throw new SandboxError(
            "ADMIN_FORBIDDEN",
            `${request.socket.remoteAddress} is not a loopback address`,
          );
        }
      });
      scope.setErrorHandler((error, request, reply) => sendAdminError(error, request, reply, log));
      for (const route of ADMIN_ROUTES) {
        scope.route({
          method: route.method,
          url: route.url,
          handler: async (request, reply) => {
            const result = await route.handle({
              admin,
              body: parseBody(request.body),
              params: request.params as Record<string, string>,
              query: request.query as Record<string, string | undefined>,
            });
            if (result instanceof HtmlPage) return sendPage(reply, result, route.status ?? 200);
            reply.code(route.status ?? 200);
            return result === undefined
              ? reply.send()
              : reply.type("application/json; charset=utf-8").send(JSON.stringify(result));
          },
        });
      }
    },
    { prefix: "/admin" },
  );
}

export function sendAdminError(
  error: unknown,
  request: FastifyRequest,
  reply: FastifyReply,
  log: (line: string) => void,
): FastifyReply {
  if (error instanceof SandboxError) {
    return reply
      .code(sandboxErrorStatus(error.code))
      .send({ code: error.code, message: error.message, requestId: request.id });
  }
  const status = (error as { statusCode?: number }).statusCode;
  if (status !== undefined && status >= 400 && status < 500) {
    return reply
      .code(status)
      .send({ code: "ADMIN_REQUEST_INVALID", message: (error as Error).message, requestId: request.id });
  }
  // A bug: logged once here, masked in the answer.
  log(`${request.method} ${request.url} failed: ${(error as Error).stack ?? String(error)}`);
  return reply.code(500).send({
    code: "INTERNAL_ERROR",
    message: "the sandbox failed unexpectedly; see its log",
    requestId: request.id,
  });
}

function parseBody(body: unknown): Record<string, unknown> {
  if (typeof body !== "string" || body.trim() === "") return {};
  let value: unknown;
  try {
    value = JSON.parse(body);
  } catch {
    throw new SandboxError("ADMIN_REQUEST_INVALID", "the body is not valid JSON");
  }
  if (typeof value !== "object" || value === null || Array.isArray(value)) {
    throw new SandboxError("ADMIN_REQUEST_INVALID", "the body must be a JSON object");
  }
  return value as Record<string, unknown>;
}

function isLoopback(address: string | undefined): boolean {
  return address !== undefined && (address === "::1" || /^(::ffff:)?127\.\d+\.\d+\.\d+$/.test(address));
}
