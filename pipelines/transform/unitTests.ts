/**
 * Unit tests of SQL models, from the contracts: given rows for some inputs (models, sources,
 * seeds), the model's output must equal the expected rows. Inputs take the column types the real
 * project gives them (probed by building the project on empty sources), so a unit test exercises
 * the same SQL, types and casts as a real run.
 */
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { exec, lit, openDb, rows, type Db } from "../core/duckdb.ts";
import type { Config } from "../core/config.ts";
import { lakePaths } from "../core/paths.ts";
import { readJsonColumns } from "../catalog/duckdbTypes.ts";
import { compile } from "./compile.ts";
import type { UnitTest } from "../catalog/contract.ts";
import { loadProject, select, topoSort, type Model } from "../catalog/project.ts";
import { TRANSFORMS_DIR, transformVars } from "./run.ts";
import { registerEmptySources, registerSeedTables } from "./inputs.ts";
import { loadMacros, registerMacros } from "./macros.ts";

export type UnitResult = { passed: number; failures: string[] };

export class UnitTestError extends Error {}

export async function runUnitTests(config: Config, opts: { select?: string; dir?: string } = {}): Promise<UnitResult & { rowsOut: number }> {
  const dir = opts.dir ?? TRANSFORMS_DIR;
  const all = topoSort(loadProject(dir));
  const chosen = select(all, opts.select).filter((m) => m.contract?.unit_tests.length);
  const vars = transformVars(config);
  const schemas = await probeSchemas(all, dir, config, vars);
  const result: UnitResult = { passed: 0, failures: [] };
  for (const model of chosen) {
    for (const test of model.contract!.unit_tests) {
      const problem = await runOne(all, model, test, dir, config, { ...vars, ...(test.vars ?? {}) }, schemas);
      if (problem) result.failures.push(`${model.name} › ${test.name}: ${problem}`);
      else result.passed++;
    }
  }
  if (result.failures.length) throw new UnitTestError(`unit tests failed:\n  ${result.failures.join("\n  ")}`);
  return { ...result, rowsOut: result.passed };
}

type Schemas = Map<string, Record<string, string>>; // relation name → column → type

async function probeSchemas(all: Model[], dir: string, config: Config, vars: Record<string, string | number>): Promise<Schemas> {
  const db = await openDb();
  try {
    await prepare(db, all, dir, config, vars);
    const ctx = { rawDir: "/nonexistent", vars };
    for (const m of all) await exec(db, `CREATE OR REPLACE ${m.materialized === "view" ? "VIEW" : "TABLE"} ${m.name} AS ${compile(m, ctx)}`);
    const out: Schemas = new Map();
    const rels = await rows<{ name: string }>(db, "SELECT table_name AS name FROM information_schema.tables");
    for (const { name } of rels) {
      const cols = await rows<{ column_name: string; column_type: string }>(db, `DESCRIBE ${name}`);
      out.set(name, Object.fromEntries(cols.map((c) => [c.column_name, c.column_type])));
    }
    return out;
  } finally {
    db.close();
  }
}

async function prepare(db: Db, all: Model[], dir: string, config: Config, vars: Record<string, string | number>): Promise<void> {
  await exec(db, `SET TimeZone = ${lit(config.business.timezone)}`);
  await registerEmptySources(db, new Set(all.flatMap((m) => m.sources)));
  await registerSeedTables(db, join(dir, "seeds"), new Set(all.flatMap((m) => m.seeds)));
  await registerMacros(db, loadMacros(dir), vars);
}

/** The relation a `given` key names: a model, `source.<entity>` or `seed.<name>`. */
function relationOf(key: string): string {
  if (key.startsWith("source.")) return `src_${key.slice(7)}`;
  if (key.startsWith("seed.")) return `seed_${key.slice(5)}`;
  return key;
}

