import { spawn } from "node:child_process";
import { mkdtemp, readFile, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";

const BIN = fileURLToPath(new URL("../bin/kassa-sandbox.js", import.meta.url));

describe("the kassa-sandbox program", () => {
  it("starts from a config file, prints its URLs, serves, and saves its state on SIGTERM", async () => {
    const dir = await mkdtemp(join(tmpdir(), "kassa-sandbox-cli-"));
    try {
      const config = join(dir, "sandbox.json");
      await writeFile(
        config,
        JSON.stringify({ seed: "cli", merchants: [{ mchid: "1900000109", merchantName: "CLI" }] }),
      );
      const child = spawn(
        process.execPath,
        [BIN, "--port", "0", "--data", join(dir, "data"), "--config", config],
        {
          stdio: ["ignore", "pipe", "pipe"],
        },
      );
      let output = "";
      const url = await new Promise<string>((resolve, reject) => {
        child.stdout.on("data", (chunk: Buffer) => {
          output += chunk.toString();
          const match = /WeChat Pay API\s+(http:\/\/127\.0\.0\.1:\d+)\/v3/.exec(output);
          if (match && output.includes("Merchants")) resolve(match[1]!);
        });
        child.stderr.on("data", (chunk: Buffer) => (output += chunk.toString()));
        child.once("exit", (code) => reject(new Error(`exited with ${code}: ${output}`)));
      });
      expect(output).toContain("seed cli");
      expect(output).toContain("1900000109");
      const merchants = (await (await fetch(`${url}/admin/merchants`)).json()) as {
        data: { mchid: string }[];
      };
      expect(merchants.data.map((merchant) => merchant.mchid)).toEqual(["1900000109"]);
      const exited = new Promise<number | null>((resolve) => child.once("exit", resolve));
      child.kill("SIGTERM");
      expect(await exited).toBe(0);
      const state = JSON.parse(await readFile(join(dir, "data", "state.json"), "utf8"));
      expect(Object.keys(state.tables.merchants)).toEqual(["1900000109"]);
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });

  it("refuses a config file with an unknown setting, naming it, and exits 1", async () => {
    const dir = await mkdtemp(join(tmpdir(), "kassa-sandbox-cli-"));
    try {
      const config = join(dir, "sandbox.json");
      await writeFile(config, JSON.stringify({ prot: 8780 }));
      const child = spawn(process.execPath, [
        BIN,
        "--port",
        "0",
        "--data",
        join(dir, "data"),
        "--config",
        config,
      ]);
      let stderr = "";
      child.stderr.on("data", (chunk: Buffer) => (stderr += chunk.toString()));
      const code = await new Promise<number | null>((resolve) => child.once("exit", resolve));
      expect(code).toBe(1);
      expect(stderr).toContain("config.prot is not a known setting");
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });
});
