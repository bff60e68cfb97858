import { timingSafeEqual } from "node:crypto";
import cookie from "@fastify/cookie";
import {
  ADMIN_COOKIE,
  ADMIN_IDLE_MS,
  ADMIN_TOUCH_EVERY_MS,
  csrfTokenOf,
  hashOperatorToken,
} from "../../app/admin/operator-session.ts";
import { findOperatorOfSession, touchOperatorSession } from "../../db/operator-sessions-repo.ts";
import type { Operator } from "../../db/operators-repo.ts";
import { findOrderById } from "../../db/orders-repo.ts";
import { KassaError } from "../../domain/errors.ts";
import { roleMay } from "../../domain/operator-roles.ts";
import type { Order } from "../../domain/order.ts";
import { takesNoBody } from "../mini-program/no-body.ts";
import type { KassaApp } from "../server.ts";
import { registerAdminAlertsAcknowledge } from "./alerts.acknowledge.ts";
import { registerAdminAlertsList } from "./alerts.list.ts";
import { registerAdminAlertsResolve } from "./alerts.resolve.ts";
import { registerAdminApiKeyRevoke, registerAdminApiKeys } from "./api-keys.ts";
import { registerAdminAuditList } from "./audit.list.ts";
import { registerAdminBookings } from "./bookings.ts";
import { registerAdminCatalog } from "./catalog.ts";
import type { AdminContext } from "./context.ts";
import { registerAdminOperatorsCreate } from "./operators.create.ts";
import { registerAdminOperatorsList } from "./operators.list.ts";
import { registerAdminOrderActions } from "./orders.actions.ts";
import { registerAdminOrdersGet } from "./orders.get.ts";
import { registerAdminOrdersList } from "./orders.list.ts";
import { registerAdminReconciliation, registerAdminReconciliationRerun } from "./reconciliation.ts";
import { registerAdminRefundApprovalsDecide } from "./refund-approvals.decide.ts";
import { registerAdminRefundsCreate } from "./refunds.create.ts";
import { registerAdminRefundsList } from "./refunds.list.ts";
import { registerAdminSessionCreate } from "./session.create.ts";
import { registerAdminSessionDelete } from "./session.delete.ts";
import { registerAdminSessionGet } from "./session.get.ts";
import { registerAdminSettings, registerAdminSettingsCheck } from "./settings.ts";
import { registerAdminStatsGet } from "./stats.get.ts";
import { registerAdminTips } from "./tips.ts";
import { registerAdminWallets } from "./wallets.ts";
import { registerAdminWebhookReplay, registerAdminWebhooks } from "./webhooks.ts";

const SAFE_METHODS = new Set(["GET", "HEAD"]);

/**
 * The admin API (issue 12): the operators' console, a trust boundary of its own (design.md
 * convention 8). A session cookie (`__Host-`, HttpOnly, SameSite=Strict), a CSRF token on
 * every change, and a permission per route checked here, on the server, before the
 * handler: a route that names none is refused, so a new route cannot be open by omission.
 */
export async function adminApi(app: KassaApp, context: AdminContext): Promise<void> {
  await app.register(cookie);
  app.decorateRequest("operator", null as unknown as Operator);
  app.addHook("onSend", async (_request, reply) => {
    reply.header("cache-control", "no-store");
  });
  app.addHook("onRequest", async (request) => {
    const config = request.routeOptions.config;
    if (config.public) return;
    const token = request.cookies[ADMIN_COOKIE];
    if (!token) throw new KassaError("ADMIN_SESSION_REQUIRED");
    const now = context.deps.clock.now();
    const tokenHash = hashOperatorToken(token);
    const found = await findOperatorOfSession(context.deps.db, { tokenHash, now, idleMs: ADMIN_IDLE_MS });
    if (!found) throw new KassaError("ADMIN_SESSION_REQUIRED");
    if (!SAFE_METHODS.has(request.method) && !sameToken(request.headers["x-csrf-token"], csrfTokenOf(token)))
      throw new KassaError("ADMIN_CSRF_INVALID");
    if (!config.permission)
      throw new KassaError("ADMIN_FORBIDDEN", { needs: "a permission this route does not name" });
    if (!roleMay(found.operator.role, config.permission))
      throw new KassaError("ADMIN_FORBIDDEN", { needs: config.permission, role: found.operator.role });
    if (now - found.lastSeenAt >= ADMIN_TOUCH_EVERY_MS)
      await touchOperatorSession(context.deps.db, tokenHash, now);
    request.operator = found.operator;
  });

  registerAdminSessionCreate(app, context);
  registerAdminSessionGet(app, context);
  registerAdminSessionDelete(app, context);
  registerAdminOrdersList(app, context);
  registerAdminOrdersGet(app, context);
  registerAdminAlertsList(app, context);
  registerAdminAlertsAcknowledge(app, context);
  registerAdminAlertsResolve(app, context);
  registerAdminOperatorsList(app, context);
  registerAdminOperatorsCreate(app, context);
  registerAdminAuditList(app, context);
  registerAdminStatsGet(app, context);
  registerAdminRefundsCreate(app, context);
  registerAdminRefundsList(app, context);
  registerAdminRefundApprovalsDecide(app, context);
  registerAdminWallets(app, context);
  registerAdminWebhooks(app, context);
  registerAdminBookings(app, context);
  registerAdminTips(app, context);
  registerAdminReconciliation(app, context);
  registerAdminSettings(app, context);
  registerAdminApiKeys(app, context);
  registerAdminCatalog(app, context);
  await app.register(async (bodiless) => {
    takesNoBody(bodiless);
    registerAdminOrderActions(bodiless, context);
    registerAdminWebhookReplay(bodiless, context);
    registerAdminReconciliationRerun(bodiless, context);
    registerAdminSettingsCheck(bodiless, context);
    registerAdminApiKeyRevoke(bodiless, context);
  });
}

function sameToken(sent: string | string[] | undefined, expected: string): boolean {
  if (typeof sent !== "string") return false;
  const a = Buffer.from(sent);
  const b = Buffer.from(expected);
  return a.length === b.length && timingSafeEqual(a, b);
}

/**
 * The app an app-scoped admin route names (`?app=`, the default app when left out); one the
 * operator may not see answers as one that does not exist (no BOLA oracle).
 */
export function appOfRequest(context: AdminContext, operator: Operator, app: string | undefined): string {
  const appId = context.deps.apps.named(app).id;
  if (!operatorSees(operator, appId)) throw new KassaError("APP_NOT_FOUND", { app: appId });
  return appId;
}

/** An order the operator sees; another app's answers as an unknown one (BOLA). */
export async function orderOfOperator(
  context: AdminContext,
  operator: Operator,
  orderId: string,
): Promise<Order> {
  const order = await findOrderById(context.deps.db, orderId);
  if (!order || !operatorSees(operator, order.appId)) throw new KassaError("ORDER_NOT_FOUND");
  return order;
}

/** May this operator see this app? Undefined apps: every app. */
export function operatorSees(operator: Operator, appId: string | null): boolean {
  if (operator.appIds === undefined) return true;
  return appId !== null && operator.appIds.includes(appId);
}
