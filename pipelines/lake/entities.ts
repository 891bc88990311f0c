/**
 * The layout of an NDJSON folder of OpenPhone-shaped records (the demo generator writes one, and
 * `commsight extract --input <dir>` reads any such folder): which file or folder holds each raw
 * entity. How an entity is validated, keyed, versioned and partitioned is the merge's definition
 * (catalog/raw.ts MERGE_ENTITIES), the same for every source.
 */
import type { z } from "zod";
import { mergeEntity } from "../catalog/raw.ts";

export type FolderEntity = {
  name: string;
  /** File or folder (of *.ndjson / *.jsonl files) under the source directory. */
  path: string;
  schema: z.ZodType;
};

const LAYOUT: [name: string, path: string][] = [
  ["phone_numbers", "phone-numbers.ndjson"],
  ["users", "users.ndjson"],
  ["contacts", "contacts.ndjson"],
  ["calls", "calls"],
  ["messages", "messages"],
  ["call_flow_events", "call-flow-events"],
  ["survey_responses", "survey-responses"],
  ["call_transcripts", "call-transcripts"],
  ["call_summaries", "call-summaries"],
];

/** The entities of a folder, in the order their results are reported. */
export const ENTITIES: FolderEntity[] = LAYOUT.map(([name, path]) => ({ name, path, schema: mergeEntity(name).schema }));
