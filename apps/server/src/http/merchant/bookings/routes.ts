import type { KassaApp } from "../../server.ts";
import type { MerchantContext } from "../context.ts";
import { registerBookingSlotCancel } from "./cancel.ts";
import { registerBookingCheckIn } from "./check-in.ts";
import { registerBookingSlotClose } from "./close.ts";
import { registerBookingServices } from "./services.ts";
import { registerBookingSlots } from "./slots.ts";

/**
 * The merchant API's booking routes (issue 10): services, their slots, bookings. Everything
 * a booking needs at this boundary is here, registered by the merchant plugin in two scopes:
 * routes with a body, and those that take none.
 */
export function registerBookingRoutes(app: KassaApp, context: MerchantContext): void {
  registerBookingServices(app, context);
  registerBookingSlots(app, context);
  registerBookingCheckIn(app, context);
}

export function registerBodilessBookingRoutes(app: KassaApp, context: MerchantContext): void {
  registerBookingSlotClose(app, context);
  registerBookingSlotCancel(app, context);
}
