/**
 * The raw entities as incremental sources (API, webhooks, file drops) land them: merged into the
 * lake by key, the latest version winning. Unlike the file-drop snapshot (entities.ts), versions
 * compare across runs, so they order by the record's own timestamps; ties go to the record that
 * arrived last (a summary or transcript fetched again later replaces the earlier one).
 */
import { z } from "zod";
import {
  Call, CallRecording, CallSummary, CallTranscript, Contact, ContactCustomFieldDefinition, Conversation, Message, PhoneNumber, User,
} from "./openphone.ts";
import { CallFlowEvent } from "./callflow.ts";
import { SurveyResponse } from "./surveys.ts";
import { duckdbColumns } from "./duckdbTypes.ts";
import { col, latestPlausibleMs, plausibility } from "./meta.ts";

export type MergeEntity = {
  name: string;
  /** One line for the data dictionary and the warehouse: what a record is. */
  description: string;
  /**
   * The retention purpose it is kept for (its days are in privacy.retention.purposes): contractual
   * evidence (5 years), analytics (1 year), training (6 months). Unset: kept (a snapshot, or no purpose).
   */
  purpose?: "contractual evidence" | "analytics" | "training";
  schema: z.ZodType;
  key: string[];
  /** ORDER BY fragment, newest first; arrival order breaks ties. */
  version: string | null;
  /** Partition day (UTC) from the record's own columns (alias `i`); null: from `dayFrom`, or unpartitioned. */
  day: string | null;
  /** The partition day of a parent record (a transcript lives with its call). */
  dayFrom?: { entity: string; on: string; parentKey: string; expr: string };
  /** Row checks the JSON Schema cannot carry (zod refinements), as SQL over the typed columns. */
  checks?: { sql: string; field: string; reason: string }[];
  /**
   * References to parent records (checked when the parent entity holds any rows): a record whose
   * parent is not in the lake is held back with its full record and retried on the next run (the
   * parent may arrive late), then quarantined after `ingest.orphanWaitHours` (lake/refs.ts).
   */
  refs?: Ref[];
};

/** `field` must name a `parentKey` of `entity` (when `when`, SQL over the record's columns, holds). */
export type Ref = { field: string; entity: string; parentKey: string; when?: string };

/** The plausible-window check of event-time columns, as SQL (the window is read when the check is compiled). */
function windowCheck(field: string): { sql: string; field: string; reason: string } {
  return {
    get sql() {
      return `(${field} < TIMESTAMPTZ '${plausibility.earliest}' OR ${field} > TIMESTAMPTZ '${new Date(latestPlausibleMs()).toISOString()}')`;
    },
    field,
    get reason() {
      return `${field}: outside the plausible window (before ${plausibility.earliest.slice(0, 10)} or more than ${Math.round(plausibility.aheadMs / 3_600_000)} h ahead)`;
    },
  };
}
const windowChecks = (...fields: string[]) => fields.map(windowCheck);
const toCall: Ref = { field: "callId", entity: "calls", parentKey: "id" };
const onLine: Ref = { field: "phoneNumberId", entity: "phone_numbers", parentKey: "id" };
const byUser: Ref = { field: "userId", entity: "users", parentKey: "id" };

const utcDay = (col: string) => `strftime(${col} AT TIME ZONE 'UTC', '%Y-%m-%d')`;
const callDay = { entity: "calls", on: "callId", parentKey: "id", expr: utcDay("createdAt") };

/** Recordings carry no call id in the API; the extractor adds the one it asked for. */
export const CallRecordingRecord = CallRecording.extend({
  callId: col(
    z.string().regex(/^AC(.*)$/, "expected a call id (AC...)"),
    "Id (AC…) of the call the recording belongs to (calls.id): not in the API's record, added by the extractor from the request.",
    "none",
  ),
});

