/**
 * Record schemas of the OpenPhone/Quo public REST API v1, field for field as
 * ../shared/openphone-api/openphone.yaml describes the `data` items of each endpoint.
 * The generator writes these shapes, the extractor validates against them, and the raw
 * lake's column types are derived from them (see duckdbTypes.ts): one definition. Each field
 * carries its one-line description and PII class (meta.ts `col`), paraphrasing the spec's own.
 */
import { z } from "zod";
import { col, plausibleTime } from "./meta.ts";

export const e164 = z.string().regex(/^\+[1-9]\d{1,14}$/, "expected an E.164 phone number");
const isoDateTime = z.iso.datetime({ offset: true });
/** When something happened (a call, a message, a transcript): an ISO instant inside the plausible window (meta.ts). */
export const eventTime = isoDateTime.refine(plausibleTime, "outside the plausible window (before ingest.earliest or more than ingest.aheadHours ahead)");
const userId = z.string().regex(/^US(.*)$/, "expected a user id (US...)");
const phoneNumberId = z.string().regex(/^PN(.*)$/, "expected a phone number id (PN...)");
const activityId = z.string().regex(/^AC(.*)$/, "expected an activity id (AC...)");

/** GET /v1/phone-numbers → data[].users[] */
export const PhoneNumberUser = z.object({
  id: col(userId, "Unique id of the Quo user (an agent/employee), US…; the key calls, messages and transcripts use to name the user.", "identifier"),
  email: col(z.string(), "The user's e-mail address (an employee's: personal data).", "direct"),
  firstName: col(z.string().nullable(), "The user's first name; null if not set.", "direct"),
  lastName: col(z.string().nullable(), "The user's last name; null if not set.", "direct"),
  groupId: col(z.string(), "Id of the Quo group (team) the user belongs to on this phone number.", "none"),
  role: col(z.string(), "The user's role in the workspace, e.g. owner, admin or member.", "none"),
});

const Restriction = z.enum(["restricted", "unrestricted"]);
const RegionRestrictions = z.object({ CA: Restriction, US: Restriction, Intl: Restriction });
/** GET /v1/phone-numbers → data[].restrictions */
export const PhoneNumberRestrictions = z.object({ messaging: RegionRestrictions, calling: RegionRestrictions });

/** GET /v1/phone-numbers → data[] */
export const PhoneNumber = z.object({
  id: col(phoneNumberId, "Unique id of the business's Quo phone number (line), PN…; what calls and messages reference as phoneNumberId.", "none"),
  groupId: col(z.string(), "Id of the Quo group (team) the phone number belongs to.", "none"),
  createdAt: col(isoDateTime, "When the phone number was added to the workspace (UTC instant; ISO 8601 with offset in the API).", "none"),
  updatedAt: col(isoDateTime, "When the phone number's details were last changed (UTC instant).", "none"),
  name: col(z.string(), "Display name of the line, e.g. \"Support\" (the business's own label).", "none"),
  number: col(e164, "The line's phone number in E.164 (+ country code); the business's own, classed direct so phone-number scans of analyst views find none.", "direct"),
  formattedNumber: col(z.string().nullable(), "The same number in human-readable form, e.g. (555) 555-5555; null if not provided.", "direct"),
  forward: col(z.string().nullable(), "Number incoming calls are forwarded to (may be an employee's own phone); null if no forwarding is configured.", "direct"),
  portRequestId: col(z.string().nullable(), "Id of the request porting this number in from another carrier; null if it was not ported.", "none"),
  portingStatus: col(z.string().nullable(), "Status of that porting process, e.g. completed; null if not applicable.", "none"),
  symbol: col(z.string().nullable(), "Custom symbol or emoji shown for the line in Quo; null if none.", "none"),
  users: col(z.array(PhoneNumberUser), "The users (agents) with access to this line: id, e-mail, first/last name, group and role of each.", "direct"),
  // Required by the spec, optional here: file drops and the demo generator carry none.
  restrictions: col(
    PhoneNumberRestrictions.optional(),
    "Whether messaging and calling are restricted or unrestricted for CA, US and international (Intl) numbers; absent from file drops and the demo.",
    "none",
  ),
});

/** Users have no list endpoint in v1: they are the union of phone numbers' `users`. */
export const User = PhoneNumberUser;

