/**
 * The model registry: every trained version is kept (data/models/<name>/<version>/) and listed in
 * data/models/<name>/registry.json with its training window, config hash, feature hash, backtest
 * score and the decision taken. data/models/<name>/latest.json points at the version that serves.
 *
 * A retrain is promoted only when its backtest beats the serving model's: measured on the
 * candidate's own backtest when the serving model never saw that window (a fair, same-data
 * comparison), else the serving model's recorded score. A candidate whose config or features
 * differ is promoted (the old model answers another question or cannot read the new data).
 * Otherwise the last good model keeps serving, and the refused version stays on disk for audit.
 */
import { existsSync, mkdirSync, readFileSync } from "node:fs";
import { writeJsonAtomic } from "../../pipelines/core/stateFile.ts";
import { join } from "node:path";
import type { Paths } from "../../pipelines/core/paths.ts";

export type Score = { metric: string; value: number; higherIsBetter: boolean };

export type RegistryEntry = {
  version: string;
  createdAt: string;
  status: "serving" | "retired" | "refused";
  reason: string;
  score: Score;
  /** What the candidate was compared with. */
  incumbent: { version: string; score: number; basis: "same backtest" | "recorded" } | null;
  trainingWindow: unknown;
  configHash: string;
  featureHash: string;
};

export type Decision = { promote: boolean; reason: string; incumbent: RegistryEntry["incumbent"] };

const registryFile = (paths: Paths, name: string) => join(paths.models, name, "registry.json");
const latestFile = (paths: Paths, name: string) => join(paths.models, name, "latest.json");

export function readRegistry(paths: Paths, name: string): RegistryEntry[] {
  const f = registryFile(paths, name);
  return existsSync(f) ? (JSON.parse(readFileSync(f, "utf8")) as { versions: RegistryEntry[] }).versions : [];
}

/** The serving version's entry, if any. */
export function servingEntry(paths: Paths, name: string): RegistryEntry | null {
  const f = latestFile(paths, name);
  if (!existsSync(f)) return null;
  const { version } = JSON.parse(readFileSync(f, "utf8")) as { version: string };
  return readRegistry(paths, name).find((e) => e.version === version) ?? null;
}

const fmt = (v: number) => (Math.abs(v) >= 100 ? v.toFixed(1) : v.toPrecision(4));

/**
 * Decide on a candidate. `incumbentNow` is the serving model's score on the candidate's backtest,
 * or null when it could not be measured out of sample (then its recorded score is used).
 */
export function decide(candidate: Pick<RegistryEntry, "score" | "configHash" | "featureHash">, serving: RegistryEntry | null, incumbentNow: number | null): Decision {
  if (!serving) return { promote: true, reason: "first model", incumbent: null };
  if (serving.configHash !== candidate.configHash) return { promote: true, reason: `config changed since serving ${serving.version}`, incumbent: null };
  if (serving.featureHash !== candidate.featureHash) return { promote: true, reason: `features or series changed since serving ${serving.version}`, incumbent: null };
  const basis = incumbentNow === null ? "recorded" : "same backtest";
  const ref = incumbentNow ?? serving.score.value;
  const c = candidate.score.value;
  const better = candidate.score.higherIsBetter ? c > ref : c < ref;
  const what = `${candidate.score.metric} ${fmt(c)} vs serving ${serving.version}'s ${fmt(ref)} (${basis})`;
  return { promote: better, reason: better ? `beats the serving model: ${what}` : `does not beat the serving model: ${what}`, incumbent: { version: serving.version, score: ref, basis } };
}

/** Record a decided candidate; on promotion it becomes latest.json and the previous one retires. */
export function recordVersion(paths: Paths, name: string, entry: Omit<RegistryEntry, "status" | "reason" | "incumbent">, decision: Decision): RegistryEntry {
  mkdirSync(join(paths.models, name), { recursive: true });
  const versions = readRegistry(paths, name);
  const recorded: RegistryEntry = { ...entry, status: decision.promote ? "serving" : "refused", reason: decision.reason, incumbent: decision.incumbent };
  if (decision.promote) for (const v of versions) if (v.status === "serving") v.status = "retired";
  versions.push(recorded);
  writeJsonAtomic(registryFile(paths, name), { name, versions });
  if (decision.promote) {
    writeJsonAtomic(latestFile(paths, name), { version: entry.version, path: join(paths.models, name, entry.version), savedAt: entry.createdAt });
  }
  return recorded;
}
