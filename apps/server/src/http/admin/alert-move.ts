import type { FastifyRequest } from "fastify";
import { audit } from "../../app/admin/audit.ts";
import { findAlert } from "../../db/admin-repo.ts";
import { moveAlert } from "../../db/alerts-repo.ts";
import { inTransaction } from "../../db/transaction.ts";
import type { AlertEvent } from "../../domain/alert.ts";
import { KassaError } from "../../domain/errors.ts";
import { viewAlert } from "./alerts.list.ts";
import type { AdminContext } from "./context.ts";
import { operatorSees } from "./plugin.ts";

/**
 * An operator moves an alert by its table (domain/alert.ts), audited in the move's
 * transaction. A move the table refuses from a live state (a second acknowledge) changes
 * nothing and is not an action; anything after resolve answers ALERT_RESOLVED.
 */
export async function moveAlertAsOperator(
  context: AdminContext,
  request: FastifyRequest,
  change: { alertId: string; event: AlertEvent; note: string | null },
) {
  const { deps } = context;
  const before = await findAlert(deps.db, change.alertId);
  if (!before || !operatorSees(request.operator, before.app_id)) throw new KassaError("ALERT_NOT_FOUND");
  await inTransaction(deps.db, async (trx) => {
    const current = await findAlert(trx, before.id);
    if (!current) throw new KassaError("ALERT_NOT_FOUND");
    if (current.status === "resolved") throw resolved(current);
    const moved = await moveAlert(trx, {
      alertId: current.id,
      from: current.status,
      event: change.event,
      by: request.operator.id,
      note: change.note,
      now: deps.clock.now(),
    });
    if (!moved) {
      // Another operator moved it between the read and the compare-and-set.
      const now = await findAlert(trx, current.id);
      if (now?.status === "resolved") throw resolved(now);
      return;
    }
    await audit(
      { ...deps, db: trx },
      { operator: request.operator, address: request.ip },
      {
        action: `alert.${change.event}`,
        objectType: "alert",
        objectId: current.id,
        ...(current.app_id ? { appId: current.app_id } : {}),
        after: { note: change.note },
      },
    );
  });
  const after = await findAlert(deps.db, before.id);
  return viewAlert(after ?? before);
}

function resolved(row: { resolved_by: string | null; resolved_at: number | null }) {
  return new KassaError("ALERT_RESOLVED", {
    resolvedBy: row.resolved_by,
    resolvedAt: row.resolved_at === null ? null : new Date(row.resolved_at).toISOString(),
  });
}
