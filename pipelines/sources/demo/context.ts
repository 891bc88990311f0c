/** The generator's shared state, handed to the emitters. */
import type { Calendar } from "./calendar.ts";
import type { PiiPlant } from "./pii.ts";
import type { Rng } from "./rng.ts";
import type { Texter } from "./text.ts";
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
}

export const PII_RATES = { message: 0.03, transcript: 0.04 };
