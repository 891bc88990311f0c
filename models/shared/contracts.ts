/**
 * Contracts of the prediction marts — the marts the models write under data/lake/marts. Each has a
 * YAML contract beside the code that writes it (`models/<model>/<mart>.yml`) in the SQL marts'
 * format (pipelines/catalog/contract.ts), with the extra top-level keys `name`, `produced_by` (the
 * stage), `partition_by`, `key` and `reads` the catalog (pipelines/catalog/datasets.ts) reads.
 *
 * writeMart (mart.ts) checks a prediction against its contract before anything is written: the
 * rows are staged in a temporary table named after the mart, then the columns (names, order and
 * DuckDB types) and the data tests (pipelines/catalog/dataTests.ts) must pass, or a
 * PredictionContractError names the mart, the column and the problem and no file is touched.
 */
import { join } from "node:path";
import { checkColumns, ContractError, type Contract } from "../../pipelines/catalog/contract.ts";
import { catalog, type Dataset } from "../../pipelines/catalog/datasets.ts";
import { projectRoot } from "../../pipelines/core/paths.ts";
import { exec, rows, type Db } from "../../pipelines/core/duckdb.ts";
import { describeFailure, runDataTests, type TestResult } from "../../pipelines/catalog/dataTests.ts";

/** The pipeline stages that write prediction marts. */
export type PredictionStage = "train-churn" | "train-forecast";

export type PredictionContract = {
  /** The mart (folder under data/lake/marts). */
  name: string;
  /** The contract file from the project root, e.g. models/churn/churn_risk.yml. */
  file: string;
  /** The same, absolute. */
  path: string;
  producer: PredictionStage;
  key: string[];
  partitionBy: string | null;
  contract: Contract;
};

/** Every prediction mart with its contract: the catalog's prediction datasets (models/<model>/<mart>.yml). */
export function predictionContracts(): PredictionContract[] {
  return catalog().datasets.filter((d) => d.kind === "prediction").map(validate);
}

/** The contract of a prediction mart, or null when `name` is not one. */
export function predictionContract(name: string): PredictionContract | null {
  const d = catalog().find(`marts.${name}`);
  return d?.kind === "prediction" ? validate(d) : null;
}

function validate(d: Dataset): PredictionContract {
  const file = d.declaredIn;
  const c = d.contract!;
  const columns = c.columns.map((x) => x.name);
  const problems: string[] = [];
  if (!["train-churn", "train-forecast", "train-opportunity", "outreach"].includes(d.producer)) problems.push(`produced_by is ${JSON.stringify(d.producer)}, expected a model stage`);
  if (!d.key.length) problems.push("key (the columns that identify a row) is missing");
  for (const k of d.key) if (!columns.includes(k)) problems.push(`key column ${k} is not a contract column`);
  if (d.key.length && !c.tests.some((t) => "unique_combination" in t && sameSet(t.unique_combination, d.key))) {
    problems.push(`key [${d.key.join(", ")}] has no unique_combination test`);
  }
  if (d.partitionBy != null && !columns.includes(d.partitionBy)) problems.push(`partition_by ${d.partitionBy} is not a contract column`);
  if (problems.length) throw new ContractError(`${file} is not a valid prediction contract:\n  ${problems.join("\n  ")}`);
  return { name: d.name, file, path: join(projectRoot, file), producer: d.producer as PredictionStage, key: d.key, partitionBy: d.partitionBy, contract: c };
}

const sameSet = (a: string[], b: string[]) => a.length === b.length && a.every((x) => b.includes(x));

export class PredictionContractError extends ContractError {
  constructor(readonly mart: string, readonly file: string, readonly problems: string[]) {
    super(`prediction mart ${mart} breaks its contract (${file}); nothing was written:\n  ${problems.join("\n  ")}`);
  }
}

const ident = (s: string) => `"${s.replaceAll('"', '""')}"`;

/** The temporary table a prediction is staged in: named after the mart, so contract tests can name it. */
export const stagedTable = (mart: string) => `temp.main.${ident(mart)}`;

/**
 * Stage `selectSql` in a temporary table named after the mart and check it against the contract;
 * throws PredictionContractError (and drops the table) when it breaks it. Returns the test results.
 */
