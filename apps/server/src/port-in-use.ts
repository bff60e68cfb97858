/**
 * A port Kassa must listen on is taken (issue 13: a second `npm start` died with a raw
 * EADDRINUSE stack). An operator's mistake, told in one line that names the setting to change;
 * cli.ts prints it without a stack, as it does a ConfigError.
 */
export class PortInUseError extends Error {
  constructor(
    readonly address: string,
    what: string,
    variable: string,
  ) {
    super(
      `${address} is already in use, so ${what} cannot listen there; perhaps another npm start is running: stop it, or set ${variable} to a free port`,
    );
    this.name = "PortInUseError";
  }
}

/** Run a listen; an EADDRINUSE becomes a PortInUseError naming `variable`. */
export async function listening<T>(
  where: { host: string; port: number; what: string; variable: string },
  listen: () => Promise<T>,
): Promise<T> {
  try {
    return await listen();
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== "EADDRINUSE") throw error;
    throw new PortInUseError(`${where.host}:${where.port}`, where.what, where.variable);
  }
}
