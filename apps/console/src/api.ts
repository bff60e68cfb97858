/**
 * The admin API, as the console calls it (docs/admin-api.md): same origin, the session in
 * the `__Host-` cookie the browser keeps (never readable by this code), and the CSRF token
 * from the session sent back as X-CSRF-Token on every change.
 */
export interface Operator {
  id: string;
  login: string;
  role: "viewer" | "support" | "finance" | "admin";
  apps: string[] | null;
  hasTotp: boolean;
  createdAt: string;
}

/** Kassa's error envelope (docs/errors.md): a stable code and a message a person can act on. */
export class ApiError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
    readonly requestId: string | undefined,
    /** The envelope's `details`: what the refusal is about (e.g. the latest day that is ready). */
    readonly details: Record<string, unknown> = {},
  ) {
    super(message);
  }
}

let csrfToken: string | undefined;

/** Remember the session's CSRF token (from login or GET /admin/v1/session). */
export function rememberCsrfToken(token: string | undefined): void {
  csrfToken = token;
}

export async function api<T>(
  method: string,
  path: string,
  body?: unknown,
  extraHeaders: Record<string, string> = {},
): Promise<T> {
  const headers: Record<string, string> = { accept: "application/json", ...extraHeaders };
  if (body !== undefined) headers["content-type"] = "application/json";
  if (method !== "GET" && csrfToken) headers["x-csrf-token"] = csrfToken;
  const response = await fetch(`/admin/v1${path}`, {
    method,
    headers,
    credentials: "same-origin",
    ...(body !== undefined ? { body: JSON.stringify(body) } : {}),
  });
  if (response.status === 204) return undefined as T;
  const answer = (await response.json().catch(() => ({}))) as Record<string, unknown>;
  if (!response.ok)
    throw new ApiError(
      response.status,
      String(answer.code ?? "HTTP_ERROR"),
      String(answer.message ?? response.statusText),
      typeof answer.requestId === "string" ? answer.requestId : undefined,
      typeof answer.details === "object" && answer.details !== null
        ? (answer.details as Record<string, unknown>)
        : {},
    );
  return answer as T;
}

/** A query string from the filters that are set (empty ones are left out). */
export function queryOf(params: Record<string, string | number | undefined | null>): string {
  const search = new URLSearchParams();
  for (const [key, value] of Object.entries(params))
    if (value !== undefined && value !== null && value !== "") search.set(key, String(value));
  const text = search.toString();
  return text ? `?${text}` : "";
}

/**
 * An Idempotency-Key for one dialog: made when the dialog opens and sent with each of its
 * submits, so a double click or a retry is one refund (one adjustment) on the server.
 */
export function newIdempotencyKey(): string {
  return `console-${crypto.randomUUID()}`;
}

/** What each role may do, as domain/operator-roles.ts says: only to hide buttons (the server decides). */
export const MAY = {
  refund: ["support", "finance", "admin"],
  approve: ["finance", "admin"],
  actOnOrders: ["support", "finance", "admin"],
  wallets: ["finance", "admin"],
  tips: ["finance", "admin"],
  reconcile: ["finance", "admin"],
  webhooks: ["admin"],
  settings: ["admin"],
  catalogEdit: ["admin"],
} as const satisfies Record<string, readonly Operator["role"][]>;

export function may(operator: Operator, what: keyof typeof MAY): boolean {
  return (MAY[what] as readonly Operator["role"][]).includes(operator.role);
}
