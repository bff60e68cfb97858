# Kassa in production: the compiled server (npm run build) on Node.js 20, as a non-root user.
# docs/deployment.md says how to build and run it, alone or with compose.yaml.

# --- build: every dependency, the console (vite) and the server (esbuild) ---------------------
FROM node:20-bookworm-slim AS build
WORKDIR /app
# better-sqlite3 compiles from source where no prebuilt binary matches the platform.
RUN apt-get update \
  && apt-get install -y --no-install-recommends python3 make g++ \
  && rm -rf /var/lib/apt/lists/*
COPY . .
RUN npm ci --no-audit --no-fund \
  && npm run build \
  && npm prune --omit=dev --no-audit --no-fund \
  # The workspaces are bundled into apps/server/dist: their links would dangle in the image.
  && rm -rf node_modules/@kassa

# --- run: the build's output and production dependencies only --------------------------------
FROM node:20-bookworm-slim
ENV NODE_ENV=production \
    KASSA_MODE=production \
    HOST=0.0.0.0 \
    PORT=8700 \
    KASSA_DATA_DIR=/var/lib/kassa
WORKDIR /app
COPY --from=build /app/package.json ./
COPY --from=build /app/node_modules ./node_modules
COPY --from=build /app/apps/server/package.json ./apps/server/
COPY --from=build /app/apps/server/dist ./apps/server/dist
# Read at run time (server-root.ts): the console's build, and the demo page (demo mode only).
COPY --from=build /app/apps/console/dist ./apps/console/dist
COPY --from=build /app/apps/server/src/http/demo ./apps/server/src/http/demo
RUN mkdir -p /var/lib/kassa && chown node:node /var/lib/kassa
# The image's own unprivileged user (uid 1000); nothing under /app is writable by it.
USER node
EXPOSE 8700
# Liveness only: /readyz (database, migrations, apps) is for the proxy or orchestrator to route by.
HEALTHCHECK --interval=10s --timeout=3s --start-period=30s --retries=3 \
  CMD ["node", "-e", "fetch(`http://127.0.0.1:${process.env.PORT}/healthz`).then((r) => process.exit(r.ok ? 0 : 1), () => process.exit(1))"]
# node is PID 1's child-free main process: SIGTERM from `docker stop` reaches Kassa itself, which
# finishes requests in flight within KASSA_SHUTDOWN_TIMEOUT_SECONDS (docker waits 10 s by default).
CMD ["node", "--enable-source-maps", "apps/server/dist/cli.js"]