async function runOne(all: Model[], model: Model, test: UnitTest, dir: string, config: Config, vars: Record<string, string | number>, schemas: Schemas): Promise<string | null> {
  const db = await openDb();
  const tmp = mkdtempSync(join(tmpdir(), "unit-"));
  try {
    await prepare(db, all, dir, config, vars);
    const given = new Set(Object.keys(test.given).map(relationOf));
    for (const [key, data] of Object.entries(test.given)) {
      const rel = relationOf(key);
      const schema = schemas.get(rel);
      if (!schema) return `given ${key}: no such model, source or seed`;
      const file = join(tmp, `${rel}.json`);
      writeFileSync(file, JSON.stringify(data));
      const [kind] = await rows<{ t: string }>(db, `SELECT table_type AS t FROM information_schema.tables WHERE table_name = ${lit(rel)}`);
      if (kind) await exec(db, `DROP ${kind.t === "VIEW" ? "VIEW" : "TABLE"} ${rel}`);
      await exec(db, `CREATE TABLE ${rel} AS SELECT * FROM read_json(${lit(file)}, format = 'array', columns = ${readJsonColumns(schema)})`);
    }
    const ctx = { rawDir: lakePaths(config).raw, vars };
    const upstream = upstreamOf(all, model);
    for (const m of all) {
      if (given.has(m.name) || !(upstream.has(m.name) || m.name === model.name)) continue;
      await exec(db, `CREATE OR REPLACE ${m.materialized === "view" ? "VIEW" : "TABLE"} ${m.name} AS ${compile(m, ctx)}`);
    }
    const columns = [...new Set(test.expect.flatMap((r) => Object.keys(r)))];
    if (columns.length === 0) {
      const n = (await rows<{ n: number }>(db, `SELECT count(*) AS n FROM ${model.name}`))[0]!.n;
      return n === 0 ? null : `expected no rows, got ${n}`;
    }
    const got = await rows(db, `SELECT ${columns.map((c) => `"${c}"::VARCHAR AS "${c}"`).join(", ")} FROM ${model.name}`);
    return compareRows(test.expect, got);
  } catch (err) {
    return `error: ${(err as Error).message}`;
  } finally {
    db.close();
    rmSync(tmp, { recursive: true, force: true });
  }
}

function upstreamOf(all: Model[], model: Model): Set<string> {
  const byName = new Map(all.map((m) => [m.name, m]));
  const out = new Set<string>();
  const walk = (m: Model) => { for (const r of m.refs) if (!out.has(r)) { out.add(r); walk(byName.get(r)!); } };
  walk(model);
  return out;
}

function same(a: unknown, b: unknown): boolean {
  if (a === null || a === undefined || b === null || b === undefined) return (a ?? null) === (b ?? null);
  const x = Number(a), y = Number(b);
  if (typeof a !== "boolean" && typeof b !== "boolean" && String(a).trim() !== "" && String(b).trim() !== "" && !Number.isNaN(x) && !Number.isNaN(y)) {
    return Math.abs(x - y) <= 1e-9 * Math.max(1, Math.abs(x), Math.abs(y));
  }
  return String(a) === String(b);
}

/**
 * Multiset comparison: each expected row matches a distinct produced row on the columns that
 * expected row names; the message shows the first unmatched rows.
 */
export function compareRows(expected: Record<string, unknown>[], got: Record<string, unknown>[]): string | null {
  const remaining = [...got];
  const missing: Record<string, unknown>[] = [];
  for (const e of expected) {
    const i = remaining.findIndex((g) => Object.keys(e).every((c) => same(e[c] ?? null, g[c] ?? null)));
    if (i < 0) missing.push(e); else remaining.splice(i, 1);
  }
  if (!missing.length && !remaining.length) return null;
  const show = (r: Record<string, unknown>[]) => r.slice(0, 3).map((x) => JSON.stringify(x)).join("; ");
  return [missing.length ? `expected but not produced: ${show(missing)}` : "", remaining.length ? `produced but not expected: ${show(remaining)}` : ""].filter(Boolean).join(" | ");
}
