import { paramError } from "../wechat-error.ts";

/**
 * Field checks that answer as WeChat Pay does: 400 PARAM_ERROR with `detail.field` (a JSON
 * pointer into the body), `detail.issue` and `detail.location` (§1 "Error body", §5.1).
 */

export function parseJsonObject(rawBody: string): Record<string, unknown> {
  let value: unknown;
  try {
    value = JSON.parse(rawBody);
  } catch {
    throw paramError(
      "/",
      "the body is not valid JSON (send Content-Type: application/json and a JSON object)",
      "body",
    );
  }
  if (typeof value !== "object" || value === null || Array.isArray(value)) {
    throw paramError("/", "the body must be a JSON object", "body");
  }
  return value as Record<string, unknown>;
}

/**
 * §1 "Charset": only characters that encode in 1-3 UTF-8 bytes. Emoji and other
 * characters outside the BMP are refused wherever they appear.
 */
export function refuseFourByteCharacters(value: unknown, pointer = ""): void {
  if (typeof value === "string") {
    for (const character of value) {
      if (character.codePointAt(0)! > 0xffff) {
        throw paramError(
          pointer || "/",
          "contains a character that takes 4 bytes in UTF-8 (such as an emoji)",
          "body",
        );
      }
    }
  } else if (Array.isArray(value)) {
    for (const [index, item] of value.entries()) refuseFourByteCharacters(item, `${pointer}/${index}`);
  } else if (typeof value === "object" && value !== null) {
    for (const [key, item] of Object.entries(value)) refuseFourByteCharacters(item, `${pointer}/${key}`);
  }
}

interface StringRules {
  required?: boolean;
  /** Counted in characters, as WeChat's string(N) limits are (§5.1 description: 127 characters). */
  maxChars: number;
  minChars?: number;
  pattern?: RegExp;
  patternIssue?: string;
}

/** Reads fields of one JSON object by pointer, refusing wrong types and bounds. */
export class FieldReader {
  readonly #root: Record<string, unknown>;

  constructor(root: Record<string, unknown>) {
    this.#root = root;
  }

  string(pointer: string, rules: StringRules): string | undefined {
    const value = this.#at(pointer, rules.required ?? false);
    if (value === undefined) return undefined;
    if (typeof value !== "string") throw paramError(pointer, "must be a string", "body", value);
    const length = [...value].length;
    const min = rules.minChars ?? (rules.required ? 1 : 0);
    if (length < min || length > rules.maxChars) {
      const bounds = min === rules.maxChars ? `${min}` : `${min} to ${rules.maxChars}`;
      throw paramError(pointer, `must be ${bounds} characters long, got ${length}`, "body", value);
    }
    if (rules.pattern && !rules.pattern.test(value)) {
      throw paramError(pointer, rules.patternIssue ?? `must match ${rules.pattern}`, "body", value);
    }
    return value;
  }

  integer(pointer: string, rules: { required?: boolean; min?: number }): number | undefined {
    const value = this.#at(pointer, rules.required ?? false);
    if (value === undefined) return undefined;
    if (typeof value !== "number" || !Number.isSafeInteger(value)) {
      throw paramError(pointer, "must be an integer (amounts are integer fen: 1 = ¥0.01)", "body", value);
    }
    if (rules.min !== undefined && value < rules.min) {
      throw paramError(pointer, `must be at least ${rules.min}`, "body", value);
    }
    return value;
  }

  boolean(pointer: string): boolean | undefined {
    const value = this.#at(pointer, false);
    if (value !== undefined && typeof value !== "boolean")
      throw paramError(pointer, "must be true or false", "body", value);
    return value as boolean | undefined;
  }

  object(pointer: string, required = false): Record<string, unknown> | undefined {
    const value = this.#at(pointer, required);
    if (value !== undefined && (typeof value !== "object" || value === null || Array.isArray(value))) {
      throw paramError(pointer, "must be a JSON object", "body", value);
    }
    return value as Record<string, unknown> | undefined;
  }

  array(pointer: string): unknown[] | undefined {
    const value = this.#at(pointer, false);
    if (value !== undefined && !Array.isArray(value))
      throw paramError(pointer, "must be a JSON array", "body", value);
    return value as unknown[] | undefined;
  }

  #at(pointer: string, required: boolean): unknown {
    let current: unknown = this.#root;
    for (const segment of pointer.split("/").slice(1)) {
      if (current === undefined || current === null) break;
      current = (current as Record<string, unknown>)[segment];
    }
    if (current === null)
      throw paramError(pointer, 'must not be null: omit absent fields (§1 "Nulls")', "body");
    if (current === undefined && required) throw paramError(pointer, "is required", "body");
    return current;
  }
}
