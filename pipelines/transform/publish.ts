/** Writes a mart to Parquet under staging, then swaps the whole mart directory into place. */
import { existsSync, mkdirSync, renameSync, rmSync } from "node:fs";
import { join } from "node:path";
import { exec, lit, sqlTemplate, type Db } from "../core/duckdb.ts";
import type { Model } from "../catalog/project.ts";
import { publishPartitions } from "../core/atomic.ts";

const SQL = join(import.meta.dirname, "sql");

export async function publishMart(db: Db, model: Model, martsDir: string, stagingDir: string): Promise<string> {
  const staged = join(stagingDir, model.name);
  rmSync(staged, { recursive: true, force: true });
  mkdirSync(staged, { recursive: true });
  if (model.partitionBy) {
    await exec(db, sqlTemplate(join(SQL, "copy_mart_partitioned.sql"), { model: model.name, out: lit(staged), partition: model.partitionBy }));
  } else {
    await exec(db, sqlTemplate(join(SQL, "copy_mart.sql"), { model: model.name, out: lit(join(staged, "data.parquet")) }));
  }
  const target = join(martsDir, model.name);
  mkdirSync(martsDir, { recursive: true });
  const old = join(stagingDir, `.old-${model.name}`);
  if (existsSync(target)) renameSync(target, old);
  renameSync(staged, target);
  rmSync(old, { recursive: true, force: true });
  return target;
}

/**
 * Replace only the given partitions of a published, hive-partitioned mart with the rows now in
 * the model table; a partition value with no rows any more is removed.
 */
export async function publishIncremental(db: Db, model: Model, target: string, stagingDir: string, values: string[]): Promise<void> {
  const staged = join(stagingDir, model.name);
  rmSync(staged, { recursive: true, force: true });
  mkdirSync(staged, { recursive: true });
  await exec(db, sqlTemplate(join(SQL, "copy_mart_partitioned.sql"), { model: model.name, out: lit(staged), partition: model.partitionBy! }));
  const emptied = values.filter((v) => !existsSync(join(staged, `${model.partitionBy}=${v}`)));
  publishPartitions(staged, target, false);
  for (const v of emptied) rmSync(join(target, `${model.partitionBy}=${v}`), { recursive: true, force: true });
  rmSync(staged, { recursive: true, force: true });
}
