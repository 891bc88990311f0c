/**
 * File-drop extract: every entity's source files → validated → deduplicated → raw Parquet lake
 * partitioned by day, published atomically; bad records quarantined with file, line and reason.
 * The source directory is a full snapshot, so a rerun over the same input gives the same lake.
 */
import { mkdirSync } from "node:fs";
import { join } from "node:path";
import { openDb } from "../core/duckdb.ts";
import { clearStaging } from "../core/atomic.ts";
import type { Paths } from "../core/paths.ts";
import { ENTITIES, type Entity } from "../lake/entities.ts";
import { landEntity } from "../lake/land.ts";
import { writeQuarantine } from "../lake/quarantine.ts";
import { sourceFiles, validateFiles, type Quarantined } from "../lake/validate.ts";

export type EntityCounts = { entity: string; files: number; read: number; landed: number; updated: number; quarantined: number; partitions: number; quarantineFile: string | null };
export type ExtractResult = { entities: EntityCounts[]; rowsIn: number; rowsOut: number; quarantined: Quarantined[]; outputs: string[] };

export async function extractFiles(paths: Paths, sourceDir: string, entities: Entity[] = ENTITIES): Promise<ExtractResult> {
  const staging = join(paths.staging, "extract");
  clearStaging(staging);
  mkdirSync(paths.raw, { recursive: true });
  const db = await openDb(":memory:", { threads: "2", preserve_insertion_order: "true" });
  const result: ExtractResult = { entities: [], rowsIn: 0, rowsOut: 0, quarantined: [], outputs: [paths.raw] };
  try {
    for (const entity of entities) {
      const files = sourceFiles(sourceDir, entity.path);
      const stagingFile = join(staging, `${entity.name}.ndjson`);
      const v = await validateFiles(entity.name, sourceDir, files, entity.schema, stagingFile);
      const landed = await landEntity(db, entity, stagingFile, v.rowsValid, paths.raw, join(staging, "parquet"));
      const quarantined = [...v.quarantined, ...landed.orphans];
      const quarantineFile = writeQuarantine(paths.quarantine, entity.name, quarantined);
      if (quarantineFile) result.outputs.push(quarantineFile);
      result.entities.push({
        entity: entity.name, files: files.length, read: v.rowsRead, landed: landed.landed, updated: landed.updated,
        quarantined: quarantined.length, partitions: landed.partitions, quarantineFile,
      });
      result.quarantined.push(...quarantined);
      result.rowsIn += v.rowsRead;
      result.rowsOut += landed.landed;
    }
  } finally {
    db.close();
    clearStaging(staging);
  }
  return result;
}
