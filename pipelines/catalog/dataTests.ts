/**
 * Declarative data tests from the contracts, run in DuckDB against a built model. Each test is a
 * query counting offending rows; a failure names the model, the column and that count.
 */
import { join } from "node:path";
import { lit, one, sqlTemplate, type Db } from "../core/duckdb.ts";
import type { ColumnTest, Contract } from "./contract.ts";

const SQL = join(import.meta.dirname, "sql", "tests");

export type TestResult = { model: string; column: string | null; test: string; failures: number; sql: string };

const q = (name: string) => `"${name.replaceAll('"', '""')}"`;

function columnTestSql(model: string, column: string, test: ColumnTest): { name: string; sql: string } {
  const vars = { model: q(model), column: q(column) };
  if (test === "unique") return { name: "unique", sql: sqlTemplate(join(SQL, "unique.sql"), vars) };
  if (test === "not_null") return { name: "not_null", sql: sqlTemplate(join(SQL, "not_null.sql"), vars) };
  if ("accepted_values" in test) {
    const values = test.accepted_values.map((v) => (typeof v === "string" ? lit(v) : String(v))).join(", ");
    return { name: `accepted_values(${test.accepted_values.join(", ")})`, sql: sqlTemplate(join(SQL, "accepted_values.sql"), { ...vars, values }) };
  }
  if ("relationships" in test) {
    const { to, field } = test.relationships;
    return { name: `relationships(${to}.${field})`, sql: sqlTemplate(join(SQL, "relationships.sql"), { ...vars, to: q(to), field: q(field) }) };
  }
  const { min, max } = test.range;
  const cond = [min !== undefined ? `${q(column)} < ${min}` : null, max !== undefined ? `${q(column)} > ${max}` : null].filter(Boolean).join(" OR ");
  return { name: `range(${min ?? ""}..${max ?? ""})`, sql: sqlTemplate(join(SQL, "expression.sql"), { model: q(model), failing: cond || "false" }) };
}

export async function runDataTests(db: Db, model: string, contract: Contract): Promise<TestResult[]> {
  const results: TestResult[] = [];
  for (const col of contract.columns) {
    for (const test of col.tests) {
      const { name, sql } = columnTestSql(model, col.name, test);
      results.push({ model, column: col.name, test: name, failures: (await one<{ n: number }>(db, sql)).n, sql });
    }
  }
  for (const test of contract.tests) {
    if ("expression" in test) {
      const sql = sqlTemplate(join(SQL, "expression.sql"), { model: q(model), failing: `NOT coalesce((${test.expression}), false)` });
      results.push({ model, column: null, test: `expression: ${test.description ?? test.expression}`, failures: (await one<{ n: number }>(db, sql)).n, sql });
    } else {
      const cols = test.unique_combination.map(q).join(", ");
      const sql = sqlTemplate(join(SQL, "unique_combination.sql"), { model: q(model), columns: cols });
      results.push({ model, column: test.unique_combination.join(", "), test: "unique_combination", failures: (await one<{ n: number }>(db, sql)).n, sql });
    }
  }
  return results;
}

export function describeFailure(r: TestResult): string {
  return `${r.model}${r.column ? `.${r.column}` : ""}: ${r.test} failed for ${r.failures.toLocaleString("en-US")} row${r.failures === 1 ? "" : "s"}`;
}
