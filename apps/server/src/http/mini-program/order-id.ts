import { KassaError } from "../../domain/errors.ts";
import type { KassaApp } from "../server.ts";
import { OrderIdParams } from "./schemas.ts";

/** Every id Kassa gives an order: `ord_` and the id source's lower-case base32 (domain/ids.ts). */
const ORDER_ID = /^ord_[0-9a-z]{10,40}$/;

/**
 * On the routes of `scope` that take an order id (OrderIdParams), an id that no order can
 * have (`xyz`, `ord_` and 500 characters) answers 404 ORDER_NOT_FOUND, exactly as an unknown
 * or another user's id does, without reaching the database. Registered after the session
 * hook, so a caller without a session still learns nothing but 401.
 */
export function refuseImpossibleOrderIds(scope: KassaApp): void {
  scope.addHook("preHandler", async (request) => {
    if (request.routeOptions.schema?.params !== OrderIdParams) return;
    const { id } = request.params as { id: string };
    if (!ORDER_ID.test(id)) throw new KassaError("ORDER_NOT_FOUND");
  });
}
