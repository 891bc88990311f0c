/**
 * Incremental marts: which partitions a run rebuilds, and the rebuild.
 *
 * A partition is rebuilt when an input day it depends on changed (state.ts: changedDays, widened by
 * the mart's lookback), or when it holds — before or after this run — a row whose key changed in a
 * keyed snapshot model (`incremental.keyed_by` in the mart's .yml, e.g. `{ stg_contacts: contact_id }`).
 * A keyed model's per-key row hashes are kept from run to run (data/state/transform-keys/); this run's
 * hashes against the last run's give the changed keys (added, removed or modified rows).
 */
import { existsSync, mkdirSync, readdirSync, renameSync, rmSync } from "node:fs";
import { join } from "node:path";
import { randomUUID } from "node:crypto";
import { exec, lit, one, rows, type Db } from "../core/duckdb.ts";
import type { Paths } from "../core/paths.ts";
import type { TestResult } from "../catalog/dataTests.ts";
import type { Model } from "../catalog/project.ts";
import { build, checkModel } from "./build.ts";
import { publishIncremental } from "./publish.ts";

const q = (name: string) => `"${name.replaceAll('"', '""')}"`;
const tableOf = (id: string) => `__changed_${id.replace(/\W/g, "_")}`;

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
      await exec(this.db, `CREATE OR REPLACE TEMP TABLE ${keys} AS
        SELECT ${q(column)}::VARCHAR AS key, md5(string_agg(t::VARCHAR, chr(10) ORDER BY t::VARCHAR)) AS h FROM ${model} t GROUP BY 1`);
      mkdirSync(this.stagingDir, { recursive: true });
      const file = join(this.stagingDir, `${id}.parquet`);
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
      out.push({ column, table });
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
      const name = `${id}-${randomUUID().slice(0, 8)}.parquet`;
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

/** A day's partition value: the day itself for a `date` partition, else its month (YYYY-MM). */
function partitionOf(model: Model, day: string): string {
  return model.partitionBy === "date" ? day : day.slice(0, 7);
}

/**
 * Rebuild only the partitions holding the changed days and the changed keys: the delta is tested,
 * published in place of those partitions, and downstream models then read the whole published mart.
 * Returns the partitions rebuilt and the rows written.
 */
export async function buildIncremental(db: Db, model: Model, sql: string, days: string[], keyed: { column: string; table: string }[],
  paths: Paths, staging: string, tests: TestResult[]): Promise<{ partitions: string[]; rows: number }> {
  const part = q(model.partitionBy!);
  const published = join(paths.marts, model.name);
  const values = new Set(days.map((d) => partitionOf(model, d)));
  const filter = () => (values.size ? `${part}::VARCHAR IN (${[...values].sort().map(lit).join(", ")})` : "false");
  if (keyed.length) {
    // Every row is computed (the key's rows may be in any partition); only the touched partitions are kept.
    const all = `${model.name}__all`;
    await build(db, model, "TABLE", sql, all);
    const scan = `read_parquet(${lit(published + "/**/*.parquet")}, hive_partitioning = true, union_by_name = true)`;
    for (const k of keyed) {
      const hit = `${q(k.column)}::VARCHAR IN (SELECT key FROM ${k.table})`;
      for (const from of [all, scan]) {
        for (const r of await rows<{ v: string }>(db, `SELECT DISTINCT ${part}::VARCHAR AS v FROM ${from} WHERE ${hit} AND ${part} IS NOT NULL`)) values.add(r.v);
      }
    }
    await build(db, model, "TABLE", `SELECT * FROM ${all} WHERE ${filter()}`);
    await exec(db, `DROP TABLE ${all}`);
  } else {
    await build(db, model, "TABLE", `SELECT * FROM (\n${sql}\n) WHERE ${filter()}`);
  }
  tests.push(...(await checkModel(db, model)));
  const n = (await one<{ n: number }>(db, `SELECT count(*) AS n FROM ${model.name}`)).n;
  await publishIncremental(db, model, published, join(staging, "marts"), [...values]);
  await exec(db, `DROP TABLE ${model.name}; CREATE VIEW ${model.name} AS SELECT * FROM read_parquet(${lit(published + "/**/*.parquet")}, hive_partitioning = true)`);
  return { partitions: [...values].sort(), rows: n };
}
