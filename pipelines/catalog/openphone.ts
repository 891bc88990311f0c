/**
 * Record schemas of the OpenPhone/Quo public REST API v1, field for field as
 * ../shared/openphone-api/openphone.yaml describes the `data` items of each endpoint.
 * The generator writes these shapes, the extractor validates against them, and the raw
 * lake's column types are derived from them (see extract/duckdbTypes.ts): one definition.
 */
import { z } from "zod";

export const e164 = z.string().regex(/^\+[1-9]\d{1,14}$/, "expected an E.164 phone number");
const isoDateTime = z.iso.datetime({ offset: true });
const userId = z.string().regex(/^US(.*)$/, "expected a user id (US...)");
const phoneNumberId = z.string().regex(/^PN(.*)$/, "expected a phone number id (PN...)");
const activityId = z.string().regex(/^AC(.*)$/, "expected an activity id (AC...)");

/** GET /v1/phone-numbers → data[].users[] */
export const PhoneNumberUser = z.object({
  id: userId,
  email: z.string(),
  firstName: z.string().nullable(),
  lastName: z.string().nullable(),
  groupId: z.string(),
  role: z.string(),
});

const Restriction = z.enum(["restricted", "unrestricted"]);
const RegionRestrictions = z.object({ CA: Restriction, US: Restriction, Intl: Restriction });
/** GET /v1/phone-numbers → data[].restrictions */
export const PhoneNumberRestrictions = z.object({ messaging: RegionRestrictions, calling: RegionRestrictions });

/** GET /v1/phone-numbers → data[] */
export const PhoneNumber = z.object({
  id: phoneNumberId,
  groupId: z.string(),
  createdAt: isoDateTime,
  updatedAt: isoDateTime,
  name: z.string(),
  number: e164,
  formattedNumber: z.string().nullable(),
  forward: z.string().nullable(),
  portRequestId: z.string().nullable(),
  portingStatus: z.string().nullable(),
  symbol: z.string().nullable(),
  users: z.array(PhoneNumberUser),
  // Required by the spec, optional here: file drops and the demo generator carry none.
  restrictions: PhoneNumberRestrictions.optional(),
});

/** Users have no list endpoint in v1: they are the union of phone numbers' `users`. */
export const User = PhoneNumberUser;

/** GET /v1/calls → data[] */
export const Call = z.object({
  id: activityId,
  answeredAt: isoDateTime.nullable(),
  answeredBy: z.string().nullable(),
  initiatedBy: z.string().nullable(),
  direction: z.enum(["incoming", "outgoing"]),
  status: z.enum([
    "queued", "initiated", "ringing", "in-progress", "completed", "busy", "failed",
    "no-answer", "canceled", "missed", "answered", "forwarded", "abandoned",
  ]),
  completedAt: isoDateTime.nullable(),
  createdAt: isoDateTime,
  duration: z.number().int(),
  forwardedFrom: z.string().nullable(),
  forwardedTo: z.string().nullable(),
  phoneNumberId,
  participants: z.array(e164),
  updatedAt: isoDateTime.nullable(),
  userId,
});

/** GET /v1/messages → data[] */
export const Message = z.object({
  id: activityId,
  to: z.array(e164),
  from: e164,
  text: z.string(),
  phoneNumberId: phoneNumberId.nullable(),
  direction: z.enum(["incoming", "outgoing"]),
  userId,
  status: z.enum(["queued", "sent", "delivered", "undelivered"]),
  createdAt: isoDateTime,
  updatedAt: isoDateTime,
});

/** GET /v1/call-summaries/{callId} → data */
export const CallSummary = z.object({
  callId: z.string(),
  nextSteps: z.array(z.string()).nullable(),
  status: z.enum(["absent", "in-progress", "completed", "failed"]),
  summary: z.array(z.string()).nullable(),
  jobs: z
    .array(
      z.object({
        icon: z.string(),
        name: z.string(),
        result: z.object({
          data: z.array(z.object({ name: z.string(), value: z.union([z.string(), z.number(), z.boolean()]) })),
        }),
      }),
    )
    .nullable()
    .optional(),
});

/** GET /v1/call-transcripts/{id} → data */
export const CallTranscript = z.object({
  callId: z.string(),
  createdAt: isoDateTime,
  dialogue: z
    .array(
      z.object({
        content: z.string(),
        start: z.number(),
        end: z.number(),
        identifier: z.string(),
        userId: userId.nullable(),
      }),
    )
    .nullable(),
  duration: z.number(),
  status: z.enum(["absent", "in-progress", "completed", "failed"]),
});

