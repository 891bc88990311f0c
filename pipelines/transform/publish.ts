/** Writes a mart to Parquet under staging, then swaps the whole mart directory into place. */
import { existsSync, mkdirSync, renameSync, rmSync } from "node:fs";
import { join } from "node:path";
import { exec, lit, sqlTemplate, type Db } from "../core/duckdb.ts";
import type { Model } from "./project.ts";

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
