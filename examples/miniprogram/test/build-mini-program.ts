import { copyFileSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join, relative } from "node:path";
import { fileURLToPath } from "node:url";
import ts from "typescript";

export const SOURCE = fileURLToPath(new URL("../miniprogram/", import.meta.url));
const DEFAULT_BASE_URL = '"http://127.0.0.1:8700"';
const DEFAULT_PAY_WAIT = "payWaitMs: 10_000";
const DEFAULT_DEMO = "demo: false,";

/**
 * The mini program as WeChat DevTools builds it (project.config.json's TypeScript compiler
 * plugin): each .ts to a CommonJS .js beside it, the wxml, wxss and json copied. The one
 * change is the one a developer makes: config.ts's baseUrl set to the Kassa under test (and,
 * for a short test, the bounded wait after wx.requestPayment; `demo: true` for demo mode).
 * miniprogram-simulate then loads the pages from this folder with Node's require.
 */
export function buildMiniProgram(
  baseUrl: string,
  options: { payWaitMs?: number; demo?: boolean } = {},
): string {
  const out = mkdtempSync(join(tmpdir(), "kassa-miniprogram-"));
  for (const file of filesUnder(SOURCE)) {
    const target = join(out, relative(SOURCE, file));
    mkdirSync(dirname(target), { recursive: true });
    if (!file.endsWith(".ts")) {
      copyFileSync(file, target);
      continue;
    }
    let source = readFileSync(file, "utf8");
    if (file.endsWith("config.ts")) {
      if (!source.includes(DEFAULT_BASE_URL))
        throw new Error(`config.ts no longer sets baseUrl to ${DEFAULT_BASE_URL}`);
      for (const expected of [DEFAULT_PAY_WAIT, DEFAULT_DEMO])
        if (!source.includes(expected)) throw new Error(`config.ts no longer sets ${expected}`);
      source = source.replace(DEFAULT_BASE_URL, JSON.stringify(baseUrl));
      if (options.payWaitMs !== undefined)
        source = source.replace(DEFAULT_PAY_WAIT, `payWaitMs: ${options.payWaitMs}`);
      if (options.demo) source = source.replace(DEFAULT_DEMO, "demo: true,");
    }
    const { outputText } = ts.transpileModule(source, {
      fileName: file,
      compilerOptions: { module: ts.ModuleKind.CommonJS, target: ts.ScriptTarget.ES2020 },
    });
    writeFileSync(target.replace(/\.ts$/, ".js"), outputText);
  }
  return out;
}

function filesUnder(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) =>
    entry.isDirectory() ? filesUnder(join(dir, entry.name)) : [join(dir, entry.name)],
  );
}
