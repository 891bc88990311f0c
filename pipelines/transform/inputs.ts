/** Inputs of a model run: raw sources (`src_<entity>`) and seeds (`seed_<name>`) as DuckDB relations. */
import { existsSync } from "node:fs";
import { join } from "node:path";
import { exec, lit, rows, type Db } from "../core/duckdb.ts";
import type { RawFingerprint } from "./state.ts";
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

/** Rows per source partition (entity → partition → rows), kept in the transform's state. */
export type SourceRows = Record<string, Record<string, number>>;

/**
 * Rows in each partition of the named sources, from the Parquet footers; a partition whose
 * fingerprint (its files' names, sizes, mtimes and hashes) is the last run's keeps the last count,
 * so an unchanged lake is not read at all.
 */
export async function sourceRows(db: Db, dirs: string[], names: Set<string>, cur: RawFingerprint, prev: RawFingerprint | undefined, prevRows: SourceRows | undefined): Promise<SourceRows> {
  const out: SourceRows = {};
  const files = new Map<string, { entity: string; part: string }>();
  for (const entity of names) {
    const dir = dirs.map((d) => join(d, entity)).find((d) => existsSync(d));
    if (!dir) continue;
    out[entity] = {};
    for (const [part, fp] of Object.entries(cur[entity] ?? {})) {
      const known = prevRows?.[entity]?.[part];
      if (known !== undefined && prev?.[entity]?.[part] === fp) { out[entity]![part] = known; continue; }
      out[entity]![part] = 0;
      for (const f of fp.split(",").filter(Boolean)) {
        const name = f.slice(0, f.lastIndexOf("@"));
        const file = part === "snapshot" ? join(dir, name) : join(dir, part, name);
        if (name.endsWith(".parquet") && existsSync(file)) files.set(file, { entity, part });
      }
    }
  }
  if (files.size) {
    const counted = await rows<{ f: string; n: number }>(db, `SELECT file_name AS f, num_rows AS n FROM parquet_file_metadata([${[...files.keys()].map(lit).join(", ")}])`);
    for (const { f, n } of counted) {
      const at = files.get(f)!;
      out[at.entity]![at.part]! += Number(n);
    }
  }
  return out;
}

/** Each source a model reads, over the raw lake (or, for enriched entities, data/lake/enriched); a missing entity is an empty, typed table. */
export async function registerSources(db: Db, rawDir: string, names: Set<string>, enrichedDir?: string): Promise<void> {
  for (const name of names) {
    const rel = sourceRelation(rawDir, name) ?? (enrichedDir ? sourceRelation(enrichedDir, name) : null);
    if (!rel) {
      log.warn({ source: name }, "raw entity not found in the lake; using an empty table");
      await createEmptySource(db, name);
      continue;
    }
    await exec(db, `CREATE VIEW src_${name} AS SELECT * FROM ${rel}`);
  }
}

/** Seeds are small checked-in CSVs under transforms/seeds/, loaded as `seed_<name>`. */
export async function registerSeedTables(db: Db, seedDir: string, names: Set<string>): Promise<void> {
  for (const name of names) {
    const file = join(seedDir, `${name}.csv`);
    if (!existsSync(file)) throw new Error(`seed('${name}') has no file transforms/seeds/${name}.csv`);
    await exec(db, `CREATE OR REPLACE TABLE seed_${name} AS SELECT * FROM read_csv(${lit(file)}, header = true)`);
  }
}
