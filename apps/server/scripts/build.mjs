#!/usr/bin/env node
// `npm run build`: compiles the server to plain JavaScript in apps/server/dist/, so production
// runs `node apps/server/dist/cli.js` (and `kassa-cli.js`) without tsx compiling TypeScript at
// every start, and node itself gets SIGTERM (issue 13). esbuild bundles Kassa's own code and
// its workspaces (@kassa/*, whose package.json points at TypeScript sources); every npm
// dependency stays an import of node_modules, so native modules (better-sqlite3) and their
// files load exactly as they do under `npm start`.
import { rmSync } from "node:fs";
import { join } from "node:path";
import { build } from "esbuild";

const root = join(import.meta.dirname, "..");
const outdir = join(root, "dist");

/** Bare imports that are not @kassa/* stay external: node resolves them from node_modules. */
const npmDependenciesExternal = {
  name: "npm-dependencies-external",
  setup(builder) {
    builder.onResolve({ filter: /^[^./]/ }, (args) =>
      args.path.startsWith("@kassa/") ? undefined : { path: args.path, external: true },
    );
  },
};

const started = Date.now();
rmSync(outdir, { recursive: true, force: true });
const result = await build({
  absWorkingDir: root,
  entryPoints: { cli: "src/cli.ts", "kassa-cli": "src/kassa-cli.ts" },
  outdir,
  bundle: true,
  // The demo's simulator is imported only in demo mode (main.ts): it stays its own chunk,
  // which a production process never loads. Chunks sit directly in dist/, one level below
  // apps/server/, as src/server-root.ts expects.
  splitting: true,
  format: "esm",
  platform: "node",
  target: "node20",
  sourcemap: "linked",
  // Stack traces in the log name the TypeScript file and line (node --enable-source-maps).
  sourcesContent: false,
  chunkNames: "chunk-[hash]",
  plugins: [npmDependenciesExternal],
  logLevel: "warning",
  metafile: true,
});
const bytes = Object.values(result.metafile.outputs).reduce((sum, output) => sum + output.bytes, 0);
process.stdout.write(
  `Built apps/server/dist/ (${Math.round(bytes / 1024)} KiB) in ${Date.now() - started} ms: node apps/server/dist/cli.js\n`,
);
