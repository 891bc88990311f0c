/**
 * Reading marts that other stages are still growing (the text marts, the staffing plan): find a mart by
 * name and its columns, so a section can use what is there and say "not available yet" otherwise.
 */
import { readdirSync } from "node:fs";
import { rows, type Db } from "../../pipelines/core/duckdb.ts";
import { martScan, type Paths } from "../../pipelines/core/paths.ts";
import { martAvailable } from "./sql.ts";

/** The first mart (in the order given, then by name) whose name matches, with Parquet files in it. */
export function findMart(paths: Paths, ...patterns: (string | RegExp)[]): string | undefined {
  let names: string[] = [];
  try { names = readdirSync(paths.marts).sort(); } catch { return undefined; }
  for (const p of patterns) {
    const hit = names.find((n) => (typeof p === "string" ? n === p : p.test(n)) && martAvailable(paths, n));
    if (hit) return hit;
  }
  return undefined;
}

/** Column names and DuckDB types of a mart. */
export async function martColumns(db: Db, paths: Paths, mart: string): Promise<Map<string, string>> {
  const cols = await rows<{ column_name: string; column_type: string }>(db, `DESCRIBE SELECT * FROM ${martScan(paths, mart)}`);
  return new Map(cols.map((c) => [c.column_name, c.column_type]));
}

/** The first of the candidate columns the mart has (optionally of a type matching `type`). */
export function pick(cols: Map<string, string>, candidates: readonly string[], type?: RegExp): string | undefined {
  return candidates.find((c) => cols.has(c) && (!type || type.test(cols.get(c)!)));
}

/** A column name as a SQL identifier. */
export function ident(name: string): string {
  return `"${name.replaceAll('"', '""')}"`;
}
