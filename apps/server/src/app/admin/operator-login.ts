import { TOTP } from "otpauth";
import type { Operator } from "../../db/operators-repo.ts";
import {
  clearFailedLogins,
  findOperatorRowByLogin,
  operatorOf,
  recordFailedLogin,
} from "../../db/operators-repo.ts";
import { inTransaction } from "../../db/transaction.ts";
import { KassaError } from "../../domain/errors.ts";
import { raiseAlert } from "../alerting/raise-alert.ts";
import type { AppDeps } from "../deps.ts";
import { audit } from "./audit.ts";
import { openOperatorSession } from "./operator-session.ts";
import { dummyPasswordHash, verifyPassword } from "./passwords.ts";

/** OWASP Authentication Cheat Sheet: lock after a handful of failures, for minutes, not for ever. */
export const MAX_FAILED_LOGINS = 5;
export const LOCKOUT_MS = 15 * 60_000;

export interface LoginInput {
  login: string;
  password: string;
  totp: string | undefined;
  address: string;
}

/**
 * An operator's login: the password (scrypt), then the TOTP code when the account has a
 * second factor. An unknown login costs a password verification too, and answers as a wrong
 * password does. Failures count per account, in the database, so every instance counts them;
 * the fifth locks the account for 15 minutes and raises an alert. Per-address throttling is
 * the HTTP layer's (rate-limit.ts).
 */
export async function loginOperator(
  deps: AppDeps,
  input: LoginInput,
): Promise<{ operator: Operator; token: string; csrfToken: string; expiresAt: number }> {
  const row = await findOperatorRowByLogin(deps.db, input.login);
  const now = deps.clock.now();
  if (!row || row.disabled_at !== null) {
    await verifyPassword(input.password, await dummyPasswordHash());
    throw new KassaError("ADMIN_LOGIN_FAILED");
  }
  if (row.locked_until !== null && row.locked_until > now)
    throw new KassaError("ADMIN_LOGIN_LOCKED", {
      retryAfterSeconds: Math.ceil((row.locked_until - now) / 1000),
    });
  const passwordOk = await verifyPassword(input.password, row.password_hash);
  if (passwordOk && row.totp_secret !== null && input.totp === undefined)
    throw new KassaError("ADMIN_TOTP_REQUIRED");
  const totpOk =
    row.totp_secret === null ||
    (input.totp !== undefined &&
      totpOf(row.totp_secret).validate({ token: input.totp, window: 1, timestamp: now }) !== null);
  if (!passwordOk || !totpOk) {
    const locked = await recordFailedLogin(deps.db, {
      operatorId: row.id,
      now,
      maxFailures: MAX_FAILED_LOGINS,
      lockMs: LOCKOUT_MS,
    });
    if (locked)
      await raiseAlert(deps, deps.db, {
        kind: "operator_locked_out",
        subjectId: row.id,
        detail: { login: row.login, address: input.address, failures: MAX_FAILED_LOGINS },
      });
    throw new KassaError("ADMIN_LOGIN_FAILED");
  }
  const operator = operatorOf(row);
  return inTransaction(deps.db, async (trx) => {
    await clearFailedLogins(trx, row.id);
    const session = await openOperatorSession(trx, row.id, now);
    await audit(
      { ...deps, db: trx },
      { operator, address: input.address },
      {
        action: "operator.login",
        objectType: "operator",
        objectId: row.id,
      },
    );
    return { operator, ...session };
  });
}

/** RFC 6238 with the authenticator apps' defaults: SHA-1, 6 digits, 30 s. */
export function totpOf(secret: string): TOTP {
  return new TOTP({ issuer: "Kassa", secret, algorithm: "SHA1", digits: 6, period: 30 });
}
