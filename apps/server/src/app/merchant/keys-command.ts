import { parseArgs } from "node:util";
import { findKeyById, listKeysOfApp } from "../../db/api-keys-repo.ts";
import type { Executor } from "../../db/executor.ts";
import type { IdSource } from "../../domain/ids.ts";
import { API_KEY_NAME, makeApiKey, revokeApiKey } from "./api-key-lifecycle.ts";
import { type KeyMode, parseScopes } from "./api-keys.ts";

export interface CommandIo {
  db: Executor;
  /** `live` in production, `test` in demo mode: the keys' prefix. */
  mode: KeyMode;
  now: () => number;
  ids: IdSource;
  out: (line: string) => void;
  err: (line: string) => void;
}

export const USAGE = `Usage:
  npm run kassa -- keys create --app <appId> [--scopes read|read,write] [--name <name>] [--secret-only]
  npm run kassa -- keys list --app <appId>
  npm run kassa -- keys revoke <keyId>`;

/**
 * `npm run kassa -- keys ...`: merchant API keys, on the database `npm start` uses. Returns
 * the exit code: 0 done, 1 refused (unknown app or key), 2 a usage mistake.
 */
export async function runKassaCommand(argv: readonly string[], io: CommandIo): Promise<number> {
  let parsed: ReturnType<typeof parse>;
  try {
    parsed = parse(argv);
  } catch (error) {
    io.err(`${(error as Error).message}\n${USAGE}`);
    return 2;
  }
  const { positionals, values } = parsed;
  const [group, command, ...rest] = positionals;
  if (group !== "keys" || !command) {
    io.err(USAGE);
    return 2;
  }
  if (command === "create" && rest.length === 0) return createKey(io, values);
  if (command === "list" && rest.length === 0) return listKeys(io, values.app);
  if (command === "revoke" && rest.length === 1 && rest[0]) return revoke(io, rest[0]);
  io.err(USAGE);
  return 2;
}

function parse(argv: readonly string[]) {
  return parseArgs({
    args: [...argv],
    allowPositionals: true,
    strict: true,
    options: {
      app: { type: "string" },
      scopes: { type: "string" },
      name: { type: "string" },
      "secret-only": { type: "boolean" },
    },
  });
}

async function createKey(
  io: CommandIo,
  values: { app?: string; scopes?: string; name?: string; "secret-only"?: boolean },
): Promise<number> {
  if (!values.app) {
    io.err(`keys create needs --app <appId>\n${USAGE}`);
    return 2;
  }
  // Least privilege by default: a key that may change the catalog is asked for by name.
  const scopes = parseScopes(values.scopes ?? "read");
  if (!scopes.ok) {
    io.err(`--scopes: ${scopes.reason}`);
    return 2;
  }
  const name = values.name ?? "api key";
  if (!API_KEY_NAME.test(name)) {
    io.err("--name: 1-100 characters, no control characters");
    return 2;
  }
  if (!(await appExists(io, values.app))) return 1;
  const { id, secret } = await makeApiKey(io.db, {
    appId: values.app,
    name,
    scopes: scopes.scopes,
    mode: io.mode,
    ids: io.ids,
    now: io.now(),
  });
  if (values["secret-only"]) {
    io.out(secret);
    return 0;
  }
  io.out(`Created ${id} for app ${values.app} (scopes: ${scopes.scopes.join(",")}; name: ${name}).`);
  io.out("The key is shown only now; Kassa keeps only its hash. Store it in your server's secrets:");
  io.out("");
  io.out(`  ${secret}`);
  io.out("");
  io.out(`Revoke it with: npm run kassa -- keys revoke ${id}`);
  return 0;
}

async function listKeys(io: CommandIo, appId: string | undefined): Promise<number> {
  if (!appId) {
    io.err(`keys list needs --app <appId>\n${USAGE}`);
    return 2;
  }
  if (!(await appExists(io, appId))) return 1;
  const keys = await listKeysOfApp(io.db, appId);
  if (keys.length === 0) {
    io.out(`App ${appId} has no API keys; make one with: npm run kassa -- keys create --app ${appId}`);
    return 0;
  }
  const time = (ms: number | null) => (ms === null ? "-" : new Date(ms).toISOString());
  const rows = keys.map((key) => [
    key.id,
    key.name,
    key.scopes.join(","),
    key.secretHint,
    time(key.createdAt),
    time(key.lastUsedAt),
    key.revokedAt === null ? "live" : `revoked ${time(key.revokedAt)}`,
  ]);
  const header = ["id", "name", "scopes", "starts with", "created", "last used", "state"];
  const widths = header.map((title, column) =>
    Math.max(title.length, ...rows.map((row) => (row[column] ?? "").length)),
  );
  for (const row of [header, ...rows])
    io.out(
      row
        .map((cell, column) => cell.padEnd(widths[column] ?? 0))
        .join("  ")
        .trimEnd(),
    );
  return 0;
}

async function revoke(io: CommandIo, keyId: string): Promise<number> {
  const key = await findKeyById(io.db, keyId);
  if (!key) {
    io.err(`No API key ${keyId}; list an app's keys with: npm run kassa -- keys list --app <appId>`);
    return 1;
  }
  if (!(await revokeApiKey(io.db, { id: keyId, now: io.now() }))) {
    io.out(`${keyId} was already revoked.`);
    return 0;
  }
  io.out(
    `Revoked ${keyId} (app ${key.appId}, name: ${key.name}). Requests with it now get 401 MERCHANT_KEY_INVALID.`,
  );
  return 0;
}

async function appExists(io: CommandIo, appId: string): Promise<boolean> {
  const app = await io.db.selectFrom("apps").select("id").where("id", "=", appId).executeTakeFirst();
  if (app) return true;
  const apps = await io.db.selectFrom("apps").select(["id", "name"]).orderBy("id").execute();
  io.err(
    `No app ${appId}. Apps in this database: ${apps.map((a) => `${a.id} (${a.name})`).join(", ") || "none"}`,
  );
  return false;
}
