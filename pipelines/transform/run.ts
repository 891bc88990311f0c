/**
 * Runs the model DAG in DuckDB: sources and seeds first, then each model in dependency order
 * (views, tables), then every selected mart exported to Parquet and published atomically, and
 * the warehouse catalog (data/warehouse.duckdb) rebuilt with a view per mart and raw entity.
 */
import { existsSync, readdirSync } from "node:fs";
import { join } from "node:path";
import { exec, lit, one, openDb, type Db } from "../core/duckdb.ts";
import { clearStaging } from "../core/atomic.ts";
import type { Config } from "../core/config.ts";
import { projectRoot, type Paths } from "../core/paths.ts";
import { log } from "../core/log.ts";
import { duckdbColumns } from "../extract/duckdbTypes.ts";
import { ENTITIES } from "../extract/entities.ts";
import { compile, sourceRelation } from "./compile.ts";
import { loadProject, select, topoSort, type Model } from "./project.ts";
import { publishMart } from "./publish.ts";
import { buildWarehouse } from "./warehouse.ts";

export const TRANSFORMS_DIR = join(projectRoot, "transforms");

export type ModelRun = { model: string; materialized: string; rows: number; seconds: number };
export type TransformResult = { models: ModelRun[]; rowsIn: number; rowsOut: number; outputs: string[] };

export function transformVars(config: Config): Record<string, string | number> {
  return {
    timezone: config.business.timezone,
    open_time: config.business.open,
    close_time: config.business.close,
    service_level_seconds: config.transform.serviceLevelSeconds,
    churn_label: config.models.churn.label.kind,
    churn_field: config.models.churn.label.kind === "explicit" ? config.models.churn.label.field : "churned",
    churn_inactivity_days: config.models.churn.label.kind === "inactivity" ? config.models.churn.label.days : 90,
  };
}

export async function runTransforms(config: Config, paths: Paths, opts: { select?: string; dir?: string } = {}): Promise<TransformResult> {
  const dir = opts.dir ?? TRANSFORMS_DIR;
  const all = topoSort(loadProject(dir));
  const chosen = new Set(select(all, opts.select).map((m) => m.name));
  // Upstream models are rebuilt in memory (cheap); only chosen marts are written out.
  const needed = new Set<string>();
  const addUp = (name: string) => {
    if (needed.has(name)) return;
    needed.add(name);
    for (const r of all.find((m) => m.name === name)!.refs) addUp(r);
  };
  for (const n of chosen) addUp(n);
  const plan = all.filter((m) => needed.has(m.name));

  const staging = join(paths.staging, "transform");
  clearStaging(staging);
  const db = await openDb(":memory:", { threads: "2", temp_directory: join(staging, "spill") });
  const result: TransformResult = { models: [], rowsIn: 0, rowsOut: 0, outputs: [] };
  try {
    await exec(db, `SET TimeZone = ${lit(config.business.timezone)}`);
    result.rowsIn = await registerSources(db, paths, plan);
    await registerSeeds(db, join(dir, "seeds"), plan);
    const ctx = { rawDir: paths.raw, vars: transformVars(config) };
    for (const model of plan) {
      const t0 = performance.now();
      const sql = compile(model, ctx).trim().replace(/;\s*$/, "");
      const kind = model.materialized === "view" ? "VIEW" : "TABLE";
      try {
        await exec(db, `CREATE OR REPLACE ${kind} ${model.name} AS\n${sql}`);
      } catch (err) {
        throw new Error(`model ${model.name} (transforms/${model.file}) failed: ${(err as Error).message}`);
      }
      let rows = 0;
      if (model.materialized === "mart" && chosen.has(model.name)) {
        rows = (await one<{ n: number }>(db, `SELECT count(*) AS n FROM ${model.name}`)).n;
        result.outputs.push(await publishMart(db, model, paths.marts, join(staging, "marts")));
        result.rowsOut += rows;
      } else if (model.materialized !== "view") {
        rows = (await one<{ n: number }>(db, `SELECT count(*) AS n FROM ${model.name}`)).n;
      }
      const seconds = (performance.now() - t0) / 1000;
      result.models.push({ model: model.name, materialized: model.materialized, rows, seconds });
      log.debug({ model: model.name, rows, seconds }, "model built");
    }
  } finally {
    db.close();
  }
  result.outputs.push(await buildWarehouse(paths, join(staging, "warehouse.duckdb")));
  clearStaging(staging);
  return result;
}

/** Each source entity a model reads becomes `src_<entity>`; a missing one is an empty, typed table. */
async function registerSources(db: Db, paths: Paths, plan: Model[]): Promise<number> {
  let rows = 0;
  const needed = new Set(plan.flatMap((m) => m.sources));
  for (const name of needed) {
    const rel = sourceRelation(paths.raw, name);
    if (rel) {
      await exec(db, `CREATE VIEW src_${name} AS SELECT * FROM ${rel}`);
      rows += (await one<{ n: number }>(db, `SELECT count(*) AS n FROM src_${name}`)).n;
      continue;
    }
    const entity = ENTITIES.find((e) => e.name === name);
    if (!entity) throw new Error(`source('${name}') is no known raw entity`);
    log.warn({ source: name }, "raw entity not found in the lake; using an empty table");
    const cols = Object.entries({ ...duckdbColumns(entity.schema), _source_file: "VARCHAR", _source_line: "BIGINT", date: "DATE" })
      .map(([k, t]) => `"${k}" ${t}`).join(", ");
    await exec(db, `CREATE TABLE src_${name} (${cols})`);
  }
  return rows;
}

/** Seeds are small checked-in CSVs under transforms/seeds/, loaded as `seed_<name>`. */
async function registerSeeds(db: Db, seedDir: string, plan: Model[]): Promise<void> {
  const needed = new Set(plan.flatMap((m) => m.seeds));
  if (!existsSync(seedDir)) return;
  for (const file of readdirSync(seedDir).filter((f) => f.endsWith(".csv"))) {
    const name = file.replace(/\.csv$/, "");
    if (!needed.has(name)) continue;
    await exec(db, `CREATE TABLE seed_${name} AS SELECT * FROM read_csv(${lit(join(seedDir, file))}, header = true)`);
  }
  for (const n of needed) {
    if (!existsSync(join(seedDir, `${n}.csv`))) throw new Error(`seed('${n}') has no file transforms/seeds/${n}.csv`);
  }
}

