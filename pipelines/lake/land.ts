/** Lands one entity's validated staging rows as raw Parquet: dedup, partition, publish atomically. */
import { existsSync, mkdirSync, rmSync } from "node:fs";
import { join } from "node:path";
import { exec, lit, rows, sqlTemplate, type Db } from "../core/duckdb.ts";
import { publishFile, publishPartitions } from "../core/atomic.ts";
import { duckdbColumns, readJsonColumns } from "../catalog/duckdbTypes.ts";
import type { Entity } from "./entities.ts";
import type { Quarantined } from "./validate.ts";

const SQL = join(import.meta.dirname, "sql");

export type LandResult = { landed: number; updated: number; orphans: Quarantined[]; partitions: number };

export async function landEntity(db: Db, entity: Entity, stagingFile: string, rowsValid: number, rawDir: string, stagingDir: string): Promise<LandResult> {
  const target = join(rawDir, entity.name);
  if (rowsValid === 0) {
    // An empty source still replaces the entity: nothing stale stays visible.
    rmSync(target, { recursive: true, force: true });
    return { landed: 0, updated: 0, orphans: [], partitions: 0 };
  }
  const columns = { ...duckdbColumns(entity.schema), _source_file: "VARCHAR", _source_line: "BIGINT" };
  const key = entity.key.join(", ");
  let day = entity.day ?? "NULL::VARCHAR";
  let join_ = "";
  if (entity.dayFrom) {
    const from = join(rawDir, entity.dayFrom.entity);
    if (existsSync(from)) {
      join_ = `LEFT JOIN (SELECT id AS _parent_id, ${entity.dayFrom.expr} AS _parent_day FROM read_parquet(${lit(from + "/*/*.parquet")}, hive_partitioning = true)) parent ON parent._parent_id = latest.${entity.dayFrom.on}`;
      day = "parent._parent_day";
    }
  }
  await exec(db, sqlTemplate(join(SQL, "land.sql"), {
    staging: lit(stagingFile), columns: readJsonColumns(columns), key, version: entity.version, day, join: join_,
  }));
  const partitioned = entity.day !== null || entity.dayFrom !== undefined;
  const [counts] = await rows<{ landed: number; orphans: number }>(db, sqlTemplate(join(SQL, "counts.sql"), { unpartitioned: partitioned ? "false" : "true" }));
  const orphans: Quarantined[] = [];
  if (partitioned && counts!.orphans > 0) {
    const keyText = entity.key.map((k) => `CAST(${k} AS VARCHAR)`).join(" || '/' || ");
    for (const o of await rows<{ file: string; line: number; key: string }>(db, sqlTemplate(join(SQL, "orphans.sql"), { keyText }))) {
      orphans.push({
        entity: entity.name, file: o.file, line: o.line, field: entity.dayFrom?.on ?? null,
        reason: `${entity.dayFrom?.on ?? "key"}: ${o.key} not found among landed ${entity.dayFrom?.entity ?? "parents"}`, record: "",
      });
    }
  }
  mkdirSync(stagingDir, { recursive: true });
  let partitions = 1;
  if (partitioned) {
    const out = join(stagingDir, entity.name);
    await exec(db, sqlTemplate(join(SQL, "copy_partitioned.sql"), { key, out: lit(out) }));
    partitions = publishPartitions(out, target, true).published.length;
  } else {
    const out = join(stagingDir, `${entity.name}.parquet`);
    await exec(db, sqlTemplate(join(SQL, "copy_snapshot.sql"), { key, out: lit(out) }));
    mkdirSync(target, { recursive: true });
    publishFile(out, join(target, "data.parquet"));
  }
  await exec(db, "DROP TABLE landed");
  return { landed: counts!.landed, updated: rowsValid - counts!.landed - counts!.orphans, orphans, partitions };
}
