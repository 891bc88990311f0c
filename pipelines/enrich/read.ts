/**
 * Reading raw text entities a batch of days at a time: the days' partition files are listed directly
 * (globbing the whole entity for every batch would re-read hundreds of footers each time), and
 * results come back as columns (flat typed arrays are several times cheaper to hand from DuckDB
 * to JS than row objects with nested lists). Columns are validated with zod on the way in.
 */
import { existsSync, readdirSync } from "node:fs";
import { join } from "node:path";
import type { z } from "zod";
import { lit, type Db } from "../core/duckdb.ts";

/** A relation over some day partitions (YYYY-MM-DD) of a raw entity, or an empty typed one. */
export function daysRelation(rawDir: string, entity: string, days: string[], empty: string): string {
  const dir = join(rawDir, entity);
  const files = days.map((d) => join(dir, `date=${d}`)).filter((p) => existsSync(p))
    .flatMap((p) => readdirSync(p).filter((f) => f.endsWith(".parquet")).sort().map((f) => join(p, f)));
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
