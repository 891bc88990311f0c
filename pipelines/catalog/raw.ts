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
import { col } from "./meta.ts";

export type MergeEntity = {
  name: string;
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
};

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
  { name: "phone_numbers", schema: PhoneNumber, key: ["id"], version: "updatedAt DESC NULLS LAST", day: null },
  { name: "users", schema: User, key: ["id"], version: null, day: null },
  { name: "contacts", schema: Contact, key: ["id"], version: "updatedAt DESC NULLS LAST", day: null },
  { name: "contact_custom_fields", schema: ContactCustomFieldDefinition, key: ["key"], version: null, day: null },
  { name: "conversations", schema: Conversation, key: ["id"], version: "updatedAt DESC NULLS LAST", day: null },
  {
    // A ringing call has no end yet; its completed version has, so it sorts newer even when the
    // API leaves updatedAt null ("null if never updated").
    name: "calls", schema: Call, key: ["id"], version: "coalesce(updatedAt, completedAt, answeredAt, createdAt) DESC NULLS LAST",
    day: utcDay("i.createdAt"),
  },
  { name: "messages", schema: Message, key: ["id"], version: "updatedAt DESC NULLS LAST", day: utcDay("i.createdAt") },
  { name: "call_recordings", schema: CallRecordingRecord, key: ["id"], version: null, day: null, dayFrom: callDay },
  { name: "call_summaries", schema: CallSummary, key: ["callId"], version: null, day: null, dayFrom: callDay },
  { name: "call_transcripts", schema: CallTranscript, key: ["callId"], version: "createdAt DESC NULLS LAST", day: null, dayFrom: callDay },
  { name: "call_flow_events", schema: CallFlowEvent, key: ["id"], version: null, day: utcDay("i.occurredAt") },
  {
    name: "survey_responses", schema: SurveyResponse, key: ["id"], version: "respondedAt DESC NULLS LAST", day: utcDay("i.respondedAt"),
    checks: [{ sql: "nps IS NULL AND csat IS NULL", field: "nps", reason: "nps: a response needs an nps or a csat score" }],
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
