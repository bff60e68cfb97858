import { randomBytes } from "node:crypto";
import { existsSync, readdirSync, readFileSync } from "node:fs";
import { extname, join } from "node:path";
import { fileURLToPath } from "node:url";
import type { FastifyReply } from "fastify";
import { KassaError } from "../../domain/errors.ts";
import { serverFile } from "../../server-root.ts";
import { hiddenFromDocs } from "../api-docs.ts";
import type { KassaApp } from "../server.ts";

/** apps/console's build (vite build; `npm install` runs it, see apps/console/scripts). */
export const CONSOLE_DIST = fileURLToPath(serverFile("../console/dist/"));
/** What apps/console/vite.config.ts writes where the per-request nonce goes. */
const NONCE_PLACEHOLDER = "KASSA_CSP_NONCE";

const TYPES: Readonly<Record<string, string>> = {
  ".js": "text/javascript; charset=utf-8",
  ".css": "text/css; charset=utf-8",
  ".svg": "image/svg+xml",
  ".png": "image/png",
  ".woff2": "font/woff2",
  ".json": "application/json",
};

/**
 * The console's Content-Security-Policy: only this origin, nothing inline but what carries
 * this response's nonce. Ant Design's CSS-in-JS writes <style> tags at run time; it is given
 * the nonce (ConfigProvider csp), so 'unsafe-inline' is never needed. Style attributes set
 * through the CSSOM (React's style prop) are not inline markup and pass. No
 * upgrade-insecure-requests, as for /docs: demo mode serves plain http on a LAN address.
 */
export function consoleCsp(nonce: string): string {
  return [
    "default-src 'self'",
    "base-uri 'self'",
    "connect-src 'self'",
    "font-src 'self' data:",
    "form-action 'self'",
    "frame-ancestors 'none'",
    "img-src 'self' data:",
    "object-src 'none'",
    `script-src 'self' 'nonce-${nonce}'`,
    "script-src-attr 'none'",
    `style-src 'self' 'nonce-${nonce}'`,
  ].join("; ");
}

/**
 * `/console`: the operators' console (issue 12), served in every mode; it talks to the
 * admin API only, whose session and permission checks guard everything it shows. The page
 * is one index.html for every path under /console (the console routes in the browser), with
 * a fresh nonce each time; assets have content-hashed names and are cached for good.
 */
export function consolePage(app: KassaApp, dist = CONSOLE_DIST): void {
  const indexFile = join(dist, "index.html");
  if (!existsSync(indexFile)) {
    app.get("/console", hiddenFromDocs, notBuilt);
    app.get("/console/*", hiddenFromDocs, notBuilt);
    return;
  }
  const index = readFileSync(indexFile, "utf8");
  const assets = new Map<string, { body: Buffer; type: string }>();
  const assetsDir = join(dist, "assets");
  for (const name of existsSync(assetsDir) ? readdirSync(assetsDir) : [])
    assets.set(`/console/assets/${name}`, {
      body: readFileSync(join(assetsDir, name)),
      type: TYPES[extname(name)] ?? "application/octet-stream",
    });

  const page = async (_request: unknown, reply: FastifyReply) => {
    const nonce = randomBytes(16).toString("base64");
    return reply
      .type("text/html; charset=utf-8")
      .header("content-security-policy", consoleCsp(nonce))
      .header("cache-control", "no-store")
      .send(index.replaceAll(NONCE_PLACEHOLDER, nonce));
  };
  app.get("/console", hiddenFromDocs, page);
  app.get("/console/*", hiddenFromDocs, async (request, reply) => {
    const path = request.url.split("?")[0] as string;
    if (!path.startsWith("/console/assets/")) return page(request, reply);
    const asset = assets.get(path);
    if (!asset) throw new KassaError("ROUTE_NOT_FOUND");
    return reply
      .type(asset.type)
      .header("cache-control", "public, max-age=31536000, immutable")
      .send(asset.body);
  });
}

async function notBuilt(_request: unknown, reply: FastifyReply) {
  return reply
    .status(503)
    .type("text/plain; charset=utf-8")
    .header("cache-control", "no-store")
    .send(
      "The operators' console is not built. Run `npm install` (it builds apps/console), or `npm run build -w @kassa/console`, then restart Kassa.\n",
    );
}
