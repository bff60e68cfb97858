import { Type } from "typebox";
import { idempotentWrite } from "../../../app/merchant/idempotent-write.ts";
import {
  changeRecipient,
  createRecipient,
  getRecipient,
  listRecipients,
  listRecipientTips,
} from "../../../app/tip/merchant-recipients.ts";
import { DEFAULT_TIME_ZONE } from "../../../domain/booking/local-time.ts";
import { ANY_REQUEST, errorResponses, JSON_BODY } from "../../mini-program/route-errors.ts";
import type { KassaApp } from "../../server.ts";
import { pageOf } from "../bookings/schemas.ts";
import type { MerchantContext } from "../context.ts";
import {
  IdempotencyHeaders,
  idempotencyErrorFormatter,
  REPLAYED_HEADER,
  sendWrite,
  writeOf,
} from "../idempotency.ts";
import { MERCHANT_KEY, MERCHANT_WRITE } from "../route-errors.ts";
import { limitAsNumber, PageCursor, PageLimit } from "../schemas.ts";
import {
  MerchantTipViewSchema,
  RecipientChangeBody,
  RecipientCreateBody,
  RecipientIdParams,
  RecipientViewSchema,
} from "./schemas.ts";

const READ = [...ANY_REQUEST, ...MERCHANT_KEY, "MERCHANT_KEY_SCOPE", "REQUEST_INVALID"] as const;
const PageQuery = Type.Object({ limit: PageLimit, cursor: PageCursor }, { additionalProperties: false });
const RULES_INVALID = { TIP_RULES_INVALID: { reason: "minFen is above maxFen" } };

/** Recipients and their rules: create, list (with balances), read, change, and their tips. */
export function registerTipRecipients(app: KassaApp, context: MerchantContext): void {
  app.post(
    "/merchant/v1/tip-recipients",
    {
      schema: {
        summary: "Add a tip recipient (a creator, a staff member) with the tipping rules",
        description:
          "Payers tip the recipient an amount they choose within `minFen` and `maxFen`, at most `dailyCapFen` a day each (the day of `timeZone`, Asia/Shanghai when left out). What they tip is owed to the recipient (`balanceFen`) until you record a payout.",
        tags: ["merchant"],
        security: [{ merchantKey: [] }],
        headers: IdempotencyHeaders,
        body: RecipientCreateBody,
        response: {
          201: { ...RecipientViewSchema, description: "The new recipient, active", headers: REPLAYED_HEADER },
          ...errorResponses(
            [...ANY_REQUEST, ...JSON_BODY, ...MERCHANT_WRITE, "TIP_RULES_INVALID"],
            RULES_INVALID,
          ),
        },
      },
      schemaErrorFormatter: idempotencyErrorFormatter,
    },
    async (request, reply) => {
      const body = request.body;
      const answer = await idempotentWrite(context.deps, writeOf(request), async (trx) => ({
        status: 201,
        body: await createRecipient(context.deps, trx, {
          appId: request.merchant.appId,
          name: body.name,
          presetAmountsFen: body.presetAmountsFen,
          minFen: body.minFen,
          maxFen: body.maxFen,
          dailyCapFen: body.dailyCapFen,
          timeZone: body.timeZone ?? DEFAULT_TIME_ZONE,
        }),
      }));
      return sendWrite(reply, answer);
    },
  );

  app.get(
    "/merchant/v1/tip-recipients",
    {
      schema: {
        summary: "List your tip recipients, with what you owe each",
        tags: ["merchant"],
        security: [{ merchantKey: [] }],
        querystring: PageQuery,
        response: {
          200: pageOf(RecipientViewSchema, "Oldest first, active or not"),
          ...errorResponses([...READ]),
        },
      },
      preValidation: limitAsNumber,
    },
    async (request) =>
      listRecipients(context.deps, {
        appId: request.merchant.appId,
        limit: request.query.limit ?? 20,
        cursor: request.query.cursor,
      }),
  );

  app.get(
    "/merchant/v1/tip-recipients/:recipientId",
    {
      schema: {
        summary: "Get a tip recipient, its rules and what you owe it",
        tags: ["merchant"],
        security: [{ merchantKey: [] }],
        params: RecipientIdParams,
        response: { 200: RecipientViewSchema, ...errorResponses([...READ, "TIP_RECIPIENT_NOT_FOUND"]) },
      },
    },
    async (request) => getRecipient(context.deps, request.merchant.appId, request.params.recipientId),
  );

  app.post(
    "/merchant/v1/tip-recipients/:recipientId",
    {
      schema: {
        summary: "Change a recipient's name or tipping rules",
        description:
          "Give only what changes; the rules are checked as a whole. Tips already made keep their amounts; the new rules apply from the next tip.",
        tags: ["merchant"],
        security: [{ merchantKey: [] }],
        params: RecipientIdParams,
        headers: IdempotencyHeaders,
        body: RecipientChangeBody,
        response: {
          200: {
            ...RecipientViewSchema,
            description: "The recipient after the change",
            headers: REPLAYED_HEADER,
          },
          ...errorResponses(
            [...ANY_REQUEST, ...JSON_BODY, ...MERCHANT_WRITE, "TIP_RECIPIENT_NOT_FOUND", "TIP_RULES_INVALID"],
            RULES_INVALID,
          ),
        },
      },
      schemaErrorFormatter: idempotencyErrorFormatter,
    },
    async (request, reply) => {
      const answer = await idempotentWrite(context.deps, writeOf(request), async (trx) => ({
        status: 200,
        body: await changeRecipient(context.deps, trx, {
          appId: request.merchant.appId,
          recipientId: request.params.recipientId,
          ...request.body,
        }),
      }));
      return sendWrite(reply, answer);
    },
  );

  app.get(
    "/merchant/v1/tip-recipients/:recipientId/tips",
    {
      schema: {
        summary: "List a recipient's tips, with the payers' messages",
        description: "`message` is the payer's plain text: show it as text, never as HTML.",
        tags: ["merchant"],
        security: [{ merchantKey: [] }],
        params: RecipientIdParams,
        querystring: PageQuery,
        response: {
          200: pageOf(MerchantTipViewSchema, "Oldest first, every status"),
          ...errorResponses([...READ, "TIP_RECIPIENT_NOT_FOUND"]),
        },
      },
      preValidation: limitAsNumber,
    },
    async (request) =>
      listRecipientTips(context.deps, {
        appId: request.merchant.appId,
        recipientId: request.params.recipientId,
        limit: request.query.limit ?? 20,
        cursor: request.query.cursor,
      }),
  );
}
