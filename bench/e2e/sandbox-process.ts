import { type ChildProcess, spawn } from "node:child_process";
import { writeFile } from "node:fs/promises";
import { join } from "node:path";

export interface SandboxProcess {
  url: string;
  dataDir: string;
  child: ChildProcess;
  stop(): Promise<void>;
}

const ROOT = join(import.meta.dirname, "../..");

/**
 * The simulator as its own process (`npm run sandbox`), so the payer's side and the
 * notifications cost the benchmark's process nothing but the HTTP it receives.
 */
export async function startSandboxProcess(
  dataDir: string,
  merchant: { mchid: string; appid: string },
): Promise<SandboxProcess> {
  const configFile = join(dataDir, "sandbox.json");
  await writeFile(
    configFile,
    JSON.stringify({
      // The simulator's own fsyncs would otherwise be what is measured; Kassa keeps its own.
      durability: "relaxed",
      // WeChat Pay notifies different orders at once; one at a time would be the bottleneck.
      jobConcurrency: 32,
      merchants: [{ ...merchant, merchantName: "Bench shop", certificates: false }],
    }),
  );
  const child = spawn(
    process.execPath,
    [
      "--import",
      "tsx",
      join(ROOT, "packages/sandbox/src/cli.ts"),
      "--port",
      "0",
      "--data",
      dataDir,
      "--config",
      configFile,
    ],
    { cwd: ROOT, stdio: ["ignore", "pipe", "inherit"] },
  );
  const url = await new Promise<string>((resolve, reject) => {
    let output = "";
    child.stdout?.on("data", (chunk: Buffer) => {
      output += chunk.toString();
      const match = /WeChat Pay API\s+(http:\/\/[^/\s]+)\/v3/.exec(output);
      if (match?.[1]) resolve(match[1]);
    });
    child.once("exit", (code) =>
      reject(new Error(`the sandbox exited (${code}) before listening:\n${output}`)),
    );
  });
  return {
    url,
    dataDir,
    child,
    stop: () =>
      new Promise((resolve) => {
        child.once("exit", () => resolve());
        child.kill("SIGINT");
      }),
  };
}
