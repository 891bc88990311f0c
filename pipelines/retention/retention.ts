/**
 * Retention by purpose: each raw (and enriched) entity is kept for as long as the longest purpose
 * that needs it (privacy.retention.purposes), then its expired day partitions are deleted whole.
 * An enriched entity without a purpose of its own is kept no longer than the shortest-kept raw
 * entity it derives from. Entities no purpose names are kept: retention never guesses.
 * A partition `date=D` is expired on day T when D < T − days.
 * The quarantine (data/quarantine: refused records as they arrived, with their PII) and the records
 * held back for a missing parent (data/quarantine/held) fall under the purpose named "quarantine"
 * (default 90 days when no purpose names it): a file last written before T − days is deleted whole.
 */
import { existsSync, mkdirSync, readdirSync, readFileSync, renameSync, rmSync, statSync } from "node:fs";
import { join } from "node:path";
import { z } from "zod";
import type { Config } from "../core/config.ts";
import { lit, openDb, rows } from "../core/duckdb.ts";
import type { Paths } from "../core/paths.ts";
import { readJson, writeJsonAtomic } from "../core/stateFile.ts";
import { catalog, datasetDir } from "../catalog/datasets.ts";
import { MERGE_ENTITIES, isPartitioned } from "../catalog/raw.ts";
import { addDays } from "../core/clock.ts";

const minusDays = (day: string, days: number) => addDays(day, -days);

export type Period = { days: number; purpose: string };
export type Expired = { zone: "raw" | "enriched" | "quarantine"; entity: string; partition: string; date: string; rows: number; purpose: string; days: number };
export type RetentionPlan = { asOf: string; expired: Expired[]; kept: { zone: string; entity: string; period: Period | null }[] };

/**
 * The period an entity is kept for: the longest of the configured purposes that name it or that the
 * catalog declares it for (raw `calls` is declared for "contractual evidence", …), or null (kept).
 */
export function periodOf(config: Config, name: string): Period | null {
  const [zone, bare] = name.startsWith("enriched.") ? ["enriched", name.slice(9)] : ["raw", name];
  const declared = catalog().find(`${zone}.${bare}`)?.purpose ?? null;
  let best: Period | null = null;
  for (const p of config.privacy.retention.purposes) {
    if ((p.entities.includes(name) || p.name === declared) && (!best || p.days > best.days)) best = { days: p.days, purpose: p.name };
  }
  return best;
}

/** An enriched entity's own period, else the shortest of the raw entities it derives from. */
export function enrichedPeriodOf(config: Config, name: string): Period | null {
  const own = periodOf(config, `enriched.${name}`);
  if (own) return own;
  const from = catalog().find(`enriched.${name}`)?.derivedFrom ?? [];
  let shortest: Period | null = null;
  for (const f of from) {
    const p = periodOf(config, f);
    if (p && (!shortest || p.days < shortest.days)) shortest = { days: p.days, purpose: `${p.purpose} (as ${f})` };
  }
  return shortest;
}

/**
 * Per raw day-partitioned entity with a retention period, the first day still kept on `asOf`: a
 * record of an earlier day is expired (what retention deletes on that day). The extract does not
 * land such records (extract/index.ts), so retention's deletions are never undone by the next extract.
 */
export function rawCutoffs(config: Config, asOf: string): Record<string, string> {
  const out: Record<string, string> = {};
  for (const e of MERGE_ENTITIES) {
    const period = isPartitioned(e) ? periodOf(config, e.name) : null;
    if (period) out[e.name] = minusDays(asOf, period.days);
  }
  return out;
}

/** Per enriched entity with a retention period (its own, else its sources'), the first day still kept on `asOf`. */
export function enrichedCutoffs(config: Config, asOf: string): Record<string, string> {
  const out: Record<string, string> = {};
  for (const d of catalog().datasets) {
    if (d.zone !== "enriched") continue;
    const period = enrichedPeriodOf(config, d.name);
    if (period) out[d.name] = minusDays(asOf, period.days);
  }
  return out;
}

const Applied = z.object({ asOf: z.string(), at: z.string(), partitions: z.number() });
const appliedFile = (paths: Paths) => join(paths.data, "state", "retention.json");

/** When retention last deleted from this data folder (data/state/retention.json), or null: it never ran here. */
export function lastRetention(paths: Paths): z.infer<typeof Applied> | null {
  return readJson<z.infer<typeof Applied> | null>(appliedFile(paths), Applied, () => null);
}

