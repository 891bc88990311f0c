/**
 * One incremental lake session: the data folder's writer lock (reentrant), recovery of an interrupted
 * publish, a clean staging area, a DuckDB connection; and landing a prepared incoming table through the merge.
 */
import { mkdirSync, rmSync } from "node:fs";
import { join } from "node:path";
import { openDb, type Db } from "../core/duckdb.ts";
import type { Paths } from "../core/paths.ts";
import { mergeEntity, type MergeEntity } from "../catalog/raw.ts";
import { takeDataFolder } from "../core/lock.ts";
import { mergeInto, type MergeContext, type MergeOptions } from "./merge.ts";
import { recoverPublishes } from "./publish.ts";
import type { Quarantined } from "./validate.ts";

export type EntityResult = {
  entity: string; read: number; landed: number; updated: number; unchanged: number; quarantined: number; partitions: number;
};
export type LakeSession = { db: Db; ctx: MergeContext; paths: Paths };

export async function withLake<T>(paths: Paths, fn: (s: LakeSession) => Promise<T>): Promise<T> {
  const release = await takeDataFolder(paths.data, "extract");
  const staging = join(paths.staging, "merge");
  try {
    recoverPublishes(staging);
    rmSync(staging, { recursive: true, force: true });
    mkdirSync(staging, { recursive: true });
    mkdirSync(paths.raw, { recursive: true });
    const db = await openDb(":memory:", { threads: "2" });
    try {
      return await fn({ db, ctx: { raw: paths.raw, staging }, paths });
    } finally {
      db.close();
      rmSync(staging, { recursive: true, force: true });
    }
  } finally {
    release();
  }
}

/** Merge an incoming table into its entity; records without a partition day come back as quarantined. */
export async function landTable(s: LakeSession, entity: MergeEntity | string, incoming: string, read: number, quarantined: number, o: MergeOptions = {}) {
  const e = typeof entity === "string" ? mergeEntity(entity) : entity;
  const m = await mergeInto(s.db, e, incoming, s.ctx, o);
  const q = quarantined + m.orphans.length;
  const result: EntityResult = {
    entity: e.name, read, landed: m.landed, updated: m.updated, unchanged: read - m.landed - m.updated - q, quarantined: q, partitions: m.partitions,
  };
  return { result, orphans: m.orphans as Quarantined[] };
}
