import swagger from "@fastify/swagger";
import swaggerUi from "@fastify/swagger-ui";
import type { KassaApp } from "./server.ts";

/** Route options for what is not the mini program's API (notifications, the demo page). */
export const hiddenFromDocs = { schema: { hide: true } };

/**
 * The page's Content-Security-Policy: everything from this origin, nothing inline, nothing
 * from elsewhere. Swagger UI's standalone layout draws its logo as an SVG with an inline
 * <style>, which this policy refuses, so the page uses the base layout, without the top bar
 * (and then @fastify/swagger-ui does not swap its own logo in either);
 * test/browser/api-docs-page.test.ts fails on any violation. No upgrade-insecure-requests:
 * in demo mode the page is served over plain http, also from a LAN address, and upgraded
 * asset requests would fail there.
 */
export const DOCS_CSP = [
  "default-src 'self'",
  "base-uri 'self'",
  "connect-src 'self'",
  "font-src 'self' data:",
  "form-action 'self'",
  "frame-ancestors 'none'",
  "img-src 'self' data:",
  "object-src 'none'",
  "script-src 'self'",
  "script-src-attr 'none'",
  "style-src 'self'",
].join("; ");

const DESCRIPTION = `The server side of "the user taps Pay": log in with a wx.login code, create server-priced orders, get the wx.requestPayment parameters, and read the real payment state.

Send the session token from POST /v1/session as \`Authorization: Bearer <token>\` (the **Authorize** button). Every error has one shape, \`{code, message, requestId, details?}\`; each route lists the codes it can answer, and docs/errors.md lists them all. Unknown fields are refused, not ignored. Every answer carries \`Cache-Control: no-store\`.`;

/**
 * OpenAPI generated from the routes' own TypeBox schemas (so it cannot drift from what is
 * validated), served as JSON at /docs/json and browsable at /docs. Register it before the
 * routes it describes.
 */
export async function registerApiDocs(app: KassaApp): Promise<void> {
  await app.register(swagger, {
    openapi: {
      info: { title: "Kassa mini program API", version: "0.1.0", description: DESCRIPTION },
      tags: [
        { name: "session", description: "Log in with a wx.login code, log out" },
        { name: "catalog", description: "What can be bought, at the server's prices" },
        { name: "orders", description: "Create, list, read, pay, confirm and cancel your orders" },
        {
          name: "wallet",
          description:
            "Your stored value (会员充值): top it up, see its balance and history; pay an order from it",
        },
        {
          name: "bookings",
          description:
            "Seats in a merchant's time slots (服务预订): availability, book (paid as any order), your ticket, cancel for the refund the service's policy gives",
        },
        {
          name: "tips",
          description:
            "Tips to a merchant's recipients (打赏): whom you can tip and their rules, tip an amount you choose (paid as any order), your tip",
        },
        {
          name: "merchant",
          description:
            "The merchant API, for the merchant's own servers (docs/merchant-api.md): the catalog, orders with their timeline, events, daily reconciliation. Authorize with an API key from `npm run kassa -- keys create`",
        },
        {
          name: "admin",
          description:
            "The admin API, for the operators' console (docs/admin-api.md): a session cookie from POST /admin/v1/session, and the X-CSRF-Token header on every change",
        },
      ],
      components: {
        securitySchemes: {
          session: {
            type: "http",
            scheme: "bearer",
            bearerFormat: "kst_…",
            description: "The token from POST /v1/session, as `Authorization: Bearer <token>`",
          },
          merchantKey: {
            type: "http",
            scheme: "bearer",
            bearerFormat: "sk_live_… or sk_test_…",
            description:
              "A merchant API key, as `Authorization: Bearer <key>`: made by `npm run kassa -- keys create --app <appId>`, shown once",
          },
          adminSession: {
            type: "apiKey",
            in: "cookie",
            name: "__Host-kassa_admin",
            description: "The operator's session cookie, set by POST /admin/v1/session",
          },
        },
      },
      security: [{ session: [] }],
    },
  });
  await app.register(swaggerUi, {
    routePrefix: "/docs",
    staticCSP: DOCS_CSP,
    theme: { title: "Kassa API docs" },
    uiConfig: { layout: "BaseLayout", deepLinking: true, defaultModelsExpandDepth: 0 },
  });
}
