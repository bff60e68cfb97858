import type { TSchema } from "typebox";
import { idempotentWrite } from "../../app/merchant/idempotent-write.ts";
import { openAnswer, sealAnswer, secretBoxOf } from "../../app/webhooks/secrets.ts";
import type { Executor } from "../../db/executor.ts";
import type { ErrorCode } from "../../domain/errors.ts";
import { ANY_REQUEST, BODY_REFUSED, errorResponses, JSON_BODY } from "../mini-program/route-errors.ts";
import type { KassaApp } from "../server.ts";
import type { MerchantContext } from "./context.ts";
import {
  IdempotencyHeaders,
  idempotencyErrorFormatter,
  REPLAYED_HEADER,
  sendWrite,
  writeOf,
} from "./idempotency.ts";
import { MERCHANT_WRITE } from "./route-errors.ts";
import { DeliveryIdParams, EndpointIdParams } from "./webhook-schemas.ts";

type ActionParams = { endpointId: string; deliveryId?: string };

/**
 * The webhook routes that are one verb on one object and take no body (enable, disable,
 * delete, rotate-secret, replay a delivery): the same idempotent write and answer, only the
 * path, the words, the answer's shape and the work differ. Register them in a takesNoBody scope.
 */
export function registerEndpointAction(
  app: KassaApp,
  context: MerchantContext,
  route: {
    path: string;
    summary: string;
    description: string;
    answer: TSchema;
    errors: readonly ErrorCode[];
    work: (trx: Executor, input: { appId: string } & ActionParams) => Promise<unknown>;
    /** The answer shows a new secret: stored sealed for an Idempotency-Key replay (secrets.ts). */
    secretInAnswer?: boolean;
  },
): void {
  app.post(
    route.path,
    {
      schema: {
        summary: route.summary,
        description: route.description,
        tags: ["merchant"],
        security: [{ merchantKey: [] }],
        params: route.path.includes(":deliveryId") ? DeliveryIdParams : EndpointIdParams,
        headers: IdempotencyHeaders,
        response: {
          200: { ...route.answer, headers: REPLAYED_HEADER },
          ...errorResponses(
            [...ANY_REQUEST, ...JSON_BODY, ...MERCHANT_WRITE, "WEBHOOK_ENDPOINT_NOT_FOUND", ...route.errors],
            BODY_REFUSED,
          ),
        },
      },
      schemaErrorFormatter: idempotencyErrorFormatter,
    },
    async (request, reply) => {
      const params = request.params as ActionParams;
      const box = route.secretInAnswer ? secretBoxOf(context.deps.webhooks) : undefined;
      const answer = await idempotentWrite(context.deps, writeOf(request), async (trx) => {
        const body = await route.work(trx, { appId: request.merchant.appId, ...params });
        return { status: 200, body: box ? sealAnswer(box, body as { id: string; secret: string }) : body };
      });
      return sendWrite(reply, box ? { ...answer, body: openAnswer(box, answer.body) } : answer);
    },
  );
}
