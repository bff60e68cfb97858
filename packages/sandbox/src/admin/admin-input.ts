import { SandboxError } from "../errors.ts";

/** Checks of admin inputs, shared by the admin API's parts: JSON from the wire and JS callers alike. */

export function object(value: unknown, what: string): Record<string, unknown> {
  if (typeof value !== "object" || value === null || Array.isArray(value))
    throw invalid(`the ${what} must be a JSON object`);
  return value as Record<string, unknown>;
}

export function only(body: Record<string, unknown>, allowed: string[]): void {
  const unknown = Object.keys(body).filter((key) => !allowed.includes(key));
  if (unknown.length > 0)
    throw invalid(`unknown field ${unknown.join(", ")}; allowed: ${allowed.join(", ")}`);
}

export function optionalString(body: Record<string, unknown>, key: string): void {
  if (body[key] !== undefined && typeof body[key] !== "string") throw invalid(`${key} must be a string`);
}

export function invalid(detail: string): SandboxError {
  return new SandboxError("ADMIN_REQUEST_INVALID", detail);
}
