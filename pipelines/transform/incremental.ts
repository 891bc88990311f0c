/**
 * Incremental marts: which partitions a run rebuilds, and the rebuild.
 *
 * A partition is rebuilt when an input day it depends on changed (state.ts: changedDays, widened by
 * the mart's lookback), or when it holds — before or after this run — a row whose key changed in a
 * keyed snapshot model (`incremental.keyed_by` in the mart's .yml, e.g. `{ stg_contacts: contact_id }`).
 * A keyed model's per-key row hashes are kept from run to run (data/state/transform-keys/); this run's
 * hashes against the last run's give the changed keys (added, removed or modified rows).
 *
 * The model's SQL sees `{{ var('incremental_since') }}` (the first day of the earliest partition
 * rebuilt) and `incremental_keys()` (the changed keys), so it can read only what it needs (dbt's
 * is_incremental); with `merge: key` (the default) a changed key's rows in older partitions are
 * merged in by key (delete its published rows, insert its new ones), with `merge: partition` the
 * partitions holding it are rebuilt whole from a full computation.
 */
import { existsSync, mkdirSync, readdirSync, renameSync, rmSync } from "node:fs";
import { join } from "node:path";
import { randomUUID } from "node:crypto";
import { exec, lit, one, rows, type Db } from "../core/duckdb.ts";
import { martExists, type Paths } from "../core/paths.ts";
import type { TestResult } from "../catalog/dataTests.ts";
import type { Model } from "../catalog/project.ts";
import { build, checkModel } from "./build.ts";
import { defineIncrementalKeys, defineIncrementalPartitions } from "./macros.ts";
import { diffDays, partitionsIn, type Days } from "./changes.ts";
import { publishIncremental } from "./publish.ts";

const q = (name: string) => `"${name.replaceAll('"', '""')}"`;
const tableOf = (id: string) => `__changed_${id.replace(/\W/g, "_")}`;

/**
 * A `keyed_by` value: the key column, optionally with the columns whose change matters to the mart
 * (`contact_id(segment)`: a contact is changed when added, removed or its segment changed; without
 * the list, when any of its columns changed).
 */
export function keyedColumn(value: string): { key: string; columns: string[] } {
  const m = /^\s*(\w+)\s*(?:\(([^)]*)\))?\s*$/.exec(value);
  if (!m) throw new Error(`keyed_by: expected "column" or "column(col, …)", got ${JSON.stringify(value)}`);
  return { key: m[1]!, columns: (m[2] ?? "").split(",").map((c) => c.trim()).filter(Boolean) };
}

/** The changed keys of the keyed snapshot models, this run against the last. */
export class KeyDiffs {
  /** keyed model → the key columns incremental marts of this run diff it by. */
  private readonly wanted = new Map<string, Set<string>>();
  /** `model.column` → this run's staged key-hash file. */
  private readonly staged = new Map<string, string>();
  /** `model.column` → the table of changed keys, when the last run's hashes were there to compare with. */
  private readonly changedTables = new Map<string, string>();

  constructor(private readonly db: Db, private readonly dir: string, private readonly stagingDir: string,
    private readonly prev: Record<string, string> | undefined, marts: Model[]) {
    for (const m of marts) {
      for (const [model, column] of Object.entries(m.keyedBy)) {
        if (!this.wanted.has(model)) this.wanted.set(model, new Set());
        this.wanted.get(model)!.add(column);
      }
    }
  }

  /** The snapshot models some incremental mart of this run is keyed by. */
  get models(): Set<string> {
    return new Set(this.wanted.keys());
  }

  /** After a keyed model is built: hash its rows per key, stage the hashes, diff them with the last run's. */
  async afterBuild(model: string): Promise<void> {
    for (const column of this.wanted.get(model) ?? []) {
      const id = `${model}.${column}`;
      const keys = `__keys_${id.replace(/\W/g, "_")}`;
      const { key, columns } = keyedColumn(column);
      const row = columns.length ? `row(${columns.map(q).join(", ")})::VARCHAR` : "t::VARCHAR";
      await exec(this.db, `CREATE OR REPLACE TEMP TABLE ${keys} AS
        SELECT ${q(key)}::VARCHAR AS key, md5(string_agg(${row}, chr(10) ORDER BY ${row})) AS h FROM ${model} t GROUP BY 1`);
      mkdirSync(this.stagingDir, { recursive: true });
      const file = join(this.stagingDir, `${id.replace(/[^\w.]/g, "_")}.parquet`);
      await exec(this.db, `COPY ${keys} TO ${lit(file)} (FORMAT parquet, COMPRESSION zstd)`);
      this.staged.set(id, file);
      const prevFile = this.prev?.[id] ? join(this.dir, this.prev[id]!) : null;
      if (prevFile && existsSync(prevFile)) {
        await exec(this.db, `CREATE OR REPLACE TEMP TABLE ${tableOf(id)} AS
          SELECT coalesce(a.key, b.key) AS key FROM ${keys} a FULL JOIN read_parquet(${lit(prevFile)}) b ON a.key IS NOT DISTINCT FROM b.key
          WHERE a.h IS DISTINCT FROM b.h`);
        this.changedTables.set(id, tableOf(id));
      }
      await exec(this.db, `DROP TABLE ${keys}`);
    }
  }