/** Order matters: parents land before the records that take their partition day from them. */
export const MERGE_ENTITIES: MergeEntity[] = [
  { name: "phone_numbers", description: "The business's phone lines (numbers) in the phone system, with the users who share each; one snapshot row per line.", schema: PhoneNumber, key: ["id"], version: "updatedAt DESC NULLS LAST", day: null },
  { name: "users", description: "The people who answer the lines (agents, admins), as the phone numbers list them; one snapshot row per user.", schema: User, key: ["id"], version: null, day: null },
  { name: "contacts", description: "The business's contacts (customers, leads) with their default and custom fields; one snapshot row per contact, latest version.", schema: Contact, key: ["id"], version: "updatedAt DESC NULLS LAST", day: null },
  { name: "contact_custom_fields", description: "Definitions of the contacts' custom fields (key, name, type), e.g. the churned date or the opt-out flag.", schema: ContactCustomFieldDefinition, key: ["key"], version: null, day: null },
  { name: "conversations", description: "Conversation threads between a line and its participants, with the last activity; one row per conversation.", schema: Conversation, key: ["id"], version: "updatedAt DESC NULLS LAST", day: null },
  {
    // A ringing call has no end yet; its completed version has, so it sorts newer even when the
    // API leaves updatedAt null ("null if never updated").
    name: "calls", description: "Every call, incoming or outgoing, with its status, timestamps (UTC), duration and the agent; one row per call, latest version.", purpose: "contractual evidence", schema: Call, key: ["id"], version: "coalesce(updatedAt, completedAt, answeredAt, createdAt) DESC NULLS LAST",
    day: utcDay("i.createdAt"),
    checks: [
      { sql: "answeredAt > completedAt", field: "answeredAt", reason: "answeredAt: answered after it completed (answeredAt > completedAt: a negative handle time)" },
      ...windowChecks("createdAt", "answeredAt", "completedAt", "updatedAt"),
    ],
    refs: [onLine, byUser],
  },
  {
    name: "messages", description: "Every text message (SMS/MMS) sent or received on a line, with its text; one row per message, latest version.", purpose: "contractual evidence", schema: Message, key: ["id"], version: "updatedAt DESC NULLS LAST", day: utcDay("i.createdAt"),
    checks: windowChecks("createdAt", "updatedAt"), refs: [onLine, byUser],
  },
  { name: "call_recordings", description: "Recordings of calls (links to the audio, kept for training and review); one row per recording, partitioned with its call.", purpose: "training", schema: CallRecordingRecord, key: ["id"], version: null, day: null, dayFrom: callDay, refs: [toCall] },
  { name: "call_summaries", description: "The phone system's AI summary of a call and its next steps; one row per call.", purpose: "analytics", schema: CallSummary, key: ["callId"], version: null, day: null, dayFrom: callDay, refs: [toCall] },
  {
    name: "call_transcripts", description: "The transcript of a call as timed dialogue segments by speaker; one row per call.", purpose: "training", schema: CallTranscript, key: ["callId"], version: "createdAt DESC NULLS LAST", day: null, dayFrom: callDay,
    checks: windowChecks("createdAt"), refs: [toCall],
  },
  {
    name: "call_flow_events", description: "Call-flow (IVR and routing) events: menu entered, option chosen, queued, transferred, answered, abandoned; one row per event.", purpose: "contractual evidence", schema: CallFlowEvent, key: ["id"], version: null, day: utcDay("i.occurredAt"),
    checks: windowChecks("occurredAt"), refs: [toCall],
  },
  {
    name: "survey_responses", description: "NPS and CSAT survey answers after an interaction, with the optional comment; one row per response.", purpose: "analytics", schema: SurveyResponse, key: ["id"], version: "respondedAt DESC NULLS LAST", day: utcDay("i.respondedAt"),
    checks: [{ sql: "nps IS NULL AND csat IS NULL", field: "nps", reason: "nps: a response needs an nps or a csat score" }, ...windowChecks("respondedAt")],
    refs: [
      { field: "interactionId", entity: "calls", parentKey: "id", when: "channel = 'call'" },
      { field: "interactionId", entity: "messages", parentKey: "id", when: "channel = 'message'" },
    ],
  },
];

export function mergeEntity(name: string): MergeEntity {
  const e = MERGE_ENTITIES.find((x) => x.name === name);
  if (!e) throw new Error(`unknown entity "${name}" (known: ${MERGE_ENTITIES.map((x) => x.name).join(", ")})`);
  return e;
}

export const isPartitioned = (e: MergeEntity) => e.day !== null || e.dayFrom !== undefined;

/** Lineage and drift columns every merged row carries after the schema's own. */
export const META_COLUMNS = { _extra: "JSON", _source_file: "VARCHAR", _source_line: "BIGINT" } as const;

/** The lake columns of an entity, in order: the schema's, then `_extra` (new source fields), then lineage. */
export function lakeColumns(e: MergeEntity): Record<string, string> {
  return { ...duckdbColumns(e.schema), ...META_COLUMNS };
}
