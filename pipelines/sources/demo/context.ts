/** The generator's shared state, handed to the emitters. */
import type { Calendar } from "./calendar.ts";
import type { PiiPlant } from "./pii.ts";
import type { Rng } from "./rng.ts";
import type { Texter } from "./text.ts";
import type { OpportunityPlant } from "./opportunity.ts";
import type { PlaybookPlant } from "./playbook.ts";
import type { Contacts, Line } from "./types.ts";
import type { NdjsonWriter } from "./writer.ts";

export interface Gen {
  rng: Rng;
  texter: Texter;
  cal: Calendar;
  lines: Line[];
  contacts: Contacts;
  out: NdjsonWriter;
  windowEndMs: number;
  transcriptShare: number;
  surveyShare: number;
  piiMessageRate: number;
  piiTranscriptRate: number;
  pii: PiiPlant[];
  loopCallIds: string[];
  /** Planted playbook behaviour (holds back the topic's transcripts until resolution is known). */
  playbook: PlaybookPlant;
  /** Planted sales opportunities (purchases after pleased Sales conversations). */
  opportunity: OpportunityPlant;
}

export const PII_RATES = { message: 0.03, transcript: 0.04 };
