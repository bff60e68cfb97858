import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import pino from "pino";
import { afterAll, describe, expect, it } from "vitest";
import { buildHttpServer } from "../server.ts";
import { consolePage } from "./console-page.ts";

const made: string[] = [];
afterAll(() => {
  for (const dir of made) rmSync(dir, { recursive: true, force: true });
});

async function serve(dist: string) {
  return buildHttpServer({
    logger: pino({ level: "silent" }),
    bodyLimit: 1024,
    register: (app) => consolePage(app, dist),
  });
}

describe("consolePage", () => {
  it("says how to build the console when its build is missing, instead of a blank page", async () => {
    const app = await serve(join(tmpdir(), "no-such-console-dist"));
    const answer = await app.inject({ method: "GET", url: "/console/orders" });
    expect(answer.statusCode).toBe(503);
    expect(answer.body).toContain("npm install");
    await app.close();
  });

  it("answers every console path with the page and a nonce of its own, and only known assets", async () => {
    const dist = mkdtempSync(join(tmpdir(), "console-dist-"));
    made.push(dist);
    mkdirSync(join(dist, "assets"));
    writeFileSync(
      join(dist, "index.html"),
      '<script nonce="KASSA_CSP_NONCE" src="/console/assets/a.js"></script>',
    );
    writeFileSync(join(dist, "assets", "a.js"), "console.log(1)");
    const app = await serve(dist);
    const page = await app.inject({ method: "GET", url: "/console/orders/ord_1?tab=timeline" });
    const nonce = /'nonce-([^']+)'/.exec(String(page.headers["content-security-policy"]))?.[1];
    expect(page.body).toBe(`<script nonce="${nonce}" src="/console/assets/a.js"></script>`);
    const asset = await app.inject({ method: "GET", url: "/console/assets/a.js" });
    expect(asset.headers["content-type"]).toBe("text/javascript; charset=utf-8");
    expect(asset.headers["cache-control"]).toContain("immutable");
    expect((await app.inject({ method: "GET", url: "/console/assets/..%2Findex.html" })).statusCode).toBe(
      404,
    );
    expect((await app.inject({ method: "GET", url: "/console/assets/b.js" })).statusCode).toBe(404);
    await app.close();
  });
});
