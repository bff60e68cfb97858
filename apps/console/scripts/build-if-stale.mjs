#!/usr/bin/env node
// Builds the console when dist/ is missing or older than its sources, and does nothing
// otherwise (a few milliseconds). The root package runs it on `npm install` / `npm ci`
// (prepare) and before `npm start` (prestart), so a fresh clone serves /console with no
// build command to remember, and an edited console is rebuilt before it is served.
import { spawnSync } from "node:child_process";
import { existsSync, readdirSync, statSync } from "node:fs";
import { createRequire } from "node:module";
import { dirname, join } from "node:path";

const root = join(import.meta.dirname, "..");
const built = join(root, "dist", "index.html");
const SOURCES = ["src", "index.html", "vite.config.ts", "package.json", "scripts"];

function newestMtime(path) {
  const stat = statSync(path);
  if (!stat.isDirectory()) return stat.mtimeMs;
  let newest = 0;
  for (const entry of readdirSync(path)) newest = Math.max(newest, newestMtime(join(path, entry)));
  return newest;
}

const sourcesAt = Math.max(
  ...SOURCES.map((name) => join(root, name))
    .filter(existsSync)
    .map(newestMtime),
);
if (existsSync(built) && statSync(built).mtimeMs >= sourcesAt) process.exit(0);

const started = Date.now();
process.stdout.write("Building the operators' console (apps/console)...\n");
// npm workspaces hoist vite to the root's node_modules: resolve it as Node would.
const vite = join(
  dirname(createRequire(join(root, "package.json")).resolve("vite/package.json")),
  "bin/vite.js",
);
const result = spawnSync(process.execPath, [vite, "build", "--logLevel", "warn"], {
  cwd: root,
  stdio: "inherit",
});
if (result.status !== 0) process.exit(result.status ?? 1);
process.stdout.write(`Console built in ${((Date.now() - started) / 1000).toFixed(1)} s.\n`);
