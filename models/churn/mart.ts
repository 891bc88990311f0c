/**
 * The churn frame from the `contact_features` mart, read column-wise. Every column other than
 * contact_id, as_of and label is a feature — numeric columns as numbers, text columns (segment) as
 * categories — so a new feature column in the mart (e.g. a text-sentiment score) is used without
 * code changes. Counts (non-negative whole numbers) enter as log(1 + x): a third missed call
 * matters less than the first.
 */
import { martScan, type Paths } from "../../pipelines/core/paths.ts";
import type { Db } from "../../pipelines/core/duckdb.ts";
import { readColumns } from "../shared/columnar.ts";
import type { Expansion, Frame } from "./prep.ts";

export type SnapshotFrame = Frame & { asOf: Int32Array };

const KEYS = new Set(["contact_id", "as_of", "label"]);

export async function loadSnapshotFrame(db: Db, paths: Paths): Promise<SnapshotFrame> {
  return loadFeatureFrame(db, paths, "contact_features", "true", "churn: contact_features is empty");
}

/**
 * Any weekly snapshot features mart (contact_features, opportunity_features), read column-wise:
 * every column other than contact_id, as_of and label is a feature (numbers as numbers, text as categories).
 */
export async function loadFeatureFrame(db: Db, paths: Paths, mart: string, where = "true", emptyMessage = `${mart} is empty`): Promise<SnapshotFrame> {
  const scan = martScan(paths, mart);
  const described = await readColumns(db, `SELECT column_name::VARCHAR AS name, column_type::VARCHAR AS type FROM (DESCRIBE SELECT * FROM ${scan})`);
  const names = described.str("name").map((s) => s ?? "");
  const types = described.str("type").map((s) => s ?? "");
  const select = names.flatMap((n, k) => {
    if (KEYS.has(n)) return [];
    const id = `"${n.replaceAll('"', '""')}"`;
    return [/CHAR|TEXT|STRING|BOOL/i.test(types[k]!) ? `CAST(${id} AS VARCHAR) AS ${id}` : `CAST(${id} AS DOUBLE) AS ${id}`];
  });
  const cols = await readColumns(db, `
    SELECT CAST(contact_id AS VARCHAR) AS contact_id, CAST(as_of AS DATE) AS as_of,
           CAST(CASE WHEN label IS NULL THEN NULL WHEN label THEN 1 ELSE 0 END AS DOUBLE) AS label,
           ${select.join(", ")}
    FROM ${scan} WHERE ${where}
    ORDER BY as_of, contact_id`);
  if (cols.rowCount === 0) throw new Error(emptyMessage);
  const frame: SnapshotFrame = {
    n: cols.rowCount,
    ids: cols.str("contact_id").map((s) => s ?? ""),
    asOf: cols.date("as_of"),
    label: cols.num("label"),
    numeric: new Map(),
    categorical: new Map(),
  };
  for (const [name, data] of cols.data) {
    if (KEYS.has(name)) continue;
    if (data instanceof Float64Array) frame.numeric.set(name, data);
    else if (Array.isArray(data)) frame.categorical.set(name, data);
  }
  return frame;
}

/** Counts as log(1 + x); any other number as it is. */
export function martExpansion(_name: string, sorted: Float64Array): Expansion {
  const count = sorted.length > 0 && sorted[0]! >= 0 && sorted.every((v) => Number.isInteger(v));
  return { raw: !count, log1p: count, hinges: false };
}

/** Distinct snapshot dates, ascending, and the labelled ones. */
export function snapshotDates(frame: SnapshotFrame): { all: number[]; labelled: number[] } {
  const all = new Set<number>();
  const labelled = new Set<number>();
  for (let i = 0; i < frame.n; i++) {
    all.add(frame.asOf[i]!);
    if (!Number.isNaN(frame.label[i]!)) labelled.add(frame.asOf[i]!);
  }
  const asc = (s: Set<number>) => [...s].sort((a, b) => a - b);
  return { all: asc(all), labelled: asc(labelled) };
}

/** Rows whose snapshot is in `dates` (labelled rows only, if asked). */
export function rowsAt(frame: SnapshotFrame, dates: number[], labelledOnly: boolean): Int32Array {
  const want = new Set(dates);
  const out: number[] = [];
  for (let i = 0; i < frame.n; i++) if (want.has(frame.asOf[i]!) && (!labelledOnly || !Number.isNaN(frame.label[i]!))) out.push(i);
  return Int32Array.from(out);
}