function dayPartitions(dir: string): string[] {
  if (!existsSync(dir)) return [];
  return readdirSync(dir).filter((p) => /^date=\d{4}-\d{2}-\d{2}$/.test(p)).sort();
}

/** What retention would delete on `asOf` (YYYY-MM-DD), with the rows in each partition. */
export async function planRetention(config: Config, paths: Paths, asOf: string): Promise<RetentionPlan> {
  const plan: RetentionPlan = { asOf, expired: [], kept: [] };
  const db = await openDb();
  try {
    for (const d of catalog().datasets) {
      if ((d.zone !== "raw" && d.zone !== "enriched") || d.partitionBy !== "date") continue;
      const dir = datasetDir(paths, d);
      const parts = dayPartitions(dir);
      if (parts.length === 0) continue;
      const period = d.zone === "raw" ? periodOf(config, d.name) : enrichedPeriodOf(config, d.name);
      plan.kept.push({ zone: d.zone, entity: d.name, period });
      if (!period) continue;
      const cutoff = minusDays(asOf, period.days);
      const expired = parts.filter((p) => p.slice(5) < cutoff);
      if (expired.length === 0) continue;
      const counts = new Map((await rows<{ date: string; n: number }>(db,
        `SELECT date::VARCHAR AS date, count(*) AS n FROM read_parquet(${lit(dir + "/date=*/*.parquet")}, hive_partitioning = true)
         WHERE date < DATE ${lit(cutoff)} GROUP BY ALL`)).map((r) => [r.date.slice(0, 10), r.n]));
      for (const p of expired) {
        const date = p.slice(5);
        plan.expired.push({ zone: d.zone, entity: d.name, partition: join(dir, p), date, rows: counts.get(date) ?? 0, purpose: period.purpose, days: period.days });
      }
    }
  } finally {
    db.close();
  }
  quarantineExpiry(config, paths, plan);
  return plan;
}

/** Days the quarantine is kept: the purpose named "quarantine" (or naming the entity "quarantine"), else 90. */
export function quarantinePeriod(config: Config): Period {
  const p = config.privacy.retention.purposes.filter((x) => x.name === "quarantine" || x.entities.includes("quarantine"));
  return p.length ? { days: Math.max(...p.map((x) => x.days)), purpose: p[0]!.name } : { days: 90, purpose: "quarantine (default)" };
}

function filesUnder(dir: string): string[] {
  if (!existsSync(dir)) return [];
  return readdirSync(dir, { withFileTypes: true }).flatMap((e) => (e.isDirectory() ? filesUnder(join(dir, e.name)) : e.isFile() && e.name.endsWith(".ndjson") ? [join(dir, e.name)] : []));
}

function quarantineExpiry(config: Config, paths: Paths, plan: RetentionPlan): void {
  const period = quarantinePeriod(config);
  const cutoff = minusDays(plan.asOf, period.days);
  const files = filesUnder(paths.quarantine);
  if (!files.length) return;
  plan.kept.push({ zone: "quarantine", entity: "quarantine", period });
  for (const f of files) {
    const date = statSync(f).mtime.toISOString().slice(0, 10);
    if (date >= cutoff) continue;
    const rows = readFileSync(f, "utf8").split("\n").filter(Boolean).length;
    plan.expired.push({ zone: "quarantine", entity: "quarantine", partition: f, date, rows, purpose: period.purpose, days: period.days });
  }
}

/**
 * Delete the expired partitions. Each is first renamed into a trash folder inside the lake (one
 * rename, atomic), so a reader never sees half a partition, then the trash is removed.
 */
export function applyRetention(plan: RetentionPlan, paths: Paths): number {
  const trash = join(paths.staging, `retention-trash-${process.pid}-${Date.now()}`);
  mkdirSync(trash, { recursive: true });
  let deleted = 0;
  for (const e of plan.expired) {
    if (!existsSync(e.partition)) continue;
    renameSync(e.partition, join(trash, String(deleted++)));
  }
  rmSync(trash, { recursive: true, force: true });
  // From now on the extract of this folder leaves expired records out (lastRetention).
  writeJsonAtomic(appliedFile(paths), { asOf: plan.asOf, at: new Date().toISOString(), partitions: deleted });
  return deleted;
}
