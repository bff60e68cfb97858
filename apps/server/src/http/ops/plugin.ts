import { createHash, timingSafeEqual } from "node:crypto";
import { Type } from "typebox";
import type { AppDeps } from "../../app/deps.ts";
import { databaseReadiness } from "../../db/readiness.ts";
import { KassaError } from "../../domain/errors.ts";
import type { KassaMetrics } from "../../observability/metrics.ts";
import { bearerTokenOf } from "../mini-program/bearer-token.ts";
import type { KassaApp } from "../server.ts";

export interface OpsContext {
  deps: AppDeps;
  metrics: KassaMetrics;
  /**
   * KASSA_METRICS_TOKEN: /metrics answers only with it. Undefined: open in demo mode, and in
   * production refused (METRICS_TOKEN_REQUIRED says what to set): counts of payments and
   * jobs are the operator's, not the internet's.
   */
  metricsToken: string | undefined;
  mode: "demo" | "production";
}

const CheckSchema = Type.Object({ ok: Type.Boolean(), detail: Type.String() });
const ReadySchema = Type.Object({
  status: Type.Union([Type.Literal("ready"), Type.Literal("not_ready")]),
  checks: Type.Object({ database: CheckSchema, migrations: CheckSchema, apps: CheckSchema }),
});

/**
 * For load balancers, Kubernetes and Prometheus (issue 13): `/healthz` (the process answers),
 * `/readyz` (it can serve: the database answers, every migration is applied, apps are loaded)
 * and `/metrics`. Not under /v1 and not in /docs: they are the operator's, not an API's
 * (docs/operations.md).
 */
export async function opsRoutes(app: KassaApp, context: OpsContext): Promise<void> {
  app.addHook("onSend", async (_request, reply) => {
    reply.header("cache-control", "no-store");
  });
  // A newcomer opening http://127.0.0.1:8700/ met a 404 (issue 13): demo mode sends them to
  // the demo page; production says where the documents and probes are.
  app.get("/", { schema: { hide: true } }, async (_request, reply) =>
    context.mode === "demo"
      ? reply.redirect("/demo")
      : { service: "kassa", docs: "/docs", console: "/console", health: "/healthz", ready: "/readyz" },
  );
  app.get(
    "/healthz",
    {
      schema: {
        summary: "Liveness: the process answers",
        hide: true,
        response: { 200: Type.Object({ status: Type.Literal("ok") }) },
      },
    },
    async () => ({ status: "ok" as const }),
  );
  app.get(
    "/readyz",
    {
      schema: {
        summary: "Readiness: the database answers, migrations are applied, apps are loaded",
        description: "503 with the failing check when not ready; route no traffic here until it is 200.",
        hide: true,
        response: { 200: ReadySchema, 503: ReadySchema },
      },
    },
    async (_request, reply) => {
      const checks = await readiness(context.deps);
      const ready = Object.values(checks).every((check) => check.ok);
      return reply.code(ready ? 200 : 503).send({ status: ready ? "ready" : "not_ready", checks });
    },
  );
  app.get(
    "/metrics",
    { schema: { summary: "Prometheus metrics (Authorization: Bearer KASSA_METRICS_TOKEN)", hide: true } },
    async (request, reply) => {
      refuseWithoutToken(context, request.headers.authorization);
      const body = await context.metrics.registry.metrics();
      return reply.type(context.metrics.registry.contentType).send(body);
    },
  );
}

function refuseWithoutToken(context: OpsContext, authorization: string | undefined): void {
  if (context.metricsToken === undefined) {
    if (context.mode === "demo") return;
    throw new KassaError("METRICS_TOKEN_REQUIRED");
  }
  const given = bearerTokenOf(authorization);
  // Compared as digests: equal lengths for timingSafeEqual, and no length leaked by timing.
  const digest = (text: string) => createHash("sha256").update(text).digest();
  if (!given || !timingSafeEqual(digest(given), digest(context.metricsToken)))
    throw new KassaError("METRICS_TOKEN_REQUIRED");
}

async function readiness(deps: AppDeps) {
  const { database, migrations } = await databaseReadiness(deps.db);
  const count = deps.apps.all().length;
  const apps = count > 0 ? { ok: true, detail: `${count} loaded` } : { ok: false, detail: "none loaded" };
  return { database, migrations, apps };
}
