/**
 * Whether two lakes hold the same rows: every raw entity of either, rows compared as multisets
 * (order-insensitive, EXCEPT ALL both ways, every column and the partition day). A check to run by
 * hand around a change to the landing path (issue 13: the extract without its staging copy):
 *
 *   node --import tsx test/lake/compare-lakes.ts <data-a>/lake/raw <data-b>/lake/raw
 *
 * Prints one line per entity and exits 1 when any differs.
 */
import { existsSync, readdirSync } from "node:fs";
import { join } from "node:path";
import { lit, openDb, one, type Db } from "../../pipelines/core/duckdb.ts";
import { entityFiles } from "../../pipelines/lake/merge.ts";

function source(raw: string, entity: string): string | null {
  const parts = entityFiles(join(raw, entity));
  const files = [...parts.values()].flat();
  if (!files.length) return null;
  const partitioned = [...parts.keys()].some((p) => p !== "");
  const hive = partitioned ? ", hive_partitioning = true, hive_types = {'date': VARCHAR}" : "";
  return `read_parquet([${files.map(lit).join(", ")}]${hive}, union_by_name = true)`;
}

export async function compareLakes(db: Db, a: string, b: string): Promise<{ entity: string; rows: number; onlyA: number; onlyB: number }[]> {
  const names = new Set([a, b].flatMap((raw) => (existsSync(raw) ? readdirSync(raw, { withFileTypes: true }).filter((d) => d.isDirectory()).map((d) => d.name) : [])));
  const out = [];
  for (const entity of [...names].sort()) {
    const sa = source(a, entity) ?? source(b, entity) + " WHERE false";
    const sb = source(b, entity) ?? source(a, entity) + " WHERE false";
    const r = await one<{ n: number; ab: number; ba: number }>(db, `SELECT
      (SELECT count(*) FROM ${sa})::BIGINT AS n,
      (SELECT count(*) FROM (SELECT * FROM ${sa} EXCEPT ALL SELECT * FROM ${sb}))::BIGINT AS ab,
      (SELECT count(*) FROM (SELECT * FROM ${sb} EXCEPT ALL SELECT * FROM ${sa}))::BIGINT AS ba`);
    out.push({ entity, rows: Number(r.n), onlyA: Number(r.ab), onlyB: Number(r.ba) });
  }
  return out;
}

if (process.argv[1]?.endsWith("compare-lakes.ts")) {
  const [a, b] = process.argv.slice(2);
  if (!a || !b) throw new Error("usage: compare-lakes.ts <raw-a> <raw-b>");
  const db = await openDb(":memory:", { threads: "2" });
  const res = await compareLakes(db, a, b);
  db.close();
  for (const r of res) console.log(`${r.entity.padEnd(22)} rows ${String(r.rows).padStart(10)}  only in a ${r.onlyA}  only in b ${r.onlyB}`);
  const bad = res.filter((r) => r.onlyA || r.onlyB);
  console.log(bad.length ? `DIFFERENT: ${bad.map((r) => r.entity).join(", ")}` : `same rows in all ${res.length} entities`);
  process.exitCode = bad.length ? 1 : 0;
}
