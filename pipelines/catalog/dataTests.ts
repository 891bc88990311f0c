/**
 * Declarative data tests from the contracts, run in DuckDB against a built model. Each test is a
 * query counting offending rows; a failure names the model, the column and that count. The tests
 * that look at one row at a time (not_null, accepted_values, range, expression) run together in one
 * scan of the model (a count per test); unique, unique_combination and relationships run alone.
 */
import { join } from "node:path";
import { lit, one, sqlTemplate, type Db } from "../core/duckdb.ts";
import type { ColumnTest, Contract } from "./contract.ts";

const SQL = join(import.meta.dirname, "sql", "tests");

export type TestResult = { model: string; column: string | null; test: string; failures: number; sql: string };

const q = (name: string) => `"${name.replaceAll('"', '""')}"`;

type Planned = { column: string | null; name: string; sql: string; failing?: string };

function columnTestSql(model: string, column: string, test: ColumnTest): Planned {
  const vars = { model: q(model), column: q(column) };
  const row = (name: string, failing: string): Planned => ({ column, name, failing, sql: sqlTemplate(join(SQL, "expression.sql"), { model: q(model), failing }) });
  if (test === "unique") return { column, name: "unique", sql: sqlTemplate(join(SQL, "unique.sql"), vars) };
  if (test === "not_null") return row("not_null", `${q(column)} IS NULL`);
  if ("accepted_values" in test) {
    const values = test.accepted_values.map((v) => (typeof v === "string" ? lit(v) : String(v))).join(", ");
    return row(`accepted_values(${test.accepted_values.join(", ")})`, `${q(column)} IS NOT NULL AND ${q(column)} NOT IN (${values})`);
  }
  if ("relationships" in test) {
    const { to, field } = test.relationships;
    return { column, name: `relationships(${to}.${field})`, sql: sqlTemplate(join(SQL, "relationships.sql"), { ...vars, to: q(to), field: q(field) }) };
  }
  const { min, max } = test.range;
  const cond = [min !== undefined ? `${q(column)} < ${min}` : null, max !== undefined ? `${q(column)} > ${max}` : null].filter(Boolean).join(" OR ");
  return row(`range(${min ?? ""}..${max ?? ""})`, cond || "false");
}

export async function runDataTests(db: Db, model: string, contract: Contract): Promise<TestResult[]> {
  const planned: Planned[] = [];
  for (const col of contract.columns) for (const test of col.tests) planned.push(columnTestSql(model, col.name, test));
  for (const test of contract.tests) {
    if ("expression" in test) {
      const failing = `NOT coalesce((${test.expression}), false)`;
      planned.push({ column: null, name: `expression: ${test.description ?? test.expression}`, failing, sql: sqlTemplate(join(SQL, "expression.sql"), { model: q(model), failing }) });
    } else {
      const cols = test.unique_combination.map(q).join(", ");
      planned.push({ column: test.unique_combination.join(", "), name: "unique_combination", sql: sqlTemplate(join(SQL, "unique_combination.sql"), { model: q(model), columns: cols }) });
    }
  }
  // The row tests: one scan, a count of failing rows per test.
  const rowTests = planned.filter((p) => p.failing !== undefined);
  const counts = rowTests.length
    ? await one<Record<string, number>>(db, sqlTemplate(join(SQL, "row_tests.sql"), { model: q(model), counts: rowTests.map((p, i) => `count(*) FILTER (WHERE ${p.failing}) AS t${i}`).join(",\n       ") }))
    : {};
  const results: TestResult[] = [];
  for (const p of planned) {
    const i = rowTests.indexOf(p);
    const failures = i >= 0 ? Number(counts[`t${i}`]) : (await one<{ n: number }>(db, p.sql)).n;
    results.push({ model, column: p.column, test: p.name, failures, sql: p.sql });
  }
  return results;
}

export function describeFailure(r: TestResult): string {
  return `${r.model}${r.column ? `.${r.column}` : ""}: ${r.test} failed for ${r.failures.toLocaleString("en-US")} row${r.failures === 1 ? "" : "s"}`;
}
