import { Type } from "typebox";
import { EVENT_TYPES } from "../../domain/events.ts";
import type { EventFilter } from "../../domain/webhooks.ts";

/** The merchant API's webhook shapes (issue 11; docs/webhooks.md "Set up an endpoint"). */

const ENDPOINT_ID_EXAMPLE = "whe_3k1x9ds8mb4wq7n0tazv5c2hry";

export const EndpointIdParams = Type.Object({
  endpointId: Type.String({ description: "The endpoint's `id`", examples: [ENDPOINT_ID_EXAMPLE] }),
});

export const DeliveryIdParams = Type.Object({
  endpointId: Type.String({ description: "The endpoint's `id`", examples: [ENDPOINT_ID_EXAMPLE] }),
  deliveryId: Type.String({ description: "The delivery's `id` (`whd_…`)" }),
});

export const EVENT_TYPES_DESCRIPTION = `The event types the endpoint takes: \`["*"]\` for all, also types added later; or some of ${EVENT_TYPES.map((t) => `\`${t}\``).join(", ")}`;

export const EventTypesSchema = (description = EVENT_TYPES_DESCRIPTION) =>
  Type.Array(Type.Union([Type.Literal("*"), ...EVENT_TYPES.map((t) => Type.Literal(t))]), {
    minItems: 1,
    maxItems: 50,
    uniqueItems: true,
    description,
  });

/** `["*"]` (or a list holding `*`) is every type; otherwise the named ones. */
export function eventFilterOf(types: readonly string[]): EventFilter {
  return types.includes("*") ? "*" : (types as EventFilter);
}

export const EndpointUrl = Type.String({
  minLength: 1,
  maxLength: 2048,
  description:
    "Where Kassa POSTs each event: https, on a host the operator allowed for the app (demo mode: http and this machine too)",
});

export const EndpointDescription = Type.String({
  maxLength: 200,
  pattern: "^\\P{C}*$",
  description: "Up to 200 characters, for people",
});

const Time = (description: string) =>
  Type.Union([Type.String({ format: "date-time" }), Type.Null()], { description });

export const EndpointViewSchema = Type.Object({
  id: Type.String({ examples: [ENDPOINT_ID_EXAMPLE] }),
  url: Type.String(),
  description: Type.String(),
  eventTypes: Type.Array(Type.String()),
  enabled: Type.Boolean(),
  disabledReason: Type.Union([Type.String(), Type.Null()], {
    description:
      "Why it is off: `merchant` (you turned it off), `gone` (it answered 410), `failing` (3 days of failures)",
  }),
  secretFingerprint: Type.String({ description: "Identifies the current secret without showing it" }),
  previousSecretExpiresAt: Time("During a rotation: when the previous secret stops signing"),
  failingSince: Time("When its attempts began to fail without a success since"),
  createdAt: Type.String({ format: "date-time" }),
  updatedAt: Type.String({ format: "date-time" }),
});

export const EndpointWithSecretSchema = Type.Object({
  ...EndpointViewSchema.properties,
  secret: Type.String({
    description: "`whsec_…`: shown this once; keep it in your receiver's configuration",
  }),
});

export const DeliveryViewSchema = Type.Object({
  id: Type.String(),
  endpointId: Type.String(),
  eventId: Type.String({ description: "The `webhook-id` the receiver sees" }),
  eventType: Type.String(),
  status: Type.String({
    description:
      "`pending`, `succeeded`, `failed` (every attempt failed) or `cancelled` (the endpoint was off)",
  }),
  attemptCount: Type.Integer(),
  nextAttemptAt: Time("When it is tried next, while pending"),
  lastAttemptAt: Time("When it was last tried"),
  lastStatusCode: Type.Union([Type.Integer(), Type.Null()]),
  lastError: Type.Union([Type.String(), Type.Null()]),
  succeededAt: Time("When a 2xx came"),
  createdAt: Type.String({ format: "date-time" }),
});

export const AttemptViewSchema = Type.Object({
  id: Type.String(),
  trigger: Type.String({ description: "`scheduled` or `replay`" }),
  url: Type.String(),
  startedAt: Type.String({ format: "date-time" }),
  latencyMs: Type.Integer(),
  statusCode: Type.Union([Type.Integer(), Type.Null()], { description: "null when no answer came" }),
  responseExcerpt: Type.Union([Type.String(), Type.Null()], {
    description: "The answer's first KiB, as text",
  }),
  error: Type.Union([Type.String(), Type.Null()]),
  succeeded: Type.Boolean(),
});
