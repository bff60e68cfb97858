/**
 * The `kassa` CLI's commands (kassa-cli.ts dispatches them): the one list the top-level usage
 * is printed from and an unknown command is checked against, before any configuration or
 * database is touched. Each command prints its own usage for a mistake in its arguments.
 */
export const KASSA_COMMANDS = {
  doctor: "check the configuration npm start would use, before it goes live",
  migrate: "show (--status) or apply the database migrations",
  keys: "merchant API keys: create, list, revoke",
  operators: "console operators: create, list",
  ledger: "ledger check: whether the books hold (chain, balances, every order's money)",
  jobs: "the jobs that are due or failed, and why; jobs retry JOB_ID",
  purge: "the daily data purge, by hand (--dry-run counts what is due)",
  listen: "forward an app's webhook events to a local receiver (while developing)",
  trigger: "make one event happen for real in demo mode (for listen)",
} as const;
export type KassaCommand = keyof typeof KASSA_COMMANDS;

const HELP = new Set(["help", "--help", "-h"]);

export function kassaUsage(): string {
  const width = Math.max(...Object.keys(KASSA_COMMANDS).map((name) => name.length));
  const lines = Object.entries(KASSA_COMMANDS).map(([name, what]) => `  ${name.padEnd(width)}  ${what}`);
  return [
    "Usage: npm run kassa -- <command> [arguments]",
    "",
    "Commands:",
    ...lines,
    "",
    "Run a command without arguments (or with wrong ones) for its own usage.",
  ].join("\n");
}

/**
 * The command argv names, or the exit code when there is none to run: 0 after printing the
 * usage for `help`, 2 with the usage on stderr for no command or an unknown one.
 */
export function commandOf(
  argv: readonly string[],
  io: { out: (line: string) => void; err: (line: string) => void },
): KassaCommand | number {
  const [name] = argv;
  if (name !== undefined && Object.hasOwn(KASSA_COMMANDS, name)) return name as KassaCommand;
  if (name !== undefined && HELP.has(name)) {
    io.out(kassaUsage());
    return 0;
  }
  io.err(
    `${name === undefined ? "kassa: no command given" : `kassa: unknown command "${name}"`}\n\n${kassaUsage()}`,
  );
  return 2;
}