  /** The changed-key tables for a mart's keyed_by, or null when any of them has nothing to compare with. */
  changedFor(mart: Model): { column: string; table: string }[] | null {
    const out: { column: string; table: string }[] = [];
    for (const [model, column] of Object.entries(mart.keyedBy)) {
      const table = this.changedTables.get(`${model}.${column}`);
      if (!table) return null;
      out.push({ column: keyedColumn(column).key, table });
    }
    return out;
  }

  /**
   * Keep this run's hashes for the next (when the run's state is written): each under a new name,
   * returned for the state file; files no state names any more are removed after the state is written.
   */
  commit(): Record<string, string> {
    mkdirSync(this.dir, { recursive: true });
    const out: Record<string, string> = { ...this.prev };
    for (const [id, file] of this.staged) {
      const name = `${id.replace(/[^\w.]/g, "_")}-${randomUUID().slice(0, 8)}.parquet`;
      renameSync(file, join(this.dir, name));
      out[id] = name;
    }
    return out;
  }

  /** Remove the key files the (now written) state does not name. */
  prune(kept: Record<string, string>): void {
    if (!existsSync(this.dir)) return;
    const keep = new Set(Object.values(kept));
    for (const f of readdirSync(this.dir)) if (!keep.has(f)) rmSync(join(this.dir, f), { force: true });
  }
}

/** `{{ var('incremental_since') }}` on a full build: every row. */
export const FULL_SINCE = "0001-01-01";
/** `incremental_since` when no partition is rebuilt by day (only changed keys are merged). */
export const NO_DAY_SINCE = "9999-12-31";

/** A day's partition value: the day itself for a DATE partition column, else its month (YYYY-MM). */
export function partitionOf(model: Model, day: string): string {
  return dayPartitioned(model) ? day : day.slice(0, 7);
}

function dayPartitioned(model: Model): boolean {
  if (model.partitionBy === "date") return true;
  const column = model.contract?.columns.find((c) => c.name === model.partitionBy);
  return column?.type.toUpperCase() === "DATE";
}

/** The first day of a partition value (a day, or YYYY-MM). */
function firstDay(value: string): string {
  return value.length === 7 ? `${value}-01` : value;
}

/** `rows`: rows in the partitions written; `computed`: rows the model's SQL returned. */
/** `changed`: the days whose published rows changed (when asked for: a `merge: replace` mart reads this one). */
export type IncrementalBuild = { partitions: string[]; rows: number; computed: number; since: string; keys: number; changed?: Days } | null;

/**
 * Rebuild only the partitions holding the changed days, and merge the changed keys: the delta is
 * tested, published in place of those partitions, and downstream models then read the whole
 * published mart. `sqlFor(since)` compiles the model with that incremental_since. Returns the
 * partitions written and the rows in them, or null when nothing changed (nothing computed: the model
 * is a view over its published Parquet).
 */