/** GET /v1/calls → data[] */
export const Call = z.object({
  id: col(activityId, "Unique id of the call, AC…; the key of summaries, transcripts, recordings and call-flow events.", "none"),
  answeredAt: col(eventTime.nullable(), "When the call was answered (UTC instant); null if it was not answered.", "none"),
  answeredBy: col(z.string().nullable(), "Id (US…) of the user who answered an incoming call; null for outgoing or unanswered calls.", "identifier"),
  initiatedBy: col(z.string().nullable(), "Id (US…) of the user who placed an outgoing call; null for incoming calls.", "identifier"),
  direction: col(z.enum(["incoming", "outgoing"]), "Direction relative to the Quo number: incoming (a customer called the business) or outgoing (the business called out).", "none"),
  status: col(
    z.enum([
      "queued", "initiated", "ringing", "in-progress", "completed", "busy", "failed",
      "no-answer", "canceled", "missed", "answered", "forwarded", "abandoned",
    ]),
    "Current call status: queued, initiated, ringing, in-progress, then completed, busy, failed, no-answer, canceled, missed, answered, forwarded or abandoned.",
    "none",
  ),
  completedAt: col(eventTime.nullable(), "When the call ended (UTC instant); null while ongoing or if it never completed.", "none"),
  createdAt: col(eventTime, "When the call record was created, i.e. the call started (UTC instant); sets the lake partition day (UTC).", "none"),
  duration: col(z.number().int().nonnegative(), "Total duration of the call in seconds (never negative).", "none"),
  forwardedFrom: col(z.string().nullable(), "Where a forwarded call came from: an E.164 phone number or a user id (US…); null if not forwarded.", "direct"),
  forwardedTo: col(z.string().nullable(), "Where the call was forwarded to: an E.164 phone number or a user id (US…); null if not forwarded.", "direct"),
  phoneNumberId: col(phoneNumberId, "Id (PN…) of the business's Quo number (line) the call was on.", "none"),
  participants: col(z.array(e164), "Phone numbers (E.164) of the other parties, excluding the Quo number: the customer's number.", "direct"),
  updatedAt: col(eventTime.nullable(), "When the call record was last updated (UTC instant); null if never updated.", "none"),
  userId: col(userId, "Id (US…) of the Quo user account the call is associated with.", "identifier"),
}).refine((c) => !c.answeredAt || !c.completedAt || Date.parse(c.answeredAt) <= Date.parse(c.completedAt), {
  message: "answered after it completed (answeredAt > completedAt: a negative handle time)", path: ["answeredAt"],
});

/** GET /v1/messages → data[] */
export const Message = z.object({
  id: col(activityId, "Unique id of the message, AC….", "none"),
  to: col(z.array(e164), "Recipient phone numbers (E.164): the customer's for outgoing messages, the Quo number for incoming ones.", "direct"),
  from: col(e164, "Sender phone number (E.164): the customer's for incoming messages, the Quo number for outgoing ones.", "direct"),
  text: col(z.string(), "The message body as sent, unredacted (the redacted form is enriched message_texts.text).", "free_text"),
  phoneNumberId: col(phoneNumberId.nullable(), "Id (PN…) of the business's Quo number (line) the message went through; null if unknown.", "none"),
  direction: col(z.enum(["incoming", "outgoing"]), "Direction relative to the Quo number: incoming (from a customer) or outgoing (from the business).", "none"),
  userId: col(userId, "Id (US…) of the user who sent the message (for incoming ones, the user the API associates with it).", "identifier"),
  status: col(z.enum(["queued", "sent", "delivered", "undelivered"]), "Delivery status: queued, sent, delivered or undelivered.", "none"),
  createdAt: col(eventTime, "When the message was created (UTC instant); sets the lake partition day (UTC).", "none"),
  updatedAt: col(eventTime, "When the message's status was last updated (UTC instant).", "none"),
});

/** GET /v1/call-summaries/{callId} → data.jobs[]: one AI job's extracted name/value pairs. */
const CallSummaryJob = z.object({
  icon: z.string(),
  name: z.string(),
  result: z.object({
    data: z.array(z.object({ name: z.string(), value: z.union([z.string(), z.number(), z.boolean()]) })),
  }),
});

/** GET /v1/call-summaries/{callId} → data */
export const CallSummary = z.object({
  callId: col(z.string(), "Id (AC…) of the call this summary belongs to; the summary's key.", "none"),
  nextSteps: col(z.array(z.string()).nullable(), "AI-generated next steps, one sentence an item, unredacted; null if none.", "free_text"),
  status: col(z.enum(["absent", "in-progress", "completed", "failed"]), "Status of the summary: absent (none made), in-progress, completed or failed.", "none"),
  summary: col(z.array(z.string()).nullable(), "AI-generated summary of the call, one sentence an item, unredacted; null if none.", "free_text"),
  jobs: col(
    z.array(CallSummaryJob).nullable().optional(),
    "Results of the workspace's AI call jobs: each job's icon, name and extracted name/value pairs (values as said on the call); null or absent if none.",
    "free_text",
  ),
});

/** GET /v1/call-transcripts/{id} → data.dialogue[]: one speaker's segment, times in seconds from the call's start. */
const DialogueSegment = z.object({
  content: z.string(),
  start: z.number().nonnegative(),
  end: z.number().nonnegative(),
  identifier: z.string(),
  userId: userId.nullable(),
});

/** GET /v1/call-transcripts/{id} → data */
export const CallTranscript = z.object({
  callId: col(z.string(), "Id (AC…) of the call this transcript belongs to; the transcript's key.", "none"),
  createdAt: col(eventTime, "When the transcription was created (UTC instant); a later one replaces an earlier one.", "none"),
  dialogue: col(
    z.array(DialogueSegment).nullable(),
    "Transcript segments in order: unredacted spoken text, start/end seconds from the call's start, speaker's phone number and user id (null for external parties); null if none.",
    "direct",
  ),
  duration: col(z.number().nonnegative(), "Total duration of the transcribed call in seconds (never negative).", "none"),
  status: col(z.enum(["absent", "in-progress", "completed", "failed"]), "Status of the transcription: absent (none made), in-progress, completed or failed.", "none"),
});

