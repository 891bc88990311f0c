/**
 * A weekly snapshot frame from a features mart, read column-wise (as churn's contact_features
 * frame): every column other than contact_id, as_of and label is a feature — numbers as numbers,
 * text as categories — so a new feature column in the mart is used without code changes.
 */
import type { Db } from "../../pipelines/core/duckdb.ts";
import { martScan, type Paths } from "../../pipelines/core/paths.ts";
import type { SnapshotFrame } from "../churn/mart.ts";
import { readColumns } from "../shared/columnar.ts";

const KEYS = new Set(["contact_id", "as_of", "label"]);

export async function loadFeatureFrame(db: Db, paths: Paths, mart: string, where = "true"): Promise<SnapshotFrame> {
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
  if (cols.rowCount === 0) throw new Error(`${mart} is empty`);
  const frame: SnapshotFrame = {
    n: cols.rowCount, ids: cols.str("contact_id").map((s) => s ?? ""), asOf: cols.date("as_of"), label: cols.num("label"),
    numeric: new Map(), categorical: new Map(),
  };
  for (const [name, data] of cols.data) {
    if (KEYS.has(name)) continue;
    if (data instanceof Float64Array) frame.numeric.set(name, data);
    else if (Array.isArray(data)) frame.categorical.set(name, data);
  }
  return frame;
}