export async function buildIncremental(db: Db, model: Model, sqlFor: (since: string) => string, days: string[], keyed: { column: string; table: string }[],
  paths: Paths, staging: string, tests: TestResult[], onChanged?: (days: Days) => void): Promise<IncrementalBuild> {
  const part = `${q(model.partitionBy!)}::VARCHAR`;
  const published = join(paths.marts, model.name);
  const scan = `read_parquet(${lit(published + "/**/*.parquet")}, hive_partitioning = true, union_by_name = true)`;
  const asView = () => exec(db, `CREATE OR REPLACE VIEW ${model.name} AS SELECT * FROM ${scan}`);
  const rebuilt = new Set(days.map((d) => partitionOf(model, d)));
  let nKeys = 0;
  for (const k of keyed) nKeys += (await one<{ n: number }>(db, `SELECT count(*) AS n FROM ${k.table}`)).n;
  if (!rebuilt.size && !nKeys) {
    await asView();
    return null;
  }
  const inList = (values: Iterable<string>) => {
    const v = [...values].sort();
    return v.length ? `${part} IN (${v.map(lit).join(", ")})` : "false";
  };
  const hit = (alias: string) => keyed.map((k) => `coalesce(${alias}.${q(k.column)}::VARCHAR IN (SELECT key FROM ${k.table}), false)`).join(" OR ") || "false";
  const delta = `${model.name}__delta`;
  const merged = new Set<string>();
  let since = FULL_SINCE;
  if (model.merge === "replace") {
    // The SQL returns whole partitions: those asked for, and any it adds (a changed key's).
    since = rebuilt.size ? firstDay([...rebuilt].sort()[0]!) : NO_DAY_SINCE;
    await defineIncrementalKeys(db, keyed.map((k) => k.table));
    await defineIncrementalPartitions(db, [...rebuilt]);
    try {
      await build(db, model, "TABLE", sqlFor(since), delta);
    } finally {
      await defineIncrementalKeys(db);
      await defineIncrementalPartitions(db);
    }
    for (const v of await partitionsIn(db, delta, model.partitionBy!)) rebuilt.add(v);
  } else if (model.merge === "partition" && nKeys) {
    // The key's column is derived: every row is computed, the partitions holding the key (before or after) kept whole.
    await defineIncrementalKeys(db);
    await build(db, model, "TABLE", sqlFor(FULL_SINCE), delta);
    for (const from of [delta, scan]) {
      for (const r of await rows<{ v: string }>(db, `SELECT DISTINCT ${part} AS v FROM ${from} t WHERE (${hit("t")}) AND ${part} IS NOT NULL`)) rebuilt.add(r.v);
    }
  } else {
    since = rebuilt.size ? firstDay([...rebuilt].sort()[0]!) : NO_DAY_SINCE;
    await defineIncrementalKeys(db, keyed.map((k) => k.table));
    try {
      await build(db, model, "TABLE", sqlFor(since), delta);
    } finally {
      await defineIncrementalKeys(db);
    }
    // Every partition from since on is rebuilt whole (the SQL computed all of them): those the delta
    // holds, and those published that it no longer holds (emptied).
    if (model.merge === "key" && rebuilt.size) {
      const from = [...rebuilt].sort()[0]!;
      rebuilt.clear();
      for (const r of await rows<{ v: string }>(db, `SELECT DISTINCT ${part} AS v FROM ${delta} WHERE ${part} >= ${lit(from)}`)) rebuilt.add(r.v);
      const prefix = `${model.partitionBy}=`;
      if (existsSync(published)) {
        for (const e of readdirSync(published)) {
          const v = decodeURIComponent(e.slice(prefix.length));
          if (e.startsWith(prefix) && v >= from) rebuilt.add(v);
        }
      }
    }
    if (nKeys) {
      // Older partitions the changed keys reach, before (published) or after (the delta): merged by key.
      for (const from of [delta, scan]) {
        for (const r of await rows<{ v: string }>(db, `SELECT DISTINCT ${part} AS v FROM ${from} t WHERE (${hit("t")}) AND ${part} IS NOT NULL AND NOT ${inList(rebuilt)}`)) merged.add(r.v);
      }
    }
  }
  const computed = (await one<{ n: number }>(db, `SELECT count(*) AS n FROM ${delta}`)).n;
  const cols = await rows<{ column_name: string; column_type: string }>(db, `DESCRIBE ${delta}`);
  const typed = cols.map((c) => `${q(c.column_name)}::${c.column_type} AS ${q(c.column_name)}`).join(", ");
  await build(db, model, "TABLE", [
    `SELECT * FROM ${delta} WHERE ${inList(rebuilt)}`,
    ...(merged.size ? [
      `SELECT * FROM ${delta} t WHERE ${inList(merged)} AND (${hit("t")})`,
      `SELECT ${typed} FROM ${scan} t WHERE ${inList(merged)} AND NOT (${hit("t")})`,
    ] : []),
  ].join("\nUNION ALL\n"));
  await exec(db, `DROP TABLE ${delta}`);
  tests.push(...(await checkModel(db, model)));
  const n = (await one<{ n: number }>(db, `SELECT count(*) AS n FROM ${model.name}`)).n;
  const values = [...rebuilt, ...merged];
  // Before publishing: the days whose rows change, for the marts that read this one (changes.ts).
  const changed = onChanged ? await diffDays(db, model, model.name, existsSync(published) ? scan : null, inList(values)) : undefined;
  if (changed) onChanged!(changed);
  await publishIncremental(db, model, published, join(staging, "marts"), values);
  // Downstream reads the whole published mart (left as the empty table when no partition is left).
  if (martExists(paths, model.name)) {
    await exec(db, `DROP TABLE ${model.name}`);
    await asView();
  }
  return { partitions: values.sort(), rows: n, computed, since, keys: nKeys, changed };
}
