import { appendAudit } from "../../db/audit-repo.ts";
import type { Operator } from "../../db/operators-repo.ts";
import type { AppDeps } from "../deps.ts";

/** Who acted, from where: every operator action is recorded with both. */
export interface Actor {
  operator: Operator;
  address: string;
}

/**
 * Record an operator action in the audit log, in the transaction of the action itself
 * (`deps.db` is that transaction), so an action is never done without its entry, nor
 * recorded without being done.
 */
export async function audit(
  deps: Pick<AppDeps, "db" | "dialect" | "clock">,
  actor: Actor,
  entry: {
    action: string;
    objectType: string;
    objectId: string;
    appId?: string;
    before?: unknown;
    after?: unknown;
  },
): Promise<void> {
  await appendAudit(deps.db, deps.dialect, {
    operator_id: actor.operator.id,
    action: entry.action,
    object_type: entry.objectType,
    object_id: entry.objectId,
    app_id: entry.appId ?? null,
    before: entry.before === undefined ? null : JSON.stringify(entry.before),
    after: entry.after === undefined ? null : JSON.stringify(entry.after),
    address: actor.address,
    at: deps.clock.now(),
  });
}
