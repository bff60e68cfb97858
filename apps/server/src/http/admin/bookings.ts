import { listServices } from "../../app/booking/merchant-services.ts";
import { listSlotBookings, listSlots } from "../../app/booking/merchant-slots.ts";
import {
  MerchantBookingViewSchema,
  pageOf,
  ServiceIdParams,
  ServiceViewSchema,
  SlotIdParams,
  SlotViewSchema,
} from "../merchant/bookings/schemas.ts";
import type { KassaApp } from "../server.ts";
import type { AdminContext } from "./context.ts";
import { adminPagedRead } from "./scenario-reads.ts";

/**
 * The console's bookings page (issue 12): an app's services, a service's slots with their
 * seats, a slot's bookings with their check-ins, read through the merchant API's reads.
 * Reading only: the merchant's systems change slots, and the door checks tickets in.
 */
export function registerAdminBookings(app: KassaApp, context: AdminContext): void {
  const { deps } = context;
  adminPagedRead(app, context, {
    url: "/admin/v1/booking-services",
    permission: "bookings.read",
    summary: "List an app's booking services",
    response: pageOf(ServiceViewSchema, "Oldest first"),
    read: ({ appId, limit, cursor }) => listServices(deps, { appId, limit, cursor }),
  });
  adminPagedRead(app, context, {
    url: "/admin/v1/booking-services/:serviceId/slots",
    permission: "bookings.read",
    summary: "List a service's time slots, with their seats",
    params: ServiceIdParams,
    response: pageOf(SlotViewSchema, "By start time, every status"),
    notFound: ["BOOKING_SERVICE_NOT_FOUND"],
    read: ({ appId, params, limit, cursor }) =>
      listSlots(deps, { appId, serviceId: params.serviceId, openOnly: false, limit, cursor }),
  });
  adminPagedRead(app, context, {
    url: "/admin/v1/booking-slots/:slotId/bookings",
    permission: "bookings.read",
    summary: "List a slot's bookings, with their check-ins",
    params: SlotIdParams,
    response: pageOf(MerchantBookingViewSchema, "Oldest first, every status"),
    notFound: ["BOOKING_SLOT_NOT_FOUND"],
    read: ({ appId, params, limit, cursor }) =>
      listSlotBookings(deps, { appId, slotId: params.slotId, limit, cursor }),
  });
}
