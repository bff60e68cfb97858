import type { Executor } from "../db/executor.ts";
import { openHoldingsOfUser } from "../db/orders-repo.ts";
import { KassaError } from "../domain/errors.ts";
import type { AppDeps } from "./deps.ts";

/**
 * One user may not hold the shop: at most so many unpaid orders (purchases and top-ups
 * alike), and so many units on hold across them (settings). Checked under the user's row
 * lock (lockUserForUpdate, taken first by the caller), so concurrent orders count each other.
 */
export async function enforceUserCaps(
  deps: Pick<AppDeps, "settings">,
  trx: Executor,
  userId: string,
  units: number,
): Promise<void> {
  const held = await openHoldingsOfUser(trx, userId);
  const { maxOpenOrdersPerUser, maxHeldUnitsPerUser } = deps.settings;
  if (held.openOrders + 1 > maxOpenOrdersPerUser)
    throw new KassaError("ORDER_LIMIT_REACHED", { limit: "open_orders", max: maxOpenOrdersPerUser });
  if (held.heldUnits + units > maxHeldUnitsPerUser)
    throw new KassaError("ORDER_LIMIT_REACHED", {
      limit: "held_units",
      max: maxHeldUnitsPerUser,
      holding: held.heldUnits,
    });
}
