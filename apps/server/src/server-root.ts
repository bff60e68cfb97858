/**
 * apps/server/, wherever this code runs from: the sources (src/server-root.ts) and the
 * compiled build (dist/*.js, scripts/build.mjs puts every chunk directly in dist/) are both
 * one level below it. Files read at run time (the console's build, the demo page's assets)
 * are found from here, so `npm start` and `node apps/server/dist/cli.js` serve the same ones.
 */
export const SERVER_ROOT = new URL("../", import.meta.url);

/** A file or folder under apps/server/, as a file: URL. */
export function serverFile(path: string): URL {
  return new URL(path, SERVER_ROOT);
}
