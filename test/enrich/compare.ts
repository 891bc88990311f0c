/**
 * Two enriched lakes compared entity by entity: the same day partitions, and the same rows as
 * multisets (EXCEPT ALL both ways; row order within files does not matter). Used by the tests, and
 * by hand to compare a run of this code with another version's on the same raw lake:
 *   npx tsx test/enrich/compare.ts <data A>/lake/enriched <data B>/lake/enriched   (exit 1 on a difference)
 */
import { existsSync, readdirSync } from "node:fs";
import { join } from "node:path";
import { openDb, rows } from "../../pipelines/core/duckdb.ts";
import { ENRICHED } from "../../pipelines/catalog/enriched.ts";

export type EntityComparison = { entity: string; partitionsA: string[]; partitionsB: string[]; rowsA: number; rowsB: number; onlyInA: number; onlyInB: number };

export const dayPartitions = (dir: string) => (existsSync(dir) ? readdirSync(dir).filter((p) => p.startsWith("date=")).map((p) => p.slice(5)).sort() : []);

export async function compareEnriched(a: string, b: string): Promise<EntityComparison[]> {
  const db = await openDb();
  const out: EntityComparison[] = [];
  try {
    for (const e of ENRICHED) {
      const [pa, pb] = [dayPartitions(join(a, e.name)), dayPartitions(join(b, e.name))];
      const rel = (d: string, p: string[]) => (p.length ? `read_parquet('${join(d, e.name)}/*/*.parquet', hive_partitioning = true)` : `(SELECT * FROM read_parquet('${join(a, e.name)}/*/*.parquet', hive_partitioning = true) WHERE false)`);
      if (!pa.length && !pb.length) { out.push({ entity: e.name, partitionsA: pa, partitionsB: pb, rowsA: 0, rowsB: 0, onlyInA: 0, onlyInB: 0 }); continue; }
      const [ra, rb] = [rel(a, pa), rel(pb.length ? b : a, pb)];
      const [r] = await rows<{ na: number; nb: number; ab: number; ba: number }>(db, `SELECT (SELECT count(*) FROM ${ra}) AS na, (SELECT count(*) FROM ${rb}) AS nb,
        (SELECT count(*) FROM (SELECT * FROM ${ra} EXCEPT ALL SELECT * FROM ${rb})) AS ab,
        (SELECT count(*) FROM (SELECT * FROM ${rb} EXCEPT ALL SELECT * FROM ${ra})) AS ba`);
      out.push({ entity: e.name, partitionsA: pa, partitionsB: pb, rowsA: r!.na, rowsB: r!.nb, onlyInA: r!.ab, onlyInB: r!.ba });
    }
  } finally { db.close(); }
  return out;
}

export const same = (c: EntityComparison) => c.onlyInA === 0 && c.onlyInB === 0 && c.rowsA === c.rowsB && c.partitionsA.join() === c.partitionsB.join();

if (process.argv[1] && import.meta.filename === process.argv[1]) {
  const [a, b] = process.argv.slice(2);
  if (!a || !b) { console.error("usage: npx tsx test/enrich/compare.ts <enriched dir A> <enriched dir B>"); process.exit(2); }
  const cs = await compareEnriched(a, b);
  for (const c of cs) console.log(`${same(c) ? "SAME" : "DIFF"} ${c.entity}: partitions ${c.partitionsA.length}/${c.partitionsB.length}, rows ${c.rowsA}/${c.rowsB}, only in A ${c.onlyInA}, only in B ${c.onlyInB}`);
  process.exit(cs.every(same) ? 0 : 1);
}
