import { execFile } from "node:child_process";
import { mkdtempSync, readdirSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { promisify } from "node:util";
import { afterAll, describe, expect, it } from "vitest";
import { KASSA_COMMANDS } from "./kassa-commands.ts";

/**
 * `npm run kassa -- <command>` as an operator runs it: a child process with tsx. A command it
 * does not know says so and lists the commands, exit 2, before any configuration or database
 * is touched (an empty data directory stays empty).
 */
const root = resolve(fileURLToPath(import.meta.url), "../../../..");
const dataDir = mkdtempSync(join(tmpdir(), "kassa-cli-"));
afterAll(() => rmSync(dataDir, { recursive: true, force: true }));

async function kassa(args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  try {
    const { stdout, stderr } = await promisify(execFile)(
      process.execPath,
      [join(root, "node_modules/tsx/dist/cli.mjs"), join(root, "apps/server/src/kassa-cli.ts"), ...args],
      { cwd: dataDir, env: { PATH: process.env.PATH ?? "", KASSA_DATA_DIR: dataDir }, timeout: 60_000 },
    );
    return { code: 0, stdout, stderr };
  } catch (error) {
    const failed = error as { code: number; stdout: string; stderr: string };
    return { code: failed.code, stdout: failed.stdout, stderr: failed.stderr };
  }
}

describe("npm run kassa", () => {
  it("an unknown command says so and lists every command, exit 2, touching nothing", async () => {
    const answer = await kassa(["key", "create"]);
    expect(answer.code).toBe(2);
    expect(answer.stdout).toBe("");
    expect(answer.stderr).toMatch(/^kassa: unknown command "key"\n/);
    for (const [name, what] of Object.entries(KASSA_COMMANDS))
      expect(answer.stderr).toMatch(new RegExp(`^  ${name} +${what.replace(/[()|.]/g, "\\$&")}$`, "m"));
    // Not the keys command's usage, which it printed before.
    expect(answer.stderr).not.toContain("keys create --app");
    expect(readdirSync(dataDir)).toEqual([]);
  }, 60_000);

  it("no command is a usage mistake too; help prints the list on stdout, exit 0", async () => {
    const none = await kassa([]);
    expect(none.code).toBe(2);
    expect(none.stderr).toMatch(/^kassa: no command given\n\nUsage: npm run kassa -- <command>/);
    const help = await kassa(["--help"]);
    expect(help).toMatchObject({ code: 0, stderr: "" });
    expect(help.stdout).toMatch(/^ {2}trigger +make one event happen/m);
  }, 60_000);
});
