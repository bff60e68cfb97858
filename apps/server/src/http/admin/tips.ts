import { listRecipients, listRecipientTips } from "../../app/tip/merchant-recipients.ts";
import { listPayouts } from "../../app/tip/payouts.ts";
import { pageOf } from "../merchant/bookings/schemas.ts";
import {
  MerchantTipViewSchema,
  PayoutViewSchema,
  RecipientIdParams,
  RecipientViewSchema,
} from "../merchant/tips/schemas.ts";
import type { KassaApp } from "../server.ts";
import type { AdminContext } from "./context.ts";
import { adminPagedRead } from "./scenario-reads.ts";

/**
 * The console's tips page (issue 12): an app's recipients with what the merchant owes each
 * (the ledger's payable), a recipient's tips with the payers' messages (text, never HTML),
 * and its payouts, read through the merchant API's reads. Payouts are recorded by the
 * merchant's systems (POST /merchant/v1/tip-recipients/:id/payouts).
 */
export function registerAdminTips(app: KassaApp, context: AdminContext): void {
  const { deps } = context;
  adminPagedRead(app, context, {
    url: "/admin/v1/tip-recipients",
    permission: "tips.read",
    summary: "List an app's tip recipients, with what is owed to each",
    response: pageOf(RecipientViewSchema, "Oldest first, active or not"),
    read: ({ appId, limit, cursor }) => listRecipients(deps, { appId, limit, cursor }),
  });
  adminPagedRead(app, context, {
    url: "/admin/v1/tip-recipients/:recipientId/tips",
    permission: "tips.read",
    summary: "List a recipient's tips, with the payers' messages",
    params: RecipientIdParams,
    response: pageOf(MerchantTipViewSchema, "Oldest first, every status"),
    notFound: ["TIP_RECIPIENT_NOT_FOUND"],
    read: ({ appId, params, limit, cursor }) =>
      listRecipientTips(deps, { appId, recipientId: params.recipientId, limit, cursor }),
  });
  adminPagedRead(app, context, {
    url: "/admin/v1/tip-recipients/:recipientId/payouts",
    permission: "tips.read",
    summary: "List a recipient's payouts",
    params: RecipientIdParams,
    response: pageOf(PayoutViewSchema, "Oldest first"),
    notFound: ["TIP_RECIPIENT_NOT_FOUND"],
    read: ({ appId, params, limit, cursor }) =>
      listPayouts(deps, { appId, recipientId: params.recipientId, limit, cursor }),
  });
}
