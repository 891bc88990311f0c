/** The DuckDB surface every stage uses: open, run, read rows, run a .sql file. */
import { readFileSync } from "node:fs";
import { DuckDBInstance, type DuckDBConnection } from "@duckdb/node-api";

export type Db = { instance: DuckDBInstance; conn: DuckDBConnection; close(): void };

/**
 * Settings every database opened from now on gets unless its caller sets them (the app sets
 * memory_limit and a temp_directory under the data folder from the config before a stage runs, so
 * memory is bounded by configuration and spills stay inside the data folder).
 */
const defaults: Record<string, string> = {};
export function setDuckDbDefaults(options: Record<string, string>): void {
  Object.assign(defaults, options);
}

/** Open an in-memory database (default) or a file. */
export async function openDb(path = ":memory:", options: Record<string, string> = {}): Promise<Db> {
  const instance = await DuckDBInstance.create(path, { ...defaults, ...options });
  const conn = await instance.connect();
  return {
    instance,
    conn,
    close() {
      conn.closeSync();
      instance.closeSync();
    },
  };
}

/** Run statements; returns nothing. */
export async function exec(db: Db, sql: string): Promise<void> {
  await db.conn.run(sql);
}

/** Rows as plain JS objects (BIGINT → number when safe, dates → ISO strings). */
export async function rows<T = Record<string, unknown>>(db: Db, sql: string): Promise<T[]> {
  const reader = await db.conn.runAndReadAll(sql);
  return reader.getRowObjectsJS().map((r) => normalise(r) as T);
}

export async function one<T = Record<string, unknown>>(db: Db, sql: string): Promise<T> {
  const r = await rows<T>(db, sql);
  if (r.length !== 1) throw new Error(`expected one row, got ${r.length}: ${sql.slice(0, 120)}`);
  return r[0]!;
}

function normalise(row: Record<string, unknown>): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(row)) out[k] = value(v);
  return out;
}
function value(v: unknown): unknown {
  if (typeof v === "bigint") return Number.isSafeInteger(Number(v)) ? Number(v) : v.toString();
  if (v instanceof Date) return v.toISOString();
  if (Array.isArray(v)) return v.map(value);
  if (v && typeof v === "object") return normalise(v as Record<string, unknown>);
  return v;
}

/** SQL string literal. */
export function lit(s: string): string {
  return `'${s.replaceAll("'", "''")}'`;
}

export function readSql(path: string): string {
  return readFileSync(path, "utf8");
}

/**
 * A .sql file with `{{name}}` placeholders filled from vars (the SQL stays in .sql files;
 * only identifiers, paths and generated column lists are substituted).
 */
export function sqlTemplate(path: string, vars: Record<string, string>): string {
  return readSql(path).replace(/\{\{\s*(\w+)\s*\}\}/g, (_, name: string) => {
    const v = vars[name];
    if (v === undefined) throw new Error(`${path}: no value for {{${name}}}`);
    return v;
  });
}
