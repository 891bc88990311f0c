/**
 * Which days an enrich run analyses. Everything when there is no state or the analysis version
 * changed; otherwise a day is analysed again when its input partitions changed, when an enriched
 * partition it produced is missing, changed or unexpected (the enriched lake was touched), or when
 * a contact of one of its texts changed (pipelines/enrich/contacts.ts). A missing enriched
 * partition older than its entity's retention period is retention's doing, not damage: it is not
 * brought back (it would be deleted again by the next retention). Likewise a raw input past its
 * retention period is no change (inputPrints), and a day whose raw texts are all past theirs keeps its
 * enriched partitions until their own periods end. Other days with no text any more (their raw
 * partitions were deleted) lose their enriched partitions.
 */
import { existsSync } from "node:fs";
import { join } from "node:path";
import type { Config } from "../core/config.ts";
import type { Db } from "../core/duckdb.ts";
import type { Paths } from "../core/paths.ts";
import { ENRICHED } from "../catalog/enriched.ts";
import { enrichedCutoffs, rawCutoffs } from "../retention/retention.ts";
import { daysOfChangedContacts, digestFile, writeDigest } from "./contacts.ts";
import { contactsPrint, inputPrints, partitionPrints, stateDir, TEXT_INPUTS, type DayState, type EnrichState } from "./state.ts";
import { today as todayDate } from "../core/clock.ts";

export type Plan = {
  /** Every day is analysed (no usable state, or a new analysis version). */
  full: boolean;
  /** Days to analyse, sorted. */
  analyse: string[];
  /** Days left as they are, with their state (outputs and contacts snapshot brought up to date). */
  kept: Record<string, DayState>;
  /** Days whose enriched partitions are removed: no raw text left for them. */
  gone: string[];
  /** Day → input fingerprint, for every day with a text. */
  inputs: Map<string, string>;
  /** The current contacts snapshot's fingerprint and its digest file. */
  contacts: string;
  digest: string;
};

/** Enriched entity → day → partition fingerprint. */
export function outputPrints(enrichedDir: string): Map<string, Map<string, string>> {
  return new Map(ENRICHED.map((e) => [e.name, partitionPrints(join(enrichedDir, e.name))]));
}


/** Does the enriched lake still hold what the day's state says it wrote? Retention's deletions are accepted (and recorded). */
function outputsIntact(day: string, rec: DayState, outputs: Map<string, Map<string, string>>, cutoff: Map<string, string | null>, enrichedDir: string): DayState | null {
  const kept: Record<string, string> = {};
  for (const e of ENRICHED) {
    const want = rec.outputs[e.name];
    const have = outputs.get(e.name)!.get(day);
    if (want === have) { if (want !== undefined) kept[e.name] = want; continue; }
    const c = cutoff.get(e.name);
    const retained = want !== undefined && have === undefined && c != null && day < c && existsSync(join(enrichedDir, e.name));
    if (!retained) return null;
  }
  return { ...rec, outputs: kept };
}

export async function planRun(db: Db, config: Config, paths: Paths, prev: EnrichState | null, analysis: string, today = todayDate()): Promise<Plan> {
  const rawCut = rawCutoffs(config, today);
  const inputs = inputPrints(paths.raw, rawCut);
  // A day whose every raw text entity is past its retention period lost its texts to retention: what was
  // analysed from them stays, for the enriched entities' own periods (retention deletes it then).
  const expired = (day: string) => TEXT_INPUTS.every((e) => rawCut[e] !== undefined && day < rawCut[e]!);
  const outputs = outputPrints(paths.enriched);
  const contacts = contactsPrint(paths.raw, analysis);
  const dir = stateDir(paths.data);
  const digest = digestFile(dir, contacts);
  const onDisk = new Set([...outputs.values()].flatMap((m) => [...m.keys()]));
  const gone = [...new Set([...onDisk, ...Object.keys(prev?.days ?? {})])].filter((d) => !inputs.has(d) && !expired(d)).sort();
  const full = !prev || prev.analysis !== analysis;
  if (full) return { full, analyse: [...inputs.keys()], kept: {}, gone, inputs, contacts, digest };

  const firstKept = enrichedCutoffs(config, today);
  const cutoff = new Map(ENRICHED.map((e) => [e.name, firstKept[e.name] ?? null]));
  const analyse = new Set<string>();
  const kept: Record<string, DayState> = {};
  for (const [day, print] of inputs) {
    const rec = prev.days[day];
    const intact = rec && rec.inputs === print ? outputsIntact(day, rec, outputs, cutoff, paths.enriched) : null;
    if (intact) kept[day] = intact;
    else analyse.add(day);
  }
  for (const [day, rec] of Object.entries(prev.days)) {
    if (inputs.has(day) || !expired(day)) continue;
    const intact = outputsIntact(day, rec, outputs, cutoff, paths.enriched);
    if (intact) kept[day] = intact; // nothing left to analyse it from: a damaged one is left as it is
  }
  // Days analysed with another contacts snapshot: again if one of their contacts changed since.
  const snapshots = new Set(Object.values(kept).map((d) => d.contacts).filter((c) => c !== contacts));
  if (snapshots.size) await writeDigest(db, config, paths.raw, digest);
  for (const before of snapshots) {
    const file = digestFile(dir, before);
    const changed = existsSync(file) ? await daysOfChangedContacts(db, paths.raw, file, digest) : null;
    for (const [day, d] of Object.entries(kept)) {
      if (d.contacts !== before) continue;
      if (changed === null || changed.has(day)) { analyse.add(day); delete kept[day]; } else kept[day] = { ...d, contacts };
    }
  }
  return { full, analyse: [...analyse].sort(), kept, gone, inputs, contacts, digest };
}
