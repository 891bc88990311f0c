/**
 * A digest of each published mart's content (its rows, order-insensitive; Parquet files' metadata
 * left out): two runs over the same inputs must give the same digests, bit for bit. With
 * `roundDigits`, floating-point columns are rounded first (to compare with a different but
 * equivalent computation).
 */
import { existsSync, readdirSync, statSync } from "node:fs";
import { join } from "node:path";
import { lit, one, openDb, rows, type Db } from "../core/duckdb.ts";

export async function martDigest(db: Db, dir: string, opts: { roundDigits?: number } = {}): Promise<{ rows: number; md5: string }> {
  if (!hasParquet(dir)) return { rows: 0, md5: "" };
  const scan = `read_parquet(${lit(join(dir, "**", "*.parquet"))}, hive_partitioning = true, union_by_name = true)`;
  const cols = await rows<{ column_name: string; column_type: string }>(db, `DESCRIBE SELECT * FROM ${scan}`);
  const q = (c: string) => `"${c.replaceAll('"', '""')}"`;
  const select = cols.map((c) => (opts.roundDigits !== undefined && /^(DOUBLE|FLOAT|REAL)$/.test(c.column_type)
    ? `round(${q(c.column_name)}, ${opts.roundDigits}) AS ${q(c.column_name)}` : q(c.column_name))).join(", ");
  return one<{ rows: number; md5: string }>(db,
    `SELECT count(*) AS rows, coalesce(md5(string_agg(r, chr(10) ORDER BY r)), '') AS md5 FROM (SELECT t::VARCHAR AS r FROM (SELECT ${select} FROM ${scan}) t)`);
}

/** Every published mart's digest, by mart name. */
export async function martDigests(martsDir: string, opts: { roundDigits?: number } = {}): Promise<Record<string, { rows: number; md5: string }>> {
  const out: Record<string, { rows: number; md5: string }> = {};
  if (!existsSync(martsDir)) return out;
  const db = await openDb();
  try {
    for (const name of readdirSync(martsDir).sort()) {
      const dir = join(martsDir, name);
      if (!statSync(dir).isDirectory() || name.startsWith(".")) continue;
      out[name] = await martDigest(db, dir, opts);
    }
  } finally {
    db.close();
  }
  return out;
}

function hasParquet(dir: string): boolean {
  return readdirSync(dir, { recursive: true }).some((f) => String(f).endsWith(".parquet"));
}
