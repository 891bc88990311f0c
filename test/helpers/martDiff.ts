/**
 * Compare two folders of Parquet datasets (a lake's marts, say) as multisets of rows: the same
 * columns, the same rows in any order, floating-point values equal within a tolerance. Read with
 * DuckDB; every column but the floating-point ones is compared as text.
 */
import { existsSync, readdirSync } from "node:fs";
import { join } from "node:path";
import { openDb, rows, type Db } from "../../pipelines/core/duckdb.ts";

export type DatasetDiff = { dataset: string; problem: string; onlyLeft: string[]; onlyRight: string[] };

const FLOAT = /^(DOUBLE|FLOAT|REAL|DECIMAL)/i;
const q = (c: string) => `"${c.replaceAll('"', '""')}"`;

/** Datasets (sub-folders holding Parquet files) of a folder, sorted. */
export function datasets(dir: string): string[] {
  if (!existsSync(dir)) return [];
  return readdirSync(dir, { withFileTypes: true }).filter((e) => e.isDirectory() && !e.name.startsWith(".")).map((e) => e.name).sort();
}

async function readDataset(db: Db, dir: string, skip: string[]): Promise<{ cols: Array<{ name: string; float: boolean }>; data: Array<Array<string | number | null>> }> {
  const src = `read_parquet('${join(dir, "**", "*.parquet").replaceAll("'", "''")}', hive_partitioning = true, union_by_name = true)`;
  const described = await rows<{ column_name: string; column_type: string }>(db, `DESCRIBE SELECT * FROM ${src}`);
  const cols = described.filter((c) => !skip.includes(c.column_name)).map((c) => ({ name: c.column_name, float: FLOAT.test(c.column_type) }));
  const select = cols.map((c) => (c.float ? `${q(c.name)}::DOUBLE AS ${q(c.name)}` : `${q(c.name)}::VARCHAR AS ${q(c.name)}`)).join(", ");
  const got = await rows<Record<string, string | number | null>>(db, `SELECT ${select} FROM ${src}`);
  return { cols, data: got.map((r) => cols.map((c) => r[c.name] ?? null)) };
}

const close = (a: number | null, b: number | null, tol: number) =>
  a === b || (a !== null && b !== null && (Math.abs(a - b) <= tol * Math.max(1, Math.abs(a), Math.abs(b)) || (Number.isNaN(a) && Number.isNaN(b))));

/**
 * One dataset of two folders: null when equal as multisets of rows (floats within `tol`, relative
 * above 1), else what differs with up to 5 example rows of each side. `skip`: columns left out.
 */
export async function diffDataset(left: string, right: string, dataset: string, o: { tol?: number; skip?: string[] } = {}): Promise<DatasetDiff | null> {
  const tol = o.tol ?? 1e-9;
  const db = await openDb();
  try {
    const a = await readDataset(db, join(left, dataset), o.skip ?? []);
    const b = await readDataset(db, join(right, dataset), o.skip ?? []);
    const names = (x: typeof a) => x.cols.map((c) => c.name).join(",");
    if (names(a) !== names(b)) return { dataset, problem: `columns differ: ${names(a)} | ${names(b)}`, onlyLeft: [], onlyRight: [] };
    const floats = a.cols.map((c, i) => (c.float ? i : -1)).filter((i) => i >= 0);
    const keyOf = (r: Array<string | number | null>) => JSON.stringify(r.map((v, i) => (floats.includes(i) ? null : v)));
    const group = (data: typeof a.data) => {
      const m = new Map<string, Array<Array<number | null>>>();
      for (const r of data) {
        const k = keyOf(r);
        const f = floats.map((i) => r[i] as number | null);
        const g = m.get(k);
        if (g) g.push(f); else m.set(k, [f]);
      }
      for (const g of m.values()) g.sort((x, y) => { for (let i = 0; i < x.length; i++) { const d = (x[i] ?? -Infinity) - (y[i] ?? -Infinity); if (d) return d; } return 0; });
      return m;
    };
    const ga = group(a.data);
    const gb = group(b.data);
    const show = (k: string, f: Array<number | null>) => {
      const r = JSON.parse(k) as unknown[];
      floats.forEach((i, j) => { r[i] = f[j]; });
      return JSON.stringify(Object.fromEntries(a.cols.map((c, i) => [c.name, r[i]])));
    };
    const onlyLeft: string[] = [];
    const onlyRight: string[] = [];
    for (const [k, fa] of ga) {
      const fb = gb.get(k) ?? [];
      const n = Math.max(fa.length, fb.length);
      for (let i = 0; i < n; i++) {
        const x = fa[i];
        const y = fb[i];
        if (x && y && x.every((v, j) => close(v, y[j]!, tol))) continue;
        if (x) onlyLeft.push(show(k, x));
        if (y) onlyRight.push(show(k, y));
      }
    }
    for (const [k, fb] of gb) if (!ga.has(k)) for (const y of fb) onlyRight.push(show(k, y));
    if (!onlyLeft.length && !onlyRight.length) return null;
    return {
      dataset, problem: `${a.data.length} rows | ${b.data.length} rows; ${onlyLeft.length} only left, ${onlyRight.length} only right`,
      onlyLeft: onlyLeft.slice(0, 5), onlyRight: onlyRight.slice(0, 5),
    };
  } finally {
    db.close();
  }
}

/** Rows of a dataset (all its Parquet files). */
export async function rowCount(dir: string, dataset: string): Promise<number> {
  const db = await openDb();
  try {
    const [r] = await rows<{ n: number }>(db, `SELECT count(*)::BIGINT AS n FROM read_parquet('${join(dir, dataset, "**", "*.parquet").replaceAll("'", "''")}')`);
    return r!.n;
  } finally {
    db.close();
  }
}
