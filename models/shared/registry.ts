/**
 * The model registry: data/models/<name>/registry.json lists every trained version with its training
 * window, config hash, feature hash, backtest score, headline metrics and the decision taken;
 * data/models/<name>/latest.json points at the version that serves.
 *
 * A retrain is promoted only when its backtest beats the serving model's: measured on the
 * candidate's own backtest when the serving model never saw that window (a fair, same-data
 * comparison), else the serving model's recorded score. A candidate whose config or features
 * differ is promoted (the old model answers another question or cannot read the new data).
 * Otherwise the last good model keeps serving.
 *
 * What stays on disk is bounded (`models.registry.keep`): a promoted version gets a folder
 * (data/models/<name>/<version>/, modelStore.ts) and, once it serves, every folder but the serving
 * one and the `keep` newest others is deleted (their entries stay in registry.json, with when the
 * folder went). A refused retrain gets no folder: its score and metrics live in its registry entry.
 */
import { existsSync, mkdirSync, readFileSync, readdirSync, renameSync, rmSync } from "node:fs";
import { join } from "node:path";
import { z } from "zod";
import { registerConfigSection, type Config } from "../../pipelines/core/config.ts";
import { writeJsonAtomic } from "../../pipelines/core/stateFile.ts";
import type { Paths } from "../../pipelines/core/paths.ts";

export const RegistryConfigSchema = z.strictObject({
  /** Earlier versions kept on disk besides the serving one (for a rollback or an audit); older version folders are deleted after each promotion. */
  keep: z.number().int().min(0).default(3),
}).prefault({});
export type RegistryConfig = z.infer<typeof RegistryConfigSchema>;

registerConfigSection("models.registry", RegistryConfigSchema);

/** The `models.registry` section (defaults when the config was parsed without it); `models` is typed by another module's declaration merging, hence the cast. */
export function registryConfig(config: Config): RegistryConfig {
  const got = (config.models as unknown as { registry?: RegistryConfig }).registry;
  return got ?? RegistryConfigSchema.parse(undefined);
}

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
  /** The candidate's headline metrics (a refused version's only record: it has no folder). */
  metrics?: Record<string, unknown>;
  /** When the version's folder was deleted (it was neither serving nor among the `keep` newest). */
  folderDeletedAt?: string;
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

/** A version folder's name: `v` + UTC timestamp (modelStore.versionAt). */
const VERSION_DIR = /^v\d{8}T\d{6}$/;
const DELETING = /^\.v\d{8}T\d{6}\.deleting$/;

/**
 * Record a decided candidate. Promoted: it becomes latest.json, the previous one retires, then
 * version folders beyond the serving one and the `keep` newest others are deleted. Refused: no
 * folder is kept (one written by a caller that saved before deciding is deleted, its metrics.json
 * read into the entry first); the entry carries its score and metrics.
 */
export function recordVersion(
  paths: Paths, name: string, entry: Omit<RegistryEntry, "status" | "reason" | "incumbent" | "folderDeletedAt">, decision: Decision,
  keep = RegistryConfigSchema.parse(undefined).keep,
): RegistryEntry {
  mkdirSync(join(paths.models, name), { recursive: true });
  const versions = readRegistry(paths, name);
  const recorded: RegistryEntry = { ...entry, status: decision.promote ? "serving" : "refused", reason: decision.reason, incumbent: decision.incumbent };
  const dir = join(paths.models, name, entry.version);
  if (!decision.promote && recorded.metrics === undefined && existsSync(join(dir, "metrics.json"))) {
    const doc = JSON.parse(readFileSync(join(dir, "metrics.json"), "utf8")) as { metrics?: Record<string, unknown> };
    if (doc.metrics) recorded.metrics = doc.metrics;
  }
  if (decision.promote) for (const v of versions) if (v.status === "serving") v.status = "retired";
  versions.push(recorded);
  writeJsonAtomic(registryFile(paths, name), { name, versions });
  if (decision.promote) {
    writeJsonAtomic(latestFile(paths, name), { version: entry.version, path: dir, savedAt: entry.createdAt });
    pruneVersions(paths, name, keep);
  } else if (existsSync(dir)) {
    removeFolder(paths, name, entry.version);
  }
  return recorded;
}

/**
 * Delete every version folder of `name` but the serving one (latest.json) and the `keep` newest
 * others; their registry entries stay, marked with `folderDeletedAt`. Folders the registry does not
 * list (a save whose process died before it was recorded) count like the others. Returns the
 * versions deleted, oldest first.
 */
export function pruneVersions(paths: Paths, name: string, keep: number): string[] {
  const root = join(paths.models, name);
  if (!existsSync(root)) return [];
  const serving = existsSync(latestFile(paths, name)) ? (JSON.parse(readFileSync(latestFile(paths, name), "utf8")) as { version: string }).version : null;
  const names = readdirSync(root, { withFileTypes: true }).filter((e) => e.isDirectory()).map((e) => e.name);
  // A deletion cut short by a crash: finish it.
  for (const n of names.filter((n) => DELETING.test(n))) rmSync(join(root, n), { recursive: true, force: true });
  const others = names.filter((n) => VERSION_DIR.test(n) && n !== serving).sort().reverse();
  const doomed = others.slice(keep).reverse();
  if (doomed.length === 0) return [];
  const at = new Date().toISOString();
  const versions = readRegistry(paths, name);
  for (const v of versions) if (doomed.includes(v.version)) v.folderDeletedAt = at;
  writeJsonAtomic(registryFile(paths, name), { name, versions });
  for (const v of doomed) removeFolder(paths, name, v);
  return doomed;
}

/** Rename out of sight first (a reader never sees half a version), then delete. */
function removeFolder(paths: Paths, name: string, version: string): void {
  const gone = join(paths.models, name, `.${version}.deleting`);
  rmSync(gone, { recursive: true, force: true });
  renameSync(join(paths.models, name, version), gone);
  rmSync(gone, { recursive: true, force: true });
}
