/**
 * Staged drop records → the lake. On a first landing (the entity has no files yet, one file was
 * staged, no key repeats, one file per partition) the staged partitions are the merge, and are
 * published as they are. Otherwise they are read back as the incoming rows of the merge, ordered
 * by file and line (a later row wins a tie).
 */
import { existsSync, readdirSync } from "node:fs";
import { join } from "node:path";
import { exec, lit, one } from "../../core/duckdb.ts";
import { isPartitioned, type MergeEntity } from "../../catalog/raw.ts";
import { landTable, needsRefusal, type EntityResult, type LakeSession } from "../../lake/lake.ts";
import { compactPartitions, entityFiles } from "../../lake/merge.ts";
import { publishPartitions, publishSnapshot } from "../../lake/publish.ts";
import type { Quarantined } from "../../lake/validate.ts";

const q = (id: string) => `"${id.replaceAll('"', '""')}"`;

/** Parquet files of a staged dir: under its `date=` partitions (`nested`), or directly in it. */
export function partitionFiles(dir: string, nested: boolean): string[] {
  if (!existsSync(dir)) return [];
  if (!nested) return readdirSync(dir).filter((f) => f.endsWith(".parquet")).sort().map((f) => join(dir, f));
  return readdirSync(dir).filter((p) => p.startsWith("date=")).sort().flatMap((p) => partitionFiles(join(dir, p), false));
}

export async function landStaged(s: LakeSession, e: MergeEntity, dirs: string[], refused: number): Promise<{ result: EntityResult; orphans: Quarantined[] }> {
  const files = dirs.flatMap((d) => partitionFiles(d, true));
  if (!files.length) {
    return { result: { entity: e.name, read: refused, landed: 0, updated: 0, unchanged: 0, quarantined: refused, partitions: 0 }, orphans: [] };
  }
  const list = `[${files.map(lit).join(", ")}]`;
  const keyValue = e.key.length === 1 ? q(e.key[0]!) : `struct_pack(${e.key.map(q).join(", ")})`;
  const { n, keys } = await one<{ n: number; keys: number }>(s.db, `SELECT count(*)::BIGINT AS n, count(DISTINCT ${keyValue})::BIGINT AS keys FROM read_parquet(${list})`);
  const target = join(s.ctx.raw, e.name);
  if (dirs.length === 1 && keys === n && entityFiles(target).size === 0 && !e.dayFrom && !needsRefusal(s, e)) {
    const parts = readdirSync(dirs[0]!).filter((p) => p.startsWith("date="));
    await compactPartitions(s.db, dirs[0]!);
    if (isPartitioned(e)) {
      publishPartitions(join(s.ctx.staging, `${e.name}.journal.json`), { target, staged: dirs[0]!, trash: join(s.ctx.staging, `${e.name}.trash`), swap: parts, remove: [] });
    } else {
      publishSnapshot(partitionFiles(dirs[0]!, true)[0]!, target);
    }
    return { result: { entity: e.name, read: n + refused, landed: n, updated: 0, unchanged: 0, quarantined: refused, partitions: isPartitioned(e) ? parts.length : 1 }, orphans: [] };
  }
  const table = `incoming_${e.name}`;
  await exec(s.db, `CREATE OR REPLACE TEMP TABLE ${table} AS
    SELECT * EXCLUDE (date, filename),
           (coalesce(TRY_CAST(regexp_extract(filename, '/(\\d+)/date=', 1) AS BIGINT), 0) << 40) + _source_line AS _seq, NULL::VARCHAR AS _day_hint
    FROM read_parquet(${list}, filename = true, hive_partitioning = true, hive_types = {'date': VARCHAR})`);
  const out = await landTable(s, e, table, n + refused, refused);
  await exec(s.db, `DROP TABLE ${table}`);
  return out;
}
