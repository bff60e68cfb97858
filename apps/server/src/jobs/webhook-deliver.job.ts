import { attemptDelivery } from "../app/webhooks/deliver.ts";
import type { JobHandler } from "./job-handler.ts";

/** One attempt of a webhook delivery; a failed one runs again on the retry schedule. */
export const webhookDeliverJob: JobHandler<"webhook.deliver"> = async (deps, { deliveryId }) => {
  const outcome = await attemptDelivery(deps, deliveryId);
  return outcome.runAgainAt === null
    ? { kind: "done" }
    : { kind: "again", runAt: outcome.runAgainAt, note: outcome.note };
};
