import { Type } from "typebox";
import type { Operator } from "../../db/operators-repo.ts";
import type { ErrorCode } from "../../domain/errors.ts";

export const OperatorRoleSchema = Type.Union(
  [Type.Literal("viewer"), Type.Literal("support"), Type.Literal("finance"), Type.Literal("admin")],
  { description: "domain/operator-roles.ts says what each may do" },
);

export const OperatorSchema = Type.Object({
  id: Type.String(),
  login: Type.String(),
  role: OperatorRoleSchema,
  apps: Type.Union([Type.Array(Type.String()), Type.Null()], {
    description: "The apps it sees; null: every app",
  }),
  hasTotp: Type.Boolean(),
  createdAt: Type.String(),
});

export function viewOperator(operator: Operator) {
  return {
    id: operator.id,
    login: operator.login,
    role: operator.role,
    apps: operator.appIds === undefined ? null : [...operator.appIds],
    hasTotp: operator.hasTotp,
    createdAt: new Date(operator.createdAt).toISOString(),
  };
}

/** Every route behind the session hook can answer these. */
export const ADMIN_SESSION: readonly ErrorCode[] = ["ADMIN_SESSION_REQUIRED", "ADMIN_FORBIDDEN"];
/** Every change, besides: the CSRF token. */
export const ADMIN_CHANGE: readonly ErrorCode[] = [...ADMIN_SESSION, "ADMIN_CSRF_INVALID"];

export const AppQuery = Type.Optional(
  Type.String({
    minLength: 1,
    maxLength: 64,
    description: "The app (`app_…`); the default app when left out",
  }),
);

/** The console sends one per dialog: a double click, or a retry, is then one change. */
export const AdminIdempotencyHeaders = Type.Object({
  "idempotency-key": Type.String({
    pattern: "^[\\x21-\\x7e]{1,255}$",
    description:
      "Required: 1-255 printable ASCII characters. The same key with the same request answers what the first answered (with `Idempotent-Replayed: true`); keys are per operator",
    examples: ["console-refund-3f9a1c07"],
  }),
});

export const NoteBody = Type.Object(
  { note: Type.Optional(Type.String({ maxLength: 500, pattern: "^\\P{C}*$", description: "Why" })) },
  { additionalProperties: false },
);

export const AppOnlyQuery = Type.Object({ app: AppQuery }, { additionalProperties: false });
