import { findService, insertService, listServices as listServiceRows } from "../../db/bookings-repo.ts";
import type { Executor } from "../../db/executor.ts";
import { checkPolicy, type PolicyTier } from "../../domain/booking/cancellation-policy.ts";
import { KassaError } from "../../domain/errors.ts";
import { idPattern, makeId } from "../../domain/ids.ts";
import type { AppDeps } from "../deps.ts";
import { decodeCursor, pageOfRows } from "../page-cursor.ts";
import { type ServiceView, viewService } from "./views.ts";

const SERVICE_ID = idPattern("bookingService");

/** A service and its cancellation policy, checked by the domain's one rule (cancellation-policy.ts). */
export async function createService(
  deps: AppDeps,
  trx: Executor,
  input: { appId: string; name: string; cancellationPolicy: PolicyTier[] },
): Promise<ServiceView> {
  const checked = checkPolicy(input.cancellationPolicy);
  if (!checked.ok) throw new KassaError("BOOKING_POLICY_INVALID", { reason: checked.reason });
  const service = {
    id: makeId("bookingService", deps.ids),
    appId: input.appId,
    name: input.name,
    cancellationPolicy: checked.policy,
    createdAt: deps.clock.now(),
  };
  await insertService(trx, service);
  return viewService(service);
}

export async function getService(deps: AppDeps, appId: string, serviceId: string): Promise<ServiceView> {
  const service = await findService(deps.db, appId, serviceId);
  if (!service) throw new KassaError("BOOKING_SERVICE_NOT_FOUND");
  return viewService(service);
}

export async function listServices(
  deps: AppDeps,
  input: { appId: string; limit: number; cursor: string | undefined },
): Promise<{ data: ServiceView[]; nextCursor: string | null }> {
  const after = input.cursor === undefined ? undefined : decodeCursor(input.cursor, SERVICE_ID);
  const rows = await listServiceRows(deps.db, { appId: input.appId, after, limit: input.limit + 1 });
  const { page, nextCursor } = pageOfRows(rows, input.limit, (row) => ({
    createdAt: row.createdAt,
    id: row.id,
  }));
  return {
    data: page.map(viewService),
    nextCursor,
  };
}
