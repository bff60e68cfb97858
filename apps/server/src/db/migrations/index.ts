import type { Migration } from "kysely";
import * as init from "./0001-init.ts";
import * as payments from "./0002-payments.ts";
import * as sessionIndexes from "./0003-session-indexes.ts";
import * as apps from "./0004-apps.ts";
import * as merchantApi from "./0005-merchant-api.ts";
import * as ledger from "./0006-ledger.ts";
import * as refunds from "./0007-refunds.ts";
import * as wallet from "./0008-wallet.ts";
import * as webhooks from "./0009-webhooks.ts";
import * as reconciliation from "./0010-reconciliation.ts";
import * as operators from "./0011-operators.ts";
import * as paymentQueries from "./0012-payment-queries.ts";
import * as paymentsPaidIndex from "./0013-payments-paid-index.ts";
import * as bookings from "./0014-bookings.ts";
import * as refundApprovals from "./0015-refund-approvals.ts";
import * as ledgerSeals from "./0016-ledger-seals.ts";
import * as tips from "./0017-tips.ts";
import * as riskAlerts from "./0018-risk-alerts.ts";
import * as retention from "./0019-retention.ts";
import * as userChannels from "./0020-user-channels.ts";
import * as eventRetention from "./0022-event-retention.ts";

/** Every migration, in order. Names sort as they run; never rename or edit a shipped one. */
export const MIGRATIONS: Record<string, Migration> = {
  "0001-init": init,
  "0002-payments": payments,
  "0003-session-indexes": sessionIndexes,
  "0004-apps": apps,
  "0005-merchant-api": merchantApi,
  "0006-ledger": ledger,
  "0007-refunds": refunds,
  "0008-wallet": wallet,
  "0009-webhooks": webhooks,
  "0010-reconciliation": reconciliation,
  "0011-operators": operators,
  "0012-payment-queries": paymentQueries,
  "0013-payments-paid-index": paymentsPaidIndex,
  "0014-bookings": bookings,
  "0015-refund-approvals": refundApprovals,
  "0016-ledger-seals": ledgerSeals,
  "0017-tips": tips,
  "0018-risk-alerts": riskAlerts,
  "0019-retention": retention,
  "0020-user-channels": userChannels,
  "0022-event-retention": eventRetention,
};
