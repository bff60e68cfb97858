import { execFile } from "node:child_process";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { promisify } from "node:util";
import { expect } from "vitest";
import type { KassaUnderTest } from "./kassa-harness.ts";

const run = promisify(execFile);

/**
 * A doc's walkthrough, run as written: its `sh` blocks in order, in one bash with curl and jq,
 * against a running Kassa and its simulator over real HTTP; each block followed by a `text`
 * block must print exactly that. The lines that name where Kassa, the simulator and the key are
 * (KASSA=, SIM=, KEY=) are set by the test instead: its Kassa listens on a port of its own, and
 * its key is made on the test's database. `minSteps` guards against a doc whose blocks stopped
 * being found (a renamed fence): the walkthrough would then pass by running nothing.
 */
export async function runWalkthrough(
  docName: string,
  kassa: KassaUnderTest,
  key: string,
  minSteps = 3,
): Promise<void> {
  const doc = readFileSync(join(import.meta.dirname, "../../../docs", docName), "utf8");
  const steps = walkthroughOf(doc);
  expect(steps.length).toBeGreaterThanOrEqual(minSteps);
  const marker = (index: number) => `@@step ${index}@@`;
  const script = steps
    .map((step, index) => {
      const lines = step.script.split("\n").filter((line) => !/^(KASSA|SIM|KEY)=/.test(line));
      return [`echo '${marker(index)}'`, ...lines].join("\n");
    })
    .join("\n");
  const { stdout } = await run("bash", ["-euo", "pipefail", "-c", script], {
    env: { ...process.env, KASSA: kassa.url, SIM: kassa.sandbox.url, KEY: key },
    timeout: 60_000,
  });
  steps.forEach((step, index) => {
    const start = stdout.indexOf(`${marker(index)}\n`) + marker(index).length + 1;
    const end = index + 1 < steps.length ? stdout.indexOf(marker(index + 1)) : stdout.length;
    if (step.expected !== undefined) expect(stdout.slice(start, end), `step ${index}`).toBe(step.expected);
  });
}

/** The doc's fenced blocks in order: each `sh` block, and the `text` block right after it, if any. */
function walkthroughOf(doc: string): { script: string; expected: string | undefined }[] {
  const fences = [...doc.matchAll(/```(\w+)\n([\s\S]*?)```/g)].map((match) => ({
    lang: match[1],
    body: match[2] ?? "",
    end: (match.index ?? 0) + match[0].length,
    start: match.index ?? 0,
  }));
  const steps: { script: string; expected: string | undefined }[] = [];
  fences.forEach((fence, index) => {
    if (fence.lang !== "sh") return;
    const next = fences[index + 1];
    const adjacent = next?.lang === "text" && doc.slice(fence.end, next.start).trim() === "";
    steps.push({ script: fence.body, expected: adjacent ? next.body : undefined });
  });
  return steps;
}
