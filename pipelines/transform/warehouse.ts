/**
 * data/warehouse.duckdb: the analysts' catalog. A view per mart (schema main) and per raw entity
 * (schema raw) over the Parquet lake; built beside and renamed into place so it is never torn.
 */
import { existsSync, mkdirSync, readdirSync, rmSync } from "node:fs";
import { dirname } from "node:path";
import { join } from "node:path";
import { exec, lit, openDb, sqlTemplate } from "../core/duckdb.ts";
import { publishFile } from "../core/atomic.ts";
import type { Paths } from "../core/paths.ts";
import { ENTITIES } from "../lake/entities.ts";
import { sourceRelation } from "../core/paths.ts";

const SQL = join(import.meta.dirname, "sql");

export async function buildWarehouse(paths: Paths, stagedFile = join(paths.staging, "warehouse.duckdb")): Promise<string> {
  mkdirSync(dirname(stagedFile), { recursive: true });
  rmSync(stagedFile, { force: true });
  rmSync(stagedFile + ".wal", { force: true });
  const db = await openDb(stagedFile);
  try {
    await exec(db, "CREATE SCHEMA IF NOT EXISTS raw");
    for (const mart of martNames(paths)) {
      const dir = join(paths.marts, mart);
      if (!existsSync(dir)) continue;
      const relation = `read_parquet(${lit(dir + "/**/*.parquet")}, hive_partitioning = true, union_by_name = true)`;
      await exec(db, sqlTemplate(join(SQL, "warehouse_view.sql"), { schema: "main", name: mart, relation }));
    }
    for (const entity of ENTITIES) {
      const relation = sourceRelation(paths.raw, entity.name);
      if (relation) await exec(db, sqlTemplate(join(SQL, "warehouse_view.sql"), { schema: "raw", name: entity.name, relation }));
    }
    await exec(db, "CHECKPOINT");
  } finally {
    db.close();
  }
  publishFile(stagedFile, paths.warehouse);
  return paths.warehouse;
}

/** Every mart in the lake, including those other stages write (model predictions). */
export function martNames(paths: Paths): string[] {
  if (!existsSync(paths.marts)) return [];
  return readdirSync(paths.marts).filter((m) => !m.startsWith(".")).sort();
}
