import { readFileSync } from "node:fs";
import { DOCUMENTED_IDENTIFIERS, placeholderReason } from "./config-checks.ts";

export type Env = Readonly<Record<string, string | undefined>>;

/** Reads env values and records every problem, so one start-up lists them all. */
export class EnvReader {
  /**
   * `filesOnly`: secrets come only from `NAME_FILE` paths (KASSA_APPS_FILE has no place for a
   * secret itself, so the file can be read by people who must not see the keys).
   */
  constructor(
    private readonly env: Env,
    private readonly problems: string[],
    private readonly options: { filesOnly?: boolean } = {},
  ) {}

  problem(text: string): void {
    this.problems.push(text);
  }

  /** Let another reader (the apps file's) record into the same list. */
  collect<T>(read: (problems: string[]) => T): T {
    return read(this.problems);
  }

  /** Record `NAME <problem>` when a check found one. */
  check(name: string, problem: string | undefined): void {
    if (problem) this.problems.push(`${name} ${problem}`);
  }

  optional(name: string): string | undefined {
    return this.env[name]?.trim() || undefined;
  }

  required(name: string): string {
    const value = this.optional(name);
    if (!value) this.problems.push(`${name} is required`);
    return value ?? "";
  }

  /** A required value of a known shape; the message says its length, never the value. */
  identifier(name: string, shape: RegExp, what: () => string): string {
    const value = this.required(name);
    if (!value) return value;
    if (!shape.test(value)) this.problems.push(`${name} ${what()}, got ${value.length} characters`);
    else this.notSample(name, value, DOCUMENTED_IDENTIFIERS);
    return value;
  }

  notSample(name: string, value: string, samples: Readonly<Record<string, readonly string[]>>): void {
    if (samples[name]?.some((sample) => sample.toUpperCase() === value.toUpperCase())) {
      this.problems.push(`${name} is the sample value from the documentation; set your own`);
    }
  }

  /**
   * An absolute URL without query, fragment or credentials; https when asked (any case:
   * `new URL` lower-cases the scheme and host). The value is never echoed: it may hold a password.
   */
  url(name: string, raw: string, httpsOnly: string | undefined, queryWhy = ""): URL | undefined {
    let url: URL;
    try {
      url = new URL(raw);
    } catch {
      this.problems.push(`${name} is not an absolute URL; write it as https://host[:port][/path]`);
      return undefined;
    }
    if (httpsOnly !== undefined && url.protocol !== "https:") {
      this.problems.push(`${name} must be https:// in production ${httpsOnly}`);
      return undefined;
    }
    if (url.protocol !== "https:" && url.protocol !== "http:") {
      this.problems.push(`${name} must be an https:// (or, in demo mode, http://) URL`);
      return undefined;
    }
    if (url.username || url.password || url.search || url.hash || /[?#]/.test(raw)) {
      this.problems.push(
        `${name} must not carry a query (?...), a fragment (#...) or credentials (user:password@)${queryWhy}; write only https://host[:port][/path]`,
      );
      return undefined;
    }
    return url;
  }

  /** A secret from `NAME` or from the file at `NAME_FILE` (for Docker/K8s secrets). */
  secret(name: string): string {
    const fromFile = this.optionalFile(`${name}_FILE`)?.trim();
    const value = fromFile ?? (this.options.filesOnly ? undefined : this.optional(name));
    if (!value) {
      if (!this.optional(`${name}_FILE`))
        this.problems.push(
          this.options.filesOnly ? `${name}_FILE is required` : `${name} (or ${name}_FILE) is required`,
        );
      else if (fromFile === "") this.problems.push(`${name}_FILE names an empty file`);
      return "";
    }
    const reason = placeholderReason(value);
    if (reason) {
      this.problems.push(
        `${name} looks like a placeholder (${reason}); set the real value from the WeChat platform`,
      );
    }
    return value;
  }

  optionalFile(name: string): string | undefined {
    const path = this.optional(name);
    if (!path) return undefined;
    try {
      return readFileSync(path, "utf8");
    } catch (error) {
      const code = (error as NodeJS.ErrnoException).code;
      this.problems.push(`${name}: cannot read the file ${path}${code ? ` (${code})` : ""}`);
      return undefined;
    }
  }

  requiredFile(name: string): string {
    const value = this.optionalFile(name);
    if (value === undefined && !this.optional(name)) this.problems.push(`${name} is required`);
    // An empty file (a key copied before it was written, a mount of nothing) would be skipped
    // by every check of its content and fail only at the first signature: name it at start.
    else if (value !== undefined && value.trim() === "") {
      this.problems.push(`${name} names an empty file (${this.optional(name)})`);
      return ""; // one problem, not a second one from the content checks as well
    }
    return value ?? "";
  }

  integer(name: string, fallback: number, min: number, max: number): number {
    const raw = this.optional(name);
    if (raw === undefined) return fallback;
    const value = Number(raw);
    if (!Number.isInteger(value) || value < min || value > max) {
      this.problems.push(`${name} must be a whole number from ${min} to ${max}, got "${raw}"`);
      return fallback;
    }
    return value;
  }

  oneOf<T extends string>(name: string, allowed: readonly T[], fallback: T): T {
    const raw = this.optional(name);
    if (raw === undefined) return fallback;
    if ((allowed as readonly string[]).includes(raw)) return raw as T;
    this.problems.push(`${name} must be one of ${allowed.join(", ")}, got "${raw}"`);
    return fallback;
  }
}
