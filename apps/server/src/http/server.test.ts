import type { FastifyInstance } from "fastify";
import { Type } from "typebox";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { KassaError } from "../domain/errors.ts";
import { createLogger } from "./logging.ts";
import { buildHttpServer } from "./server.ts";

let app: FastifyInstance;

beforeAll(async () => {
  app = await buildHttpServer({
    logger: createLogger("silent"),
    bodyLimit: 1024,
    register: (scope) => {
      scope.post(
        "/echo",
        {
          schema: {
            body: Type.Object({ name: Type.String({ maxLength: 10 }) }, { additionalProperties: false }),
          },
        },
        async (request) => request.body,
      );
      scope.get("/refused", async () => {
        throw new KassaError("ORDER_NOT_FOUND");
      });
      scope.get("/bug", async () => {
        throw new Error("db password is hunter2");
      });
    },
  });
});
afterAll(async () => {
  await app?.close();
});

describe("the HTTP edge", () => {
  it("answers an unknown route with the envelope and a request id", async () => {
    const response = await app.inject({ method: "GET", url: "/nope" });
    expect(response.statusCode).toBe(404);
    const body = response.json();
    expect(body).toMatchObject({ code: "ROUTE_NOT_FOUND" });
    expect(body.requestId).toMatch(/^req_[0-9a-f]{16}$/);
    expect(response.headers["x-request-id"]).toBe(body.requestId);
  });

  it("refuses malformed JSON with REQUEST_MALFORMED_JSON", async () => {
    const response = await app.inject({
      method: "POST",
      url: "/echo",
      headers: { "content-type": "application/json" },
      payload: '{"name":',
    });
    expect(response.statusCode).toBe(400);
    expect(response.json().code).toBe("REQUEST_MALFORMED_JSON");
  });

  it("refuses a body over the limit with 413 REQUEST_BODY_TOO_LARGE", async () => {
    const response = await app.inject({
      method: "POST",
      url: "/echo",
      headers: { "content-type": "application/json" },
      payload: JSON.stringify({ name: "x".repeat(2000) }),
    });
    expect(response.statusCode).toBe(413);
    expect(response.json().code).toBe("REQUEST_BODY_TOO_LARGE");
  });

  it("refuses a non-JSON content type with 415", async () => {
    const response = await app.inject({
      method: "POST",
      url: "/echo",
      headers: { "content-type": "text/plain" },
      payload: "name=x",
    });
    expect(response.statusCode).toBe(415);
    expect(response.json().code).toBe("REQUEST_UNSUPPORTED_MEDIA_TYPE");
  });

  it("says which field failed the schema", async () => {
    const response = await app.inject({
      method: "POST",
      url: "/echo",
      payload: { name: "far too long a name" },
    });
    expect(response.statusCode).toBe(400);
    expect(response.json()).toMatchObject({
      code: "REQUEST_INVALID",
      details: { issues: [{ field: "body/name" }] },
    });
  });

  it("refuses unknown fields instead of silently dropping them", async () => {
    const response = await app.inject({ method: "POST", url: "/echo", payload: { name: "a", price: 1 } });
    expect(response.statusCode).toBe(400);
  });

  it("maps a KassaError to its status", async () => {
    const response = await app.inject({ method: "GET", url: "/refused" });
    expect(response.statusCode).toBe(404);
    expect(response.json().code).toBe("ORDER_NOT_FOUND");
  });

  it("masks a bug: 500 INTERNAL_ERROR without its message", async () => {
    const response = await app.inject({ method: "GET", url: "/bug" });
    expect(response.statusCode).toBe(500);
    expect(response.json().code).toBe("INTERNAL_ERROR");
    expect(response.body).not.toContain("hunter2");
  });

  it("sends security headers", async () => {
    const response = await app.inject({ method: "GET", url: "/refused" });
    expect(response.headers["x-content-type-options"]).toBe("nosniff");
    expect(response.headers["content-security-policy"]).toContain("frame-ancestors 'none'");
  });
});
