/** Where every stage reads and writes, under the configured data directory. */
import { resolve, join } from "node:path";
import { existsSync, readdirSync } from "node:fs";
import { lit } from "./duckdb.ts";
import type { Config } from "./config.ts";

export type Paths = ReturnType<typeof lakePaths>;

export function lakePaths(config: Config) {
  const data = resolve(config.paths.data);
  return {
    data,
    sources: join(data, "sources"),
    demoSource: join(data, "sources", "demo"),
    lake: join(data, "lake"),
    raw: join(data, "lake", "raw"),
    enriched: join(data, "lake", "enriched"),
    marts: join(data, "lake", "marts"),
    staging: join(data, "lake", ".staging"),
    quarantine: join(data, "quarantine"),
    warehouse: join(data, "warehouse.duckdb"),
    models: join(data, "models"),
    reports: join(data, "reports"),
    runs: join(data, "runs"),
    ledger: join(data, "runs", "ledger.jsonl"),
  };
}

/** Project root (where transforms/, reports/ live), independent of the working directory. */
export const projectRoot = resolve(import.meta.dirname, "..", "..");

/** DuckDB table expression reading every Parquet file of a mart (hive partitions as columns). */
export function martScan(paths: Paths, mart: string): string {
  return `read_parquet('${join(paths.marts, mart).replaceAll("'", "''")}/**/*.parquet', hive_partitioning = true, union_by_name = true)`;
}

/** A mart is there to read when its folder holds at least one Parquet file (written by transform or a model). */
export function martExists(paths: Paths, name: string): boolean {
  const dir = join(paths.marts, name);
  return existsSync(dir) && readdirSync(dir, { recursive: true }).some((f) => String(f).endsWith(".parquet"));
}

/** The relation a `source('entity')` reads: its day partitions or its snapshot file. */
export function sourceRelation(rawDir: string, entity: string): string | null {
  const dir = join(rawDir, entity);
  if (!existsSync(dir)) return null;
  const entries = readdirSync(dir);
  if (entries.some((e) => e.includes("="))) return `read_parquet(${lit(dir + "/*/*.parquet")}, hive_partitioning = true)`;
  if (entries.includes("data.parquet")) return `read_parquet(${lit(join(dir, "data.parquet"))})`;
  return null;
}