export async function stagePrediction(db: Db, mart: PredictionContract, selectSql: string): Promise<TestResult[]> {
  await exec(db, `CREATE OR REPLACE TEMP TABLE ${ident(mart.name)} AS\n${selectSql}`);
  try {
    return await checkPrediction(db, mart);
  } catch (err) {
    await exec(db, `DROP TABLE IF EXISTS ${stagedTable(mart.name)}`);
    throw err;
  }
}

/** Check the staged table of a prediction mart: columns, their order and types, then the data tests. */
export async function checkPrediction(db: Db, mart: PredictionContract): Promise<TestResult[]> {
  const { name, contract } = mart;
  const described = await rows<{ column_name: string; column_type: string }>(db, `DESCRIBE ${stagedTable(name)}`);
  const actual = described.map((d) => ({ name: d.column_name, type: d.column_type }));
  const problems = checkColumns(name, contract, actual);
  if (problems.length === 0) problems.push(...orderProblems(name, contract, actual.map((a) => a.name)));
  if (problems.length) throw new PredictionContractError(name, mart.file, problems);
  const results = await runDataTests(db, name, contract);
  const failures = results.filter((r) => r.failures > 0);
  if (failures.length) throw new PredictionContractError(name, mart.file, await Promise.all(failures.map((f) => explain(db, mart, f))));
  return results;
}

/** checkColumns compares names and types; the columns must also come in the contract's order. */
function orderProblems(name: string, contract: Contract, got: string[]): string[] {
  const want = contract.columns.map((c) => c.name);
  const k = want.findIndex((c, i) => got[i] !== c);
  return k < 0 ? [] : [`${name}.${want[k]}: expected as column ${k + 1}, found ${got[k]} there (contract order: ${want.join(", ")})`];
}

/** A failed data test in words, with the offending values or an example row. */
async function explain(db: Db, mart: PredictionContract, r: TestResult): Promise<string> {
  const base = describeFailure(r);
  const t = stagedTable(mart.name);
  const fmt = (v: unknown) => (v === null || v === undefined ? "NULL" : String(v));
  if (r.column && !r.column.includes(",")) {
    const col = mart.contract.columns.find((c) => c.name === r.column);
    const c = ident(r.column);
    if (col && r.test.startsWith("range")) {
      const [mm] = await rows<{ lo: unknown; hi: unknown }>(db, `SELECT min(${c})::VARCHAR AS lo, max(${c})::VARCHAR AS hi FROM ${t}`);
      return `${base} (values range from ${fmt(mm?.lo)} to ${fmt(mm?.hi)})`;
    }
    if (col && r.test.startsWith("accepted_values")) {
      const test = col.tests.find((x) => typeof x === "object" && "accepted_values" in x) as { accepted_values: unknown[] } | undefined;
      const allowed = new Set((test?.accepted_values ?? []).map(String));
      const seen = await rows<{ v: unknown }>(db, `SELECT DISTINCT ${c}::VARCHAR AS v FROM ${t} WHERE ${c} IS NOT NULL ORDER BY 1 LIMIT 50`);
      const bad = seen.map((x) => String(x.v)).filter((v) => !allowed.has(v)).slice(0, 5);
      return `${base} (unexpected: ${bad.join(", ")})`;
    }
    return base;
  }
  const expr = mart.contract.tests.find((x) => "expression" in x && `expression: ${x.description ?? x.expression}` === r.test);
  if (!expr || !("expression" in expr)) return base;
  const used = mart.contract.columns.map((c) => c.name).filter((c) => new RegExp(`\\b${c}\\b`).test(expr.expression));
  const show = [...new Set([...mart.key, ...used])];
  const [row] = await rows(db, `SELECT ${show.map((c) => `${ident(c)}::VARCHAR AS ${ident(c)}`).join(", ")} FROM ${t} WHERE NOT coalesce((${expr.expression}), false) LIMIT 1`);
  const example = row ? `; e.g. ${show.map((c) => `${c}=${fmt(row[c])}`).join(", ")}` : "";
  return `${mart.name}${used.length ? `.${used.join("/")}` : ""}: ${r.test} [${expr.expression}] failed for ${r.failures.toLocaleString("en-US")} row${r.failures === 1 ? "" : "s"}${example}`;
}
