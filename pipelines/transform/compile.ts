/** Turns a model's SQL into runnable DuckDB SQL: refs → relations, sources → raw Parquet scans. */
import { lit } from "../core/duckdb.ts";
import type { Model } from "../catalog/project.ts";
import { ProjectError } from "../catalog/project.ts";

export type CompileContext = { rawDir: string; vars: Record<string, string | number> };


export function compile(model: Model, ctx: CompileContext): string {
  const sql = model.sql
    .replace(/\{\{\s*ref\(\s*['"](\w+)['"]\s*\)\s*\}\}/g, (_, name: string) => name)
    .replace(/\{\{\s*seed\(\s*['"](\w+)['"]\s*\)\s*\}\}/g, (_, name: string) => `seed_${name}`)
    .replace(/\{\{\s*source\(\s*['"](\w+)['"]\s*\)\s*\}\}/g, (_, name: string) => `src_${name}`);
  return fillVars(sql, ctx.vars, model.file);
}

/** `{{ var('name') }}` → the value as a SQL literal; an undefined var is an error naming the file. */
export function fillVars(sql: string, vars: Record<string, string | number>, file: string): string {
  return sql.replace(/\{\{\s*var\(\s*['"](\w+)['"]\s*\)\s*\}\}/g, (_, name: string) => {
    const v = vars[name];
    if (v === undefined) throw new ProjectError(`${file} uses var('${name}'), which is not defined`);
    return typeof v === "number" ? String(v) : lit(v);
  });
}
