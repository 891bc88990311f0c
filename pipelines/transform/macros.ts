/**
 * SQL macros shared by models: one `CREATE MACRO` per file under transforms/macros/, registered in
 * DuckDB before any model runs (vars are filled in, so a macro can use e.g. the pseudonym key).
 * A formula used by several models lives here once instead of being pasted into each.
 */
import { existsSync, readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { exec, type Db } from "../core/duckdb.ts";
import { fillVars } from "./compile.ts";

export type Macro = { file: string; sql: string };

export function loadMacros(dir: string): Macro[] {
  const macroDir = join(dir, "macros");
  if (!existsSync(macroDir)) return [];
  return readdirSync(macroDir).filter((f) => f.endsWith(".sql")).sort()
    .map((f) => ({ file: `macros/${f}`, sql: readFileSync(join(macroDir, f), "utf8") }));
}

/**
 * `incremental_keys()`: the keys changed in the `keyed_by` model of the incremental mart being built
 * (one VARCHAR column, `key`). Outside an incremental build (a full build, any other model) it has no
 * rows; incremental.ts redefines it around each incremental build.
 */
export async function defineIncrementalKeys(db: Db, tables: string[] = []): Promise<void> {
  const body = tables.length ? tables.map((t) => `SELECT key::VARCHAR AS key FROM ${t} WHERE key IS NOT NULL`).join(" UNION ") : "SELECT NULL::VARCHAR AS key WHERE false";
  await exec(db, `CREATE OR REPLACE MACRO incremental_keys() AS TABLE ${body}`);
}

/**
 * `incremental_partitions()`: the partitions (`value`, a day or YYYY-MM) a `merge: replace` build must
 * return whole, from the changed days. No rows outside such a build (on a full build the SQL tests
 * `{{ var('is_incremental') }}`, 0, and returns everything).
 */
export async function defineIncrementalPartitions(db: Db, values: string[] = []): Promise<void> {
  const body = values.length ? `SELECT unnest([${values.map((v) => `'${v.replaceAll("'", "''")}'`).join(", ")}]::VARCHAR[]) AS value` : "SELECT NULL::VARCHAR AS value WHERE false";
  await exec(db, `CREATE OR REPLACE MACRO incremental_partitions() AS TABLE ${body}`);
}

export async function registerMacros(db: Db, macros: Macro[], vars: Record<string, string | number>): Promise<void> {
  await defineIncrementalKeys(db);
  await defineIncrementalPartitions(db);
  for (const m of macros) {
    try {
      await exec(db, fillVars(m.sql, vars, m.file));
    } catch (err) {
      throw new Error(`macro transforms/${m.file} failed: ${(err as Error).message}`);
    }
  }
}
