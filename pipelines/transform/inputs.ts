/** Inputs of a model run: raw sources (`src_<entity>`) and seeds (`seed_<name>`) as DuckDB relations. */
import { existsSync } from "node:fs";
import { join } from "node:path";
import { exec, lit, one, type Db } from "../core/duckdb.ts";
import { log } from "../core/log.ts";
import { catalog } from "../catalog/datasets.ts";
import { sourceRelation } from "../core/paths.ts";

/** An empty table typed exactly as the lake types the entity (the catalog's columns, from its zod schema). */
export async function createEmptySource(db: Db, name: string): Promise<void> {
  const c = catalog();
  const entity = c.find(`raw.${name}`) ?? c.find(`enriched.${name}`);
  if (!entity) throw new Error(`source('${name}') is no raw or enriched entity of the catalog`);
  const columns = entity.columns.some((x) => x.name === "date") ? entity.columns : [...entity.columns, { name: "date", type: "DATE" }];
  const cols = columns.map((x) => `"${x.name}" ${x.type}`).join(", ");
  await exec(db, `CREATE OR REPLACE TABLE src_${name} (${cols})`);
}

export async function registerEmptySources(db: Db, names: Set<string>): Promise<void> {
  for (const name of names) await createEmptySource(db, name);
}

/**
 * Each source a model reads, over the raw lake (or, for enriched entities, data/lake/enriched);
 * a missing entity is an empty, typed table. Returns rows read.
 */
export async function registerSources(db: Db, rawDir: string, names: Set<string>, enrichedDir?: string): Promise<number> {
  let n = 0;
  for (const name of names) {
    const rel = sourceRelation(rawDir, name) ?? (enrichedDir ? sourceRelation(enrichedDir, name) : null);
    if (!rel) {
      log.warn({ source: name }, "raw entity not found in the lake; using an empty table");
      await createEmptySource(db, name);
      continue;
    }
    await exec(db, `CREATE VIEW src_${name} AS SELECT * FROM ${rel}`);
    n += (await one<{ n: number }>(db, `SELECT count(*) AS n FROM src_${name}`)).n;
  }
  return n;
}

/** Seeds are small checked-in CSVs under transforms/seeds/, loaded as `seed_<name>`. */
export async function registerSeedTables(db: Db, seedDir: string, names: Set<string>): Promise<void> {
  for (const name of names) {
    const file = join(seedDir, `${name}.csv`);
    if (!existsSync(file)) throw new Error(`seed('${name}') has no file transforms/seeds/${name}.csv`);
    await exec(db, `CREATE OR REPLACE TABLE seed_${name} AS SELECT * FROM read_csv(${lit(file)}, header = true)`);
  }
}
