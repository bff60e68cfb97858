/**
 * The body of a webhook (docs/webhooks.md): the event's id, type and time, its object's
 * `sequence` (1, 2, ... per object: drop an event whose sequence is below one already
 * applied, since deliveries can arrive out of order), and the payload of the event registry
 * (domain/events.ts) as `data`. Made from the stored event, so every attempt sends the same
 * bytes; only the timestamp and signatures differ.
 */
export interface WebhookMessage {
  id: string;
  type: string;
  createdAt: string;
  sequence: number;
  data: Record<string, unknown>;
}

export function webhookMessage(event: {
  id: string;
  type: string;
  created_at: number;
  aggregate_seq: number | null;
  payload: string;
}): WebhookMessage {
  return {
    id: event.id,
    type: event.type,
    createdAt: new Date(event.created_at).toISOString(),
    sequence: event.aggregate_seq ?? 0,
    data: JSON.parse(event.payload) as Record<string, unknown>,
  };
}
