/**
 * Retention by purpose: each raw (and enriched) entity is kept for as long as the longest purpose
 * that needs it (privacy.retention.purposes), then its expired day partitions are deleted whole.
 * An enriched entity without a purpose of its own is kept no longer than the shortest-kept raw
 * entity it derives from. Entities no purpose names are kept: retention never guesses.
 * A partition `date=D` is expired on day T when D < cutoff, where the cutoff steps by
 * privacy.retention.step: "day" — T − days; "month" (default) — T − days when that is the 1st of a
 * month, else the 1st of the next month, so a calendar month goes whole, on the first night its first
 * day is past the period (never later than the period, at most about a month earlier).
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
import type { PrivacyConfig } from "../privacy/config.ts";

const minusDays = (day: string, days: number) => addDays(day, -days);

export type RetentionStep = PrivacyConfig["retention"]["step"];
export type Period = { days: number; purpose: string };
export type Expired = { zone: "raw" | "enriched" | "quarantine"; entity: string; partition: string; date: string; rows: number; purpose: string; days: number };
/** An entity retention looked at: its period, the step its cutoff moves by, the first day kept, and when it next deletes (null: nothing left that will expire, or no period). */
export type Kept = { zone: string; entity: string; period: Period | null; step: RetentionStep; cutoff: string | null; next: string | null };
export type RetentionPlan = { asOf: string; step: RetentionStep; expired: Expired[]; kept: Kept[]; next: string | null };

/** The 1st of the month after `day`'s month (YYYY-MM-DD). */
function nextMonthStart(day: string): string {
  const y = Number(day.slice(0, 4)), m = Number(day.slice(5, 7));
  return m === 12 ? `${y + 1}-01-01` : `${y}-${String(m + 1).padStart(2, "0")}-01`;
}

/**
 * The first day kept on `asOf` for a period of `days`: c = asOf − days with step "day"; with step
 * "month", c when c is the 1st of a month, else the 1st of the month after c (so the month c falls in
 * goes whole once its first day is past the period).
 */
export function retentionCutoff(asOf: string, days: number, step: RetentionStep): string {
  const c = minusDays(asOf, days);
  return step === "day" || c.endsWith("-01") ? c : nextMonthStart(c);
}

/** The first day on which a partition of `day` is past its period under `step`: the day after day + days, or after its month's 1st + days. */
export function expiresOn(day: string, days: number, step: RetentionStep): string {
  return addDays(step === "month" ? `${day.slice(0, 8)}01` : day, days + 1);
}

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
    if (period) out[e.name] = retentionCutoff(asOf, period.days, config.privacy.retention.step);
  }
  return out;
}

/** Per enriched entity with a retention period (its own, else its sources'), the first day still kept on `asOf`. */
export function enrichedCutoffs(config: Config, asOf: string): Record<string, string> {
  const out: Record<string, string> = {};
  for (const d of catalog().datasets) {
    if (d.zone !== "enriched") continue;
    const period = enrichedPeriodOf(config, d.name);
    if (period) out[d.name] = retentionCutoff(asOf, period.days, config.privacy.retention.step);
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
  const step = config.privacy.retention.step;
  const plan: RetentionPlan = { asOf, step, expired: [], kept: [], next: null };
  const db = await openDb();
  try {
    for (const d of catalog().datasets) {
      if ((d.zone !== "raw" && d.zone !== "enriched") || d.partitionBy !== "date") continue;
      const dir = datasetDir(paths, d);
      const parts = dayPartitions(dir);
      if (parts.length === 0) continue;
      const period = d.zone === "raw" ? periodOf(config, d.name) : enrichedPeriodOf(config, d.name);
      const cutoff = period ? retentionCutoff(asOf, period.days, step) : null;
      const oldestKept = cutoff === null ? undefined : parts.find((p) => p.slice(5) >= cutoff);
      const next = period && oldestKept ? expiresOn(oldestKept.slice(5), period.days, step) : null;
      plan.kept.push({ zone: d.zone, entity: d.name, period, step, cutoff, next });
      if (!period || cutoff === null) continue;
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
  plan.next = plan.kept.reduce<string | null>((a, k) => (k.next !== null && (a === null || k.next < a) ? k.next : a), null);
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

/** The quarantine goes file by file, by age, day by day whatever privacy.retention.step says: no mart reads it, so a daily deletion costs no rebuild. */
function quarantineExpiry(config: Config, paths: Paths, plan: RetentionPlan): void {
  const period = quarantinePeriod(config);
  const cutoff = retentionCutoff(plan.asOf, period.days, "day");
  const files = filesUnder(paths.quarantine);
  if (!files.length) return;
  const kept: Kept = { zone: "quarantine", entity: "quarantine", period, step: "day", cutoff, next: null };
  plan.kept.push(kept);
  for (const f of files) {
    const date = statSync(f).mtime.toISOString().slice(0, 10);
    if (date >= cutoff) {
      const next = expiresOn(date, period.days, "day");
      if (kept.next === null || next < kept.next) kept.next = next;
      continue;
    }
    const rows = readFileSync(f, "utf8").split("\n").filter(Boolean).length;
    plan.expired.push({ zone: "quarantine", entity: "quarantine", partition: f, date, rows, purpose: period.purpose, days: period.days });
  }
}

/**
 * What `commsight retention` prints after the plan: a header with the step and the next deletion
 * date, then per entity its rule, what went (or would go) and when it next deletes.
 */
export function describePlan(plan: RetentionPlan, dryRun: boolean): string[] {
  const verb = dryRun ? "would delete" : "deleted";
  const rowsOut = plan.expired.reduce((a, e) => a + e.rows, 0);
  const out = [`retention as of ${plan.asOf} (step: ${plan.step}): ${verb} ${plan.expired.length.toLocaleString("en-US")} day partitions (${rowsOut.toLocaleString("en-US")} rows)` +
    `${dryRun ? " — dry run, nothing deleted" : ""}; next deletion ${plan.next ?? "none due"}`];
  for (const k of plan.kept) {
    const gone = plan.expired.filter((e) => e.zone === k.zone && e.entity === k.entity);
    const rule = k.period ? `${k.period.days} days (${k.period.purpose}), by ${k.step}` : "kept (no purpose names it)";
    const what = gone.length ? `${verb} ${gone.length} partitions, ${gone[0]!.date} … ${gone[gone.length - 1]!.date}` : "nothing expired";
    out.push(`  ${`${k.zone}/${k.entity}`.padEnd(32)} ${rule.padEnd(56)} ${what}${k.next ? `; next ${k.next}` : ""}`);
  }
  return out;
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