/** GET /v1/call-recordings/{callId} → data[] */
export const CallRecording = z.object({
  duration: col(z.number().int().nonnegative().nullable(), "Length of the recording in seconds; null if not completed or unknown.", "none"),
  id: col(z.string(), "Unique id of the call recording (one call may have several segments).", "none"),
  startTime: col(isoDateTime.nullable(), "When the recording began (UTC instant); null if it has not started or is unknown.", "none"),
  status: col(
    z.enum(["absent", "completed", "deleted", "failed", "in-progress", "paused", "processing", "stopped", "stopping"]).nullable(),
    "Recording status: absent, completed, deleted, failed, in-progress, paused, processing, stopped or stopping; null if unknown.",
    "none",
  ),
  type: col(z.string().nullable(), "File type of the recording as the API reports it; null if not specified or unknown.", "none"),
  url: col(z.string().nullable(), "URL to access or download the recording audio (people's unredacted voices); null if not available.", "free_text"),
});

/** GET /v1/contact-custom-fields → data[] */
export const ContactCustomFieldDefinition = z.object({
  name: col(z.string(), "Name of the custom contact field, as set by users in the Quo interface when creating it.", "none"),
  key: col(z.string(), "Identifying key of the custom field (what contacts' customFields[].key refer to); the definition's key.", "none"),
  type: col(
    z.enum(["address", "boolean", "date", "multi-select", "number", "string", "url"]),
    "Data type of the field's values: address, boolean, date, multi-select, number, string or url.",
    "none",
  ),
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

/** GET /v1/contacts/{id} → data.defaultFields */
const ContactDefaultFields = z.object({
  company: z.string().nullable(),
  emails: z.array(z.object({ name: z.string(), value: z.string().nullable(), id: z.string().optional() })),
  firstName: z.string().nullable(),
  lastName: z.string().nullable(),
  phoneNumbers: z.array(z.object({ name: z.string(), value: z.string().nullable(), id: z.string().optional() })),
  role: z.string().nullable(),
});

/** GET /v1/contacts/{id} → data */
export const Contact = z.object({
  id: col(z.string(), "Unique id of the contact (a customer) in Quo; pseudonymised before analysts see it.", "identifier"),
  externalId: col(z.string().nullable(), "Id of the contact in an external system (e.g. a CRM), set when created; null if none.", "identifier"),
  source: col(z.string().nullable(), "How or where the contact was created, e.g. public-api or an integration; null for contacts created in the Quo app.", "none"),
  sourceUrl: col(z.string().nullable(), "Link to the contact's record in the source system; null if none.", "identifier"),
  defaultFields: col(
    ContactDefaultFields,
    "The contact's standard fields: company, e-mails and phone numbers (label/value each), first and last name, role.",
    "direct",
  ),
  customFields: col(
    z.array(ContactCustomField),
    "The contact's custom field values (name, key, type and a value per the field's type: address, date, string…).",
    "direct",
  ),
  createdAt: col(isoDateTime, "When the contact was created (UTC instant).", "none"),
  updatedAt: col(isoDateTime, "When the contact was last updated (UTC instant).", "none"),
  createdByUserId: col(userId, "Id (US…) of the user who created the contact.", "identifier"),
});

/** GET /v1/conversations → data[] */
export const Conversation = z.object({
  assignedTo: col(z.string().nullable(), "Id (US…) of the user the conversation is assigned to in the inbox; null if unassigned.", "identifier"),
  createdAt: col(isoDateTime.nullable(), "When the conversation was created (UTC instant); null if unknown.", "none"),
  deletedAt: col(isoDateTime.nullable(), "When the conversation was deleted (UTC instant); null if not deleted.", "none"),
  id: col(z.string().regex(/^CN(.*)$/), "Unique id of the conversation, CN…: one Quo line with one set of participants, so it stands for those people.", "identifier"),
  lastActivityAt: col(isoDateTime.nullable(), "When the last call or message in the conversation happened (UTC instant); null if none.", "none"),
  lastActivityId: col(activityId.nullable(), "Id (AC…) of that last call or message; null if none.", "none"),
  mutedUntil: col(isoDateTime.nullable(), "Muted until this time (UTC instant); null if not muted.", "none"),
  name: col(z.string().nullable(), "Display name of the conversation, usually the contact's or group's name; null if none.", "direct"),
  participants: col(z.array(e164), "Phone numbers (E.164) of the external participants (customers), excluding the Quo number.", "direct"),
  phoneNumberId: col(phoneNumberId, "Id (PN…) of the business's Quo number (line) the conversation is on.", "none"),
  snoozedUntil: col(isoDateTime.nullable(), "Snoozed in the inbox until this time (UTC instant); null if not snoozed.", "none"),
  updatedAt: col(isoDateTime.nullable(), "When the conversation was last updated (UTC instant); null if never.", "none"),
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
