/**
 * The reports' SQL lives in reports/queries/*.sql. Two placeholders are substituted:
 *   {{mart:<name>}}  → martScan(paths, name) (every Parquet file of the mart, hive partitions included)
 *   {{<param>}}      → a SQL literal (YYYY-MM-DD strings become DATE literals)
 * An unknown placeholder is an error, never left in the SQL. Reports and rules read contracted marts by their
 * column names, and metrics only from the metrics mart (transforms/marts/metrics.sql) through the metric macros.
 */
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { exec, lit, rows, type Db } from "../../pipelines/core/duckdb.ts";
import { martExists, martScan, projectRoot, type Paths } from "../../pipelines/core/paths.ts";

export const queriesDir = join(projectRoot, "reports", "queries");

export type SqlParam = string | number;

const ISO_DATE = /^\d{4}-\d{2}-\d{2}$/;

function literal(v: SqlParam): string {
  if (typeof v === "number") {
    if (!Number.isFinite(v)) throw new Error(`SQL parameter ${v} is not a finite number`);
    return String(v);
  }
  return ISO_DATE.test(v) ? `DATE ${lit(v)}` : lit(v);
}

/** Whether a mart can be read (one definition for every stage: core/paths.ts). */
export const martAvailable = martExists;

/** The SQL of <dir>/<name>.sql (default reports/queries) with its placeholders substituted. */
export function sqlFor(name: string, paths: Paths, params: Record<string, SqlParam> = {}, dir = queriesDir): string {
  const text = readFileSync(join(dir, `${name}.sql`), "utf8");
  return text.replace(/\{\{\s*(mart:)?([A-Za-z_][A-Za-z0-9_]*)\s*\}\}/g, (_m, mart: string | undefined, key: string) => {
    if (mart) return martScan(paths, key);
    const v = params[key];
    if (v === undefined) throw new Error(`queries/${name}.sql uses {{${key}}} but no value was given`);
    return literal(v);
  });
}

/** The metric formulas (transforms/macros/metrics.sql): the same macros the transforms use, so reports and rules
 * roll the metrics mart's n, Σx and Σx² up with the one definition of a value and its margin. */
export const metricMacrosFile = join(projectRoot, "transforms", "macros", "metrics.sql");
const withMacros = new WeakSet<Db>();

async function ensureMetricMacros(db: Db): Promise<void> {
  if (withMacros.has(db)) return;
  await exec(db, readFileSync(metricMacrosFile, "utf8"));
  withMacros.add(db);
}

/** Run <dir>/<name>.sql and return its rows (the metric macros are registered on the connection first). */
export async function query<T = Record<string, unknown>>(
  db: Db,
  paths: Paths,
  name: string,
  params: Record<string, SqlParam> = {},
  dir = queriesDir,
): Promise<T[]> {
  await ensureMetricMacros(db);
  return rows<T>(db, sqlFor(name, paths, params, dir));
}

/** The last day with data (daily_volume's); `what` names the caller in the error when there is none. */
export async function lastDataDay(db: Db, paths: Paths, what: string): Promise<string> {
  const [r] = await query<{ max_date: string | null }>(db, paths, "last_day");
  if (!r?.max_date) throw new Error(`cannot ${what}: daily_volume has no rows; run the transforms first`);
  return r.max_date;
}
