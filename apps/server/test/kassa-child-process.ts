import { type ChildProcess, spawn } from "node:child_process";

/** How a child process ended: its exit code, or the signal that killed it. */
export interface ChildExit {
  code: number | null;
  signal: NodeJS.Signals | null;
}

export interface KassaChildProcess {
  child: ChildProcess;
  /** Where Kassa listens, without the /v1: http://127.0.0.1:PORT. */
  url: string;
  /** Everything it wrote so far, stdout and stderr interleaved. */
  output: () => string;
  exited: Promise<ChildExit>;
}

/** The API line of the start banner (start-banner.ts), which crash/kassa-process.ts prints too. */
const API_LINE = /API: +(http:\/\/127\.0\.0\.1:\d+)\/v1/;

/**
 * Kassa started as a child process, once it says where it listens: the graceful-shutdown flow
 * starts `npm start`, cli.ts or the compiled build; the crash test its own kassa-process.ts.
 * Fails with what Kassa wrote when it exits before listening.
 */
export async function startKassaProcess(input: {
  command: string;
  args: readonly string[];
  cwd: string;
  env: NodeJS.ProcessEnv;
}): Promise<KassaChildProcess> {
  const child = spawn(input.command, input.args, {
    cwd: input.cwd,
    env: input.env,
    stdio: ["ignore", "pipe", "pipe"],
  });
  let output = "";
  const collect = (chunk: Buffer) => {
    output += chunk.toString("utf8");
  };
  child.stdout?.on("data", collect);
  child.stderr?.on("data", collect);
  const exited = new Promise<ChildExit>((done) =>
    child.once("exit", (code, signal) => done({ code, signal })),
  );
  const url = await new Promise<string>((found, failed) => {
    const timer = setInterval(() => {
      const match = API_LINE.exec(output);
      if (match?.[1]) {
        clearInterval(timer);
        found(match[1]);
      }
    }, 20);
    void exited.then(({ code, signal }) => {
      clearInterval(timer);
      failed(new Error(`Kassa exited (${code ?? signal}) before listening:\n${output}`));
    });
  });
  return { child, url, output: () => output, exited };
}
