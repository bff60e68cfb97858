/**
 * Why Kassa could not open its database, said for the operator: the driver's error (`connect
 * ECONNREFUSED`, PostgreSQL's SQLSTATE 3D000, better-sqlite3's SQLITE_CANTOPEN) is found in
 * the cause chain and told with the address from DATABASE_URL (never its password) and what
 * to do. The CLI prints it without a stack: nothing in Kassa is broken, its setting is.
 */
export class DatabaseUnavailableError extends Error {
  constructor(message: string, options: { cause: unknown }) {
    super(`Kassa cannot start: ${message}`, options);
    this.name = "DatabaseUnavailableError";
  }
}

/** The operator's error for a failure to connect or migrate, or undefined when it is not one. */
export function databaseUnavailable(error: unknown, url: string): DatabaseUnavailableError | undefined {
  const problem = /^postgres(ql)?:\/\//.test(url) ? postgresProblem(error, url) : sqliteProblem(error, url);
  return problem === undefined ? undefined : new DatabaseUnavailableError(problem, { cause: error });
}

interface DriverError {
  code?: unknown;
  message?: unknown;
}

/** The error and its causes (Kysely's migrator wraps the driver's), and an AggregateError's parts. */
function driverErrors(error: unknown): DriverError[] {
  const found: DriverError[] = [];
  const visit = (value: unknown, depth: number) => {
    if (typeof value !== "object" || value === null || depth > 8) return;
    found.push(value as DriverError);
    if (value instanceof AggregateError) for (const part of value.errors) visit(part, depth + 1);
    visit((value as { cause?: unknown }).cause, depth + 1);
  };
  visit(error, 0);
  return found;
}

function firstWithCode(error: unknown, codes: readonly string[]): DriverError | undefined {
  return driverErrors(error).find((candidate) => codes.includes(String(candidate.code)));
}

function postgresProblem(error: unknown, url: string): string | undefined {
  const target = postgresTarget(url);
  const at = `PostgreSQL at ${target.where}`;
  const network: Record<string, string> = {
    ECONNREFUSED: "connection refused): start PostgreSQL there, or fix the host and port in DATABASE_URL",
    ENOTFOUND: `host ${target.host} not found): fix the host in DATABASE_URL`,
    EAI_AGAIN: `host ${target.host} could not be resolved now): check DNS, or the host in DATABASE_URL`,
    ETIMEDOUT: "timed out): check the host, port and firewall",
    EHOSTUNREACH: "host unreachable): check the host, port and firewall",
    ENETUNREACH: "network unreachable): check the host, port and firewall",
    ECONNRESET: "the server closed the connection): check that the port is PostgreSQL's, and sslmode",
  };
  const networkError = firstWithCode(error, Object.keys(network));
  if (networkError) return `cannot connect to ${at} (${network[String(networkError.code)]}`;

  // SQLSTATEs from the server (PostgreSQL manual, appendix A).
  const server = firstWithCode(error, ["3D000", "28P01", "28000", "53300", "57P03"]);
  switch (server?.code) {
    case "3D000":
      return `database ${target.database} does not exist on ${at}: create it (createdb ${target.database}) or fix the database name in DATABASE_URL`;
    case "28P01":
      return `${at} refused the password of user ${target.user}: fix the user or password in DATABASE_URL`;
    case "28000":
      return `${at} refused user ${target.user} (${String(server.message)}): create the role, allow it in pg_hba.conf, or fix the user in DATABASE_URL`;
    case "53300":
      return `${at} has no connection left (too many clients): raise max_connections or lower the other clients' pools`;
    case "57P03":
      return `${at} is starting up or shutting down: start Kassa again once it accepts connections`;
  }
  // pg, when the server asks for a password that DATABASE_URL does not hold.
  if (
    driverErrors(error).some((candidate) =>
      /client password must be a string/.test(String(candidate.message)),
    )
  ) {
    return `${at} asks user ${target.user} for a password: put it in DATABASE_URL (postgres://user:password@host/database)`;
  }
  return undefined;
}

/** Where DATABASE_URL points, for messages: never its password. */
function postgresTarget(url: string): { where: string; host: string; user: string; database: string } {
  try {
    const parsed = new URL(url);
    // pg's defaults (libpq's): localhost, 5432, the user's name as the database.
    const host = parsed.searchParams.get("host") ?? (decodeURIComponent(parsed.hostname) || "localhost");
    const port = parsed.searchParams.get("port") ?? (parsed.port || "5432");
    const user = decodeURIComponent(parsed.username) || "(the default user)";
    const database = decodeURIComponent(parsed.pathname.slice(1)) || decodeURIComponent(parsed.username);
    return { where: `${host}:${port}`, host, user, database: database || "(the default database)" };
  } catch {
    return { where: "DATABASE_URL", host: "in DATABASE_URL", user: "(unknown)", database: "(unknown)" };
  }
}

const SQLITE_REASONS: Record<string, string> = {
  EACCES: "permission denied",
  EPERM: "permission denied",
  EROFS: "the file system is read-only",
  ENOTDIR: "a part of the path is a file, not a directory",
  EEXIST: "a part of the path is a file, not a directory",
  EISDIR: "the path is a directory",
  ENOENT: "a directory on the path does not exist",
  ENOSPC: "the disk is full",
  SQLITE_CANTOPEN: "SQLite cannot open a file there",
  SQLITE_PERM: "permission denied",
  SQLITE_READONLY: "the file is read-only",
  SQLITE_READONLY_DIRECTORY: "the directory is read-only",
  SQLITE_FULL: "the disk is full",
};

function sqliteProblem(error: unknown, path: string): string | undefined {
  if (firstWithCode(error, ["SQLITE_NOTADB"])) {
    return `${path} is not a SQLite database: point DATABASE_URL at Kassa's database file, or at a path that does not exist yet`;
  }
  const failure = firstWithCode(error, Object.keys(SQLITE_REASONS));
  if (!failure) return undefined;
  return `cannot open the SQLite database ${path} (${SQLITE_REASONS[String(failure.code)]}): set DATABASE_URL (or KASSA_DATA_DIR) to a path in a directory this user can write`;
}