/** GET /v1/call-recordings/{callId} → data[] */
export const CallRecording = z.object({
  duration: z.number().int().nullable(),
  id: z.string(),
  startTime: isoDateTime.nullable(),
  status: z.enum(["absent", "completed", "deleted", "failed", "in-progress", "paused", "processing", "stopped", "stopping"]).nullable(),
  type: z.string().nullable(),
  url: z.string().nullable(),
});

/** GET /v1/contact-custom-fields → data[] */
export const ContactCustomFieldDefinition = z.object({
  name: z.string(),
  key: z.string(),
  type: z.enum(["address", "boolean", "date", "multi-select", "number", "string", "url"]),
});

const CustomFieldBase = { name: z.string(), key: z.string().optional(), id: z.string().optional() };
/** GET /v1/contacts/{id} → data.customFields[] (a union on `type`). */
export const ContactCustomField = z.discriminatedUnion("type", [
  z.object({ ...CustomFieldBase, type: z.literal("multi-select"), value: z.array(z.string()).nullable() }),
  z.object({ ...CustomFieldBase, type: z.enum(["address", "string", "url"]), value: z.string().nullable() }),
  z.object({ ...CustomFieldBase, type: z.literal("boolean"), value: z.boolean().nullable() }),
  z.object({ ...CustomFieldBase, type: z.literal("date"), value: isoDateTime.nullable() }),
  z.object({ ...CustomFieldBase, type: z.literal("number"), value: z.number().nullable() }),
]);

/** GET /v1/contacts/{id} → data */
export const Contact = z.object({
  id: z.string(),
  externalId: z.string().nullable(),
  source: z.string().nullable(),
  sourceUrl: z.string().nullable(),
  defaultFields: z.object({
    company: z.string().nullable(),
    emails: z.array(z.object({ name: z.string(), value: z.string().nullable(), id: z.string().optional() })),
    firstName: z.string().nullable(),
    lastName: z.string().nullable(),
    phoneNumbers: z.array(z.object({ name: z.string(), value: z.string().nullable(), id: z.string().optional() })),
    role: z.string().nullable(),
  }),
  customFields: z.array(ContactCustomField),
  createdAt: isoDateTime,
  updatedAt: isoDateTime,
  createdByUserId: userId,
});

/** GET /v1/conversations → data[] */
export const Conversation = z.object({
  assignedTo: z.string().nullable(),
  createdAt: isoDateTime.nullable(),
  deletedAt: isoDateTime.nullable(),
  id: z.string().regex(/^CN(.*)$/),
  lastActivityAt: isoDateTime.nullable(),
  lastActivityId: activityId.nullable(),
  mutedUntil: isoDateTime.nullable(),
  name: z.string().nullable(),
  participants: z.array(e164),
  phoneNumberId,
  snoozedUntil: isoDateTime.nullable(),
  updatedAt: isoDateTime.nullable(),
});

/** Every list endpoint but phone numbers: `{data, totalItems, nextPageToken}` (totalItems is documented as inaccurate). */
export function ListResponse<T extends z.ZodType>(item: T) {
  return z.object({ data: z.array(item), totalItems: z.number().int(), nextPageToken: z.string().nullable() });
}
/** GET /v1/phone-numbers is not paginated: `{data}` only. */
export const PhoneNumbersResponse = z.object({ data: z.array(PhoneNumber) });
/** Single-object endpoints (summary, transcript): `{data}`. */
export function DataResponse<T extends z.ZodType>(item: T) {
  return z.object({ data: item });
}

/** The error body every endpoint documents for 400/401/403/404/500. */
export const ApiErrorBody = z.object({
  message: z.string(),
  code: z.string(),
  status: z.number(),
  docs: z.string(),
  title: z.string(),
  trace: z.string().optional(),
  errors: z.array(z.object({
    path: z.string(),
    message: z.string(),
    value: z.unknown().optional(),
    schema: z.object({ type: z.string() }),
  })).optional(),
});

export type PhoneNumber = z.infer<typeof PhoneNumber>;
export type User = z.infer<typeof User>;
export type Call = z.infer<typeof Call>;
export type Message = z.infer<typeof Message>;
export type CallSummary = z.infer<typeof CallSummary>;
export type CallTranscript = z.infer<typeof CallTranscript>;
export type Contact = z.infer<typeof Contact>;
export type Conversation = z.infer<typeof Conversation>;
export type CallRecording = z.infer<typeof CallRecording>;
export type ContactCustomFieldDefinition = z.infer<typeof ContactCustomFieldDefinition>;
export type ApiErrorBody = z.infer<typeof ApiErrorBody>;
