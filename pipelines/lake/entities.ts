/**
 * The raw entities a file-drop extract lands: where their files are, how they are validated,
 * deduplicated (latest version wins) and partitioned by day.
 */
import type { z } from "zod";
import { Call, CallSummary, CallTranscript, Contact, Message, PhoneNumber, User } from "../catalog/openphone.ts";
import { CallFlowEvent } from "../catalog/callflow.ts";
import { SurveyResponse } from "../catalog/surveys.ts";

export type Entity = {
  name: string;
  /** File or folder (of *.ndjson files) under the source directory. */
  path: string;
  schema: z.ZodType;
  /** Columns that identify a record; later versions replace earlier ones. */
  key: string[];
  /** Orders versions of one record, newest first. */
  version: string;
  /** SQL for the partition day (UTC) over the validated rows `r`; null: one unpartitioned snapshot. */
  day: string | null;
  /** Optional join giving the partition day from another, already landed entity. */
  dayFrom?: { entity: string; on: string; expr: string };
};

const utcDay = (col: string) => `strftime(${col} AT TIME ZONE 'UTC', '%Y-%m-%d')`;

export const ENTITIES: Entity[] = [
  { name: "phone_numbers", path: "phone-numbers.ndjson", schema: PhoneNumber, key: ["id"], version: "updatedAt DESC", day: null },
  { name: "users", path: "users.ndjson", schema: User, key: ["id"], version: "_source_line DESC", day: null },
  { name: "contacts", path: "contacts.ndjson", schema: Contact, key: ["id"], version: "updatedAt DESC", day: null },
  { name: "calls", path: "calls", schema: Call, key: ["id"], version: "coalesce(updatedAt, createdAt) DESC", day: utcDay("createdAt") },
  { name: "messages", path: "messages", schema: Message, key: ["id"], version: "updatedAt DESC", day: utcDay("createdAt") },
  { name: "call_flow_events", path: "call-flow-events", schema: CallFlowEvent, key: ["id"], version: "_source_line DESC", day: utcDay("occurredAt") },
  { name: "survey_responses", path: "survey-responses", schema: SurveyResponse, key: ["id"], version: "respondedAt DESC", day: utcDay("respondedAt") },
  {
    name: "call_transcripts", path: "call-transcripts", schema: CallTranscript, key: ["callId"], version: "createdAt DESC",
    day: null, dayFrom: { entity: "calls", on: "callId", expr: utcDay("createdAt") },
  },
  {
    name: "call_summaries", path: "call-summaries", schema: CallSummary, key: ["callId"], version: "_source_file DESC, _source_line DESC",
    day: null, dayFrom: { entity: "calls", on: "callId", expr: utcDay("createdAt") },
  },
];
