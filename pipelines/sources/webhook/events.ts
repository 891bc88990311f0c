/**
 * What the receiver accepts and what each accepted event lands as. The envelope is the vendor's
 * (`{id, object: "event", apiVersion, createdAt, type, data: {object}}`, from its webhook docs; the
 * OpenAPI document has no webhook payloads). Its `data.object` is the REST record of the same
 * kind, so it is validated with the same schema; the webhook docs add a `received` message status
 * and a null `userId` on incoming messages, which the REST schema does not list.
 */
import { z } from "zod";
import { Call, CallSummary, CallTranscript, Contact, Message } from "../../catalog/openphone.ts";
import type { Routed, Stream } from "../../lake/commit.ts";

export const WebhookEnvelope = z.object({
  id: z.string().min(1),
  object: z.literal("event"),
  apiVersion: z.string().optional(),
  createdAt: z.iso.datetime({ offset: true }),
  type: z.string().min(1),
  data: z.object({ object: z.record(z.string(), z.unknown()) }),
});
export type WebhookEnvelope = z.infer<typeof WebhookEnvelope>;

export const WebhookMessage = Message.extend({
  status: z.enum(["queued", "sent", "delivered", "undelivered", "received"]),
  userId: Message.shape.userId.nullable(),
});

export const EVENT_ENTITIES: Record<string, { entity: string; schema: z.ZodType }> = {
  "call.ringing": { entity: "calls", schema: Call },
  "call.completed": { entity: "calls", schema: Call },
  "call.recording.completed": { entity: "calls", schema: Call },
  "message.received": { entity: "messages", schema: WebhookMessage },
  "message.delivered": { entity: "messages", schema: WebhookMessage },
  "call.summary.completed": { entity: "call_summaries", schema: CallSummary },
  "call.transcript.completed": { entity: "call_transcripts", schema: CallTranscript },
  "contact.updated": { entity: "contacts", schema: Contact },
};

/** A survey tool posts one response per request, in the canonical shape. */
export const SurveyPost = z.object({ id: z.string().min(1), respondedAt: z.string() }).loose();

export type Endpoint = "openphone" | "surveys";
/** One landed line: when it arrived, from which endpoint, the event id, the body as posted. */
export type LandedEvent = { at: string; endpoint: Endpoint; id: string; body: unknown };

const day = (iso: unknown) => (typeof iso === "string" && !Number.isNaN(Date.parse(iso)) ? new Date(iso).toISOString().slice(0, 10) : null);

export function routeEvent(line: Record<string, unknown>): Routed[] {
  const ev = line as LandedEvent;
  if (ev.endpoint === "surveys") return [{ entity: "survey_responses", record: ev.body, dayHint: day((ev.body as { respondedAt?: unknown })?.respondedAt) }];
  const env = WebhookEnvelope.safeParse(ev.body);
  if (!env.success) return [{ entity: "webhook_events", quarantine: `not an event envelope: ${env.error.issues[0]?.message}` }];
  const target = EVENT_ENTITIES[env.data.type];
  if (!target) return [{ entity: "webhook_events", quarantine: `event type ${env.data.type} is not imported` }];
  return [{ entity: target.entity, record: env.data.data.object, dayHint: day(env.data.createdAt), schema: target.schema }];
}

export function webhookStream(dirs: { dir: string; stateFile: string }): Stream {
  return { name: "webhooks", ...dirs, route: routeEvent };
}
