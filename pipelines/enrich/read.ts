/**
 * Reading raw text entities a month at a time: the month's partition files are listed directly
 * (globbing the whole entity for every month would re-read hundreds of footers each time), and
 * results come back as columns (flat typed arrays are several times cheaper to hand from DuckDB
 * to JS than row objects with nested lists). Columns are validated with zod on the way in.
 */
import { existsSync, readdirSync } from "node:fs";
import { join } from "node:path";
import type { z } from "zod";
import { lit, type Db } from "../core/duckdb.ts";

/** Months (YYYY-MM) that have a day partition in any of these raw entities. */
export function monthsOf(rawDir: string, entities: string[]): string[] {
  const months = new Set<string>();
  for (const e of entities) {
    const dir = join(rawDir, e);
    if (!existsSync(dir)) continue;
    for (const p of readdirSync(dir)) if (/^date=\d{4}-\d{2}-\d{2}$/.test(p)) months.add(p.slice(5, 12));
  }
  return [...months].sort();
}

/** A relation over one month's partitions of a raw entity, or an empty typed one. */
export function monthRelation(rawDir: string, entity: string, month: string, empty: string): string {
  const dir = join(rawDir, entity);
  const files = existsSync(dir)
    ? readdirSync(dir).filter((p) => p.startsWith(`date=${month}-`)).sort().flatMap((p) => readdirSync(join(dir, p)).filter((f) => f.endsWith(".parquet")).map((f) => join(dir, p, f)))
    : [];
  if (files.length === 0) return `(SELECT ${empty}, NULL::DATE AS date WHERE false)`;
  return `read_parquet([${files.map(lit).join(", ")}], hive_partitioning = true)`;
}

/** A query's result as columns (BIGINT as number), checked against a zod object of column arrays. */
export async function columns<S extends z.ZodType>(db: Db, sql: string, schema: S): Promise<z.infer<S>> {
  const reader = await db.conn.runAndReadAll(sql);
  const raw = reader.getColumnsObjectJS() as Record<string, unknown[]>;
  for (const [k, col] of Object.entries(raw)) {
    if (col.some((v) => typeof v === "bigint")) raw[k] = col.map((v) => (typeof v === "bigint" ? Number(v) : v));
  }
  return schema.parse(raw);
}

/** Column arrays → row objects (the columns of one query have equal lengths). */
export function rowsOf<T extends Record<string, unknown[]>>(cols: T): { [K in keyof T]: T[K][number] }[] {
  const keys = Object.keys(cols) as (keyof T)[];
  const n = keys.length ? cols[keys[0]!]!.length : 0;
  return Array.from({ length: n }, (_, i) => Object.fromEntries(keys.map((k) => [k, cols[k]![i]])) as { [K in keyof T]: T[K][number] });
}
