import swagger from "@fastify/swagger";
import swaggerUi from "@fastify/swagger-ui";
import type { KassaApp } from "./server.ts";

/** Route options for what is not the mini program's API (notifications, the demo page). */
export const hiddenFromDocs = { schema: { hide: true } };

/**
 * OpenAPI generated from the routes' own TypeBox schemas (so it cannot drift from what is
 * validated), served as JSON at /docs/json and browsable at /docs. Register it before the
 * routes it describes.
 */
export async function registerApiDocs(app: KassaApp): Promise<void> {
  await app.register(swagger, {
    openapi: {
      info: {
        title: "Kassa mini program API",
        version: "0.1.0",
        description:
          "The server side of 'the user taps Pay'. Log in with a wx.login code, create server-priced orders, get wx.requestPayment parameters, and read the real payment state. Errors share one envelope: see docs/errors.md.",
      },
      components: {
        securitySchemes: {
          session: { type: "http", scheme: "bearer", description: "The token from POST /v1/session" },
        },
      },
      security: [{ session: [] }],
    },
  });
  await app.register(swaggerUi, { routePrefix: "/docs", staticCSP: true });
}
