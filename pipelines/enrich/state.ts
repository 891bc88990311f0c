/**
 * What the last enrich analysed, so a run re-analyses only the days whose inputs changed
 * (data/state/enrich/state.json, written atomically after each published batch):
 *  - the analysis version: a hash of everything that decides how a text is analysed (redaction
 *    and privacy settings, the text config, the taxonomy and labelled-examples files, the opt-out
 *    field, the pseudonym key's fingerprint, the enriched schemas and ENRICH_CODE_VERSION);
 *  - per raw day: a fingerprint (size and mtime of each Parquet file) of that day's partitions of
 *    every input (the texts, and `calls` for the customer's number), the fingerprint of every
 *    enriched partition it produced, and which snapshot of the contacts it was analysed with.
 * A day is a unit because every input of a day's rows lives in that day's partitions: summaries
 * and transcripts are partitioned with their call (catalog/raw.ts `dayFrom: callDay`).
 */
import { createHash } from "node:crypto";
import { existsSync, readdirSync, readFileSync, statSync } from "node:fs";
import { join } from "node:path";
import { z } from "zod";
import type { Config } from "../core/config.ts";
import { writeJsonAtomic } from "../core/stateFile.ts";
import { duckdbColumns } from "../catalog/duckdbTypes.ts";
import { ENRICHED } from "../catalog/enriched.ts";
import { keyFingerprint, pseudonymKey } from "../privacy/pseudonym.ts";
import { DEFAULT_TAXONOMY } from "../../models/text/topics.ts";

/** Bump when the analysis code (redaction, sentiment, topics, metrics, terms, summaries) changes its output. */
export const ENRICH_CODE_VERSION = 1;

/** Raw entities whose day partitions hold texts: a day with any of them is analysed. */
export const TEXT_INPUTS = ["messages", "call_summaries", "call_transcripts", "survey_responses"] as const;
/** Every raw entity a day's analysis reads from that day's partitions. */
export const DAY_INPUTS = [...TEXT_INPUTS, "calls"] as const;

const DayState = z.object({
  /** Fingerprint of the day's input partitions. */
  inputs: z.string(),
  /** Enriched entity → fingerprint of the partition written for the day (absent: none). */
  outputs: z.record(z.string(), z.string()),
  /** The contacts snapshot (fingerprint) the day was analysed with, or verified against. */
  contacts: z.string(),
});
export const EnrichState = z.object({
  version: z.literal(1),
  analysis: z.string(),
  days: z.record(z.string(), DayState),
});
export type DayState = z.infer<typeof DayState>;
export type EnrichState = z.infer<typeof EnrichState>;

export const stateDir = (dataDir: string) => join(dataDir, "state", "enrich");
const stateFile = (dataDir: string) => join(stateDir(dataDir), "state.json");

/** The last run's state, or null (first run, or a state this version cannot read: analyse everything). */
export function readState(dataDir: string): EnrichState | null {
  try {
    const s = EnrichState.safeParse(JSON.parse(readFileSync(stateFile(dataDir), "utf8")));
    return s.success ? s.data : null;
  } catch { return null; }
}

export function writeState(dataDir: string, state: EnrichState): void {
  const days = Object.fromEntries(Object.entries(state.days).sort(([a], [b]) => a.localeCompare(b)));
  writeJsonAtomic(stateFile(dataDir), { ...state, days });
}

const DAY = /^date=(\d{4}-\d{2}-\d{2})$/;

/** size:mtime of each file of a partition folder, in name order. */
function filesPrint(dir: string): string {
  return readdirSync(dir).sort().map((f) => { const s = statSync(join(dir, f)); return `${f}:${s.size}:${Math.round(s.mtimeMs)}`; }).join(",");
}

/** Fingerprint of one day partition of an entity folder, or undefined when there is none. */
export function dayPrint(entityDir: string, day: string): string | undefined {
  const dir = join(entityDir, `date=${day}`);
  return existsSync(dir) ? filesPrint(dir) : undefined;
}

/** Day → fingerprint of every day partition of an entity folder. */
export function partitionPrints(entityDir: string): Map<string, string> {
  const out = new Map<string, string>();
  if (!existsSync(entityDir)) return out;
  for (const p of readdirSync(entityDir).sort()) {
    const m = DAY.exec(p);
    if (m) out.set(m[1]!, filesPrint(join(entityDir, p)));
  }
  return out;
}

/**
 * Day → fingerprint of its inputs, for every day with a text in the raw lake. An input of a day before
 * its entity's retention cutoff (`cutoffs`: raw entity → first kept day) counts as "expired" whether or
 * not retention has deleted it yet: its deletion is retention's doing, not a change, so what was
 * analysed from it stays for the enriched entities' own retention periods, as in a run that analysed
 * the day before the deletion.
 */
export function inputPrints(rawDir: string, cutoffs: Record<string, string> = {}): Map<string, string> {
  const per = DAY_INPUTS.map((e) => [e, partitionPrints(join(rawDir, e))] as const);
  const days = new Set<string>();
  for (const [e, parts] of per) if ((TEXT_INPUTS as readonly string[]).includes(e)) for (const d of parts.keys()) days.add(d);
  const out = new Map<string, string>();
  for (const d of [...days].sort()) {
    const h = createHash("sha256");
    for (const [e, parts] of per) h.update(`${e}=${cutoffs[e] !== undefined && d < cutoffs[e]! ? "expired" : (parts.get(d) ?? "-")};`);
    out.set(d, h.digest("hex").slice(0, 16));
  }
  return out;
}

/**
 * Fingerprint of the raw contacts (a snapshot file, or partitions) as seen by one analysis version
 * (their digest depends on it: the opt-out field, whether names are redacted).
 */
export function contactsPrint(rawDir: string, analysis: string): string {
  const dir = join(rawDir, "contacts");
  const all = existsSync(dir)
    ? readdirSync(dir).sort().map((p) => { const f = join(dir, p); return statSync(f).isDirectory() ? `${p}[${filesPrint(f)}]` : `${p}:${statSync(f).size}:${Math.round(statSync(f).mtimeMs)}`; })
    : ["none"];
  return createHash("sha256").update(`${analysis};${all.join(",")}`).digest("hex").slice(0, 16);
}

const fileHash = (file: string | undefined) => (file && existsSync(file) ? createHash("sha256").update(readFileSync(file)).digest("hex") : "none");

/** The analysis version: when it differs from the last run's, every day is analysed again. */
export function analysisVersion(config: Config): string {
  const { retention: _kept, ...privacy } = config.privacy;
  const parts = {
    code: ENRICH_CODE_VERSION,
    privacy,
    text: config.text,
    taxonomy: fileHash(config.text.topics.taxonomyFile ?? DEFAULT_TAXONOMY),
    examples: fileHash(config.text.topics.examplesFile),
    key: keyFingerprint(pseudonymKey().key),
    schemas: ENRICHED.map((e) => [e.name, duckdbColumns(e.schema), e.key]),
  };
  return createHash("sha256").update(JSON.stringify(parts)).digest("hex").slice(0, 16);
}
