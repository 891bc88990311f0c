/** Building one model in the run's DuckDB: create it, check its contract and data tests, drop it. */
import { exec, lit, rows, type Db } from "../core/duckdb.ts";
import { checkColumns } from "../catalog/contract.ts";
import { describeFailure, runDataTests, type TestResult } from "../catalog/dataTests.ts";
import type { Model } from "../catalog/project.ts";

/** A model's own failure (its SQL, contract or data tests): it and its descendants are skipped, the rest builds. */
export class ModelError extends Error {}

export class DataTestError extends ModelError {
  constructor(readonly failures: TestResult[]) {
    super(`data tests failed:\n${failures.map((f) => `  ${describeFailure(f)}`).join("\n")}`);
  }
}

/** Drop a model's table or view, whichever it is (an incremental mart is a view over its Parquet). */
export async function drop(db: Db, name: string): Promise<void> {
  const [rel] = await rows<{ t: string }>(db, `SELECT table_type AS t FROM information_schema.tables WHERE table_name = ${lit(name)}`);
  if (rel) await exec(db, `DROP ${rel.t === "VIEW" ? "VIEW" : "TABLE"} ${name}`);
}

export async function build(db: Db, model: Model, kind: "VIEW" | "TABLE", sql: string, name = model.name): Promise<void> {
  try {
    await exec(db, `CREATE OR REPLACE ${kind} ${name} AS\n${sql}`);
  } catch (err) {
    throw new ModelError(`model ${model.name} (transforms/${model.file}) failed: ${(err as Error).message}`);
  }
}

/** Contract columns and types, then data tests; any failure stops the run before publishing. */
export async function checkModel(db: Db, model: Model): Promise<TestResult[]> {
  if (!model.contract) return [];
  const described = await rows<{ column_name: string; column_type: string }>(db, `DESCRIBE ${model.name}`);
  const problems = checkColumns(model.name, model.contract, described.map((d) => ({ name: d.column_name, type: d.column_type })));
  if (problems.length) throw new ModelError(`model ${model.name} breaks its contract (transforms/${model.file.replace(/\.sql$/, ".yml")}):\n  ${problems.join("\n  ")}`);
  const results = await runDataTests(db, model.name, model.contract);
  const failures = results.filter((r) => r.failures > 0);
  if (failures.length) throw new DataTestError(failures);
  return results;
}
