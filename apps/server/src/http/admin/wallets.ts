import { Type } from "typebox";
import { audit } from "../../app/admin/audit.ts";
import { idempotentWrite } from "../../app/merchant/idempotent-write.ts";
import { adjustWallet, listWalletBalances } from "../../app/merchant/wallet.ts";
import { walletHistory, walletOf } from "../../app/wallet-reads.ts";
import { idempotencyErrorFormatter, REPLAYED_HEADER, sendWrite } from "../merchant/idempotency.ts";
import { limitAsNumber, PageCursor, PageLimit } from "../merchant/schemas.ts";
import { AdjustmentsCreateBody } from "../merchant/wallet-adjustments.create.ts";
import { WalletBalancePageSchema } from "../merchant/wallet-balances.list.ts";
import { AdjustmentSchema } from "../merchant/wallet-schemas.ts";
import { ANY_REQUEST, errorResponses, JSON_BODY } from "../mini-program/route-errors.ts";
import { WalletHistoryItemSchema } from "../mini-program/wallet.history.list.ts";
import type { KassaApp } from "../server.ts";
import type { AdminContext } from "./context.ts";
import { appOfRequest } from "./plugin.ts";
import { ADMIN_CHANGE, ADMIN_SESSION, AdminIdempotencyHeaders, AppOnlyQuery, AppQuery } from "./schemas.ts";

const UserId = Type.String({ pattern: "^usr_[0-9a-z]{1,60}$", description: "The payer (`usr_…`)" });

/**
 * The payers' wallets of an app (finance and admin): balances, one wallet's history, and a
 * manual adjustment with a reason, through the merchant API's one adjustment path (booked
 * `wallet_adjusted`), audited in its transaction.
 */
export function registerAdminWallets(app: KassaApp, context: AdminContext): void {
  app.get(
    "/admin/v1/wallets",
    {
      config: { permission: "wallets.read" },
      schema: {
        summary: "List an app's wallet balances",
        tags: ["admin"],
        security: [{ adminSession: [] }],
        querystring: Type.Object(
          { app: AppQuery, limit: PageLimit, cursor: PageCursor, userId: Type.Optional(UserId) },
          { additionalProperties: false },
        ),
        response: {
          200: WalletBalancePageSchema,
          ...errorResponses([...ANY_REQUEST, ...ADMIN_SESSION, "APP_NOT_FOUND", "REQUEST_INVALID"]),
        },
      },
      preValidation: limitAsNumber,
    },
    async (request) => {
      const query = request.query;
      return listWalletBalances(context.deps, {
        appId: appOfRequest(context, request.operator, query.app),
        limit: query.limit ?? 20,
        cursor: query.cursor,
        userId: query.userId,
      });
    },
  );
  app.get(
    "/admin/v1/wallets/:userId",
    {
      config: { permission: "wallets.read" },
      schema: {
        summary: "Read one payer's wallet: its balance and its history, newest first",
        tags: ["admin"],
        security: [{ adminSession: [] }],
        params: Type.Object({ userId: UserId }),
        querystring: Type.Object(
          { app: AppQuery, limit: PageLimit, cursor: PageCursor },
          { additionalProperties: false },
        ),
        response: {
          200: Type.Object({
            userId: Type.String(),
            balanceFen: Type.Integer(),
            balanceYuan: Type.String(),
            history: Type.Array(WalletHistoryItemSchema),
            nextCursor: Type.Union([Type.String(), Type.Null()]),
          }),
          ...errorResponses([...ANY_REQUEST, ...ADMIN_SESSION, "APP_NOT_FOUND", "REQUEST_INVALID"]),
        },
      },
      preValidation: limitAsNumber,
    },
    async (request) => {
      const appId = appOfRequest(context, request.operator, request.query.app);
      const userId = request.params.userId;
      const [wallet, history] = await Promise.all([
        walletOf(context.deps, { appId, userId }),
        walletHistory(context.deps, {
          appId,
          userId,
          limit: request.query.limit ?? 20,
          cursor: request.query.cursor,
        }),
      ]);
      return { userId, ...wallet, history: history.data, nextCursor: history.nextCursor };
    },
  );
  app.post(
    "/admin/v1/wallet-adjustments",
    {
      config: { permission: "wallets.adjust" },
      schema: {
        summary: "Credit or debit a payer's wallet by hand, with a reason",
        description:
          "The merchant API's adjustment (POST /merchant/v1/wallet/adjustments), by an operator, audited. A debit larger than the balance is refused and nothing changes.",
        tags: ["admin"],
        security: [{ adminSession: [] }],
        querystring: AppOnlyQuery,
        headers: AdminIdempotencyHeaders,
        body: AdjustmentsCreateBody,
        response: {
          201: { ...AdjustmentSchema, description: "The adjustment, booked", headers: REPLAYED_HEADER },
          ...errorResponses([
            ...ANY_REQUEST,
            ...JSON_BODY,
            ...ADMIN_CHANGE,
            "APP_NOT_FOUND",
            "IDEMPOTENCY_KEY_INVALID",
            "IDEMPOTENCY_KEY_REUSED",
            "IDEMPOTENCY_KEY_IN_PROGRESS",
            "WALLET_USER_NOT_FOUND",
            "WALLET_INSUFFICIENT_FUNDS",
          ]),
        },
      },
      schemaErrorFormatter: idempotencyErrorFormatter,
    },
    async (request, reply) => {
      const deps = context.deps;
      const appId = appOfRequest(context, request.operator, request.query.app);
      const write = {
        appId,
        scope: `operator:${request.operator.id}`,
        idempotencyKey: request.headers["idempotency-key"],
        method: request.method,
        path: request.url,
        body: request.body,
      };
      const answer = await idempotentWrite(deps, write, async (trx) => {
        const adjustment = await adjustWallet(deps, trx, { appId, ...request.body });
        await audit(
          { ...deps, db: trx },
          { operator: request.operator, address: request.ip },
          {
            action: "wallet.adjust",
            objectType: "wallet_adjustment",
            objectId: adjustment.id,
            appId,
            after: { userId: adjustment.userId, amountFen: adjustment.amountFen, reason: adjustment.reason },
          },
        );
        return { status: 201, body: adjustment };
      });
      return sendWrite(reply, answer);
    },
  );
}
