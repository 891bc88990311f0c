/**
 * The SQL model project under transforms/: one model per .sql file, layered by folder
 * (staging → intermediate → marts), dependencies read from `{{ ref('model') }}`,
 * `{{ source('entity') }}` and `{{ seed('name') }}` in the SQL, and built into a DAG.
 */
import { readdirSync, readFileSync, statSync } from "node:fs";
import { basename, join, relative } from "node:path";
import { loadContract, type Contract } from "./contract.ts";

export type Materialization = "view" | "table" | "mart" | "incremental";
export type Model = {
  name: string;
  file: string;
  layer: string;
  materialized: Materialization;
  sql: string;
  refs: string[];
  sources: string[];
  seeds: string[];
  /** `-- partition_by: col` in the file: the mart's Parquet is hive-partitioned by that column. */
  partitionBy: string | null;
  /** The contract beside the SQL file (`<model>.yml`), if there is one. */
  contract: Contract | null;
  /** An incremental mart: how far a changed day reaches (`incremental.lookback_days` in its .yml). */
  lookbackDays: number;
  /** Transform vars added to lookbackDays at run time (`lookback_days: [churn_horizon_days, 7]`). */
  lookbackVars: string[];
  /** An incremental mart: snapshot models whose changed keys rebuild only the partitions holding those keys. */
  keyedBy: Record<string, string>;
  /** An incremental mart: how a changed key reaches older partitions (`incremental.merge`: key or partition). */
  merge: "key" | "partition" | "replace";
};

/** Materialization is set per folder, not per file (as dbt projects do). */
const LAYERS: Record<string, Materialization> = { staging: "view", intermediate: "table", marts: "mart" };

const REF = /\{\{\s*ref\(\s*['"]([\w]+)['"]\s*\)\s*\}\}/g;
const SOURCE = /\{\{\s*source\(\s*['"]([\w]+)['"]\s*\)\s*\}\}/g;
const SEED = /\{\{\s*seed\(\s*['"]([\w]+)['"]\s*\)\s*\}\}/g;

export class ProjectError extends Error {}

export function loadProject(dir: string): Model[] {
  const models: Model[] = [];
  for (const [layer, materialized] of Object.entries(LAYERS)) {
    const layerDir = join(dir, layer);
    let files: string[] = [];
    try { files = walk(layerDir).filter((f) => f.endsWith(".sql")); } catch { continue; }
    for (const file of files.sort()) {
      const sql = readFileSync(file, "utf8");
      const contract = loadContract(file);
      const declared = contract?.incremental;
      const partition = declared ? declared.partition_by : /^--\s*partition_by:\s*(\w+)/m.exec(sql)?.[1];
      const incremental = declared !== undefined || /^--\s*materialized:\s*incremental\b/m.test(sql);
      if (incremental && (layer !== "marts" || !partition)) {
        throw new ProjectError(`${relative(dir, file)}: an incremental model must be a mart with a partition_by column`);
      }
      models.push({
        name: basename(file, ".sql"), file: relative(dir, file), layer, materialized: incremental ? "incremental" : materialized, sql,
        contract, ...lookback(declared?.lookback_days ?? 0), keyedBy: declared?.keyed_by ?? {}, merge: declared?.merge ?? "partition",
        refs: unique([...sql.matchAll(REF)].map((m) => m[1]!)),
        sources: unique([...sql.matchAll(SOURCE)].map((m) => m[1]!)),
        seeds: unique([...sql.matchAll(SEED)].map((m) => m[1]!)),
        partitionBy: partition ?? null,
      });
    }
  }
  const seen = new Map<string, string>();
  for (const m of models) {
    const prior = seen.get(m.name);
    if (prior) throw new ProjectError(`two models are named ${m.name}: ${prior} and ${m.file}`);
    seen.set(m.name, m.file);
  }
  return models;
}

/** Models in dependency order; missing references and cycles are errors naming the models. */
export function topoSort(models: Model[]): Model[] {
  const byName = new Map(models.map((m) => [m.name, m]));
  for (const m of models) {
    for (const r of m.refs) {
      if (!byName.has(r)) throw new ProjectError(`${m.file} refers to ref('${r}'), which is no model in transforms/`);
    }
  }
  const order: Model[] = [];
  const state = new Map<string, "visiting" | "done">();
  const visit = (m: Model, path: string[]) => {
    const s = state.get(m.name);
    if (s === "done") return;
    if (s === "visiting") throw new ProjectError(`dependency cycle: ${[...path.slice(path.indexOf(m.name)), m.name].join(" → ")}`);
    state.set(m.name, "visiting");
    for (const r of m.refs) visit(byName.get(r)!, [...path, m.name]);
    state.set(m.name, "done");
    order.push(m);
  };
  for (const m of [...models].sort((a, b) => a.name.localeCompare(b.name))) visit(m, []);
  return order;
}

/** `model+` selects a model and everything downstream; `+model` it and everything upstream. */
export function select(models: Model[], selector?: string): Model[] {
  if (!selector) return models;
  const names = new Set<string>();
  for (const part of selector.split(/[\s,]+/).filter(Boolean)) {
    const down = part.endsWith("+");
    const up = part.startsWith("+");
    const name = part.replace(/^\+|\+$/g, "");
    if (!models.some((m) => m.name === name)) throw new ProjectError(`--select ${part}: no model named ${name}`);
    names.add(name);
    if (down) for (const n of closure(models, name, (m) => models.filter((x) => x.refs.includes(m.name)))) names.add(n);
    if (up) for (const n of closure(models, name, (m) => models.filter((x) => m.refs.includes(x.name)))) names.add(n);
  }
  return models.filter((m) => names.has(m.name));
}

function closure(models: Model[], start: string, next: (m: Model) => Model[]): string[] {
  const out: string[] = [];
  const queue = [models.find((m) => m.name === start)!];
  while (queue.length) {
    for (const n of next(queue.shift()!)) {
      if (!out.includes(n.name)) { out.push(n.name); queue.push(n); }
    }
  }
  return out;
}

function walk(dir: string): string[] {
  return readdirSync(dir).flatMap((f) => {
    const p = join(dir, f);
    return statSync(p).isDirectory() ? walk(p) : [p];
  });
}
const unique = <T>(xs: T[]) => [...new Set(xs)];

function lookback(declared: number | string | (number | string)[]): { lookbackDays: number; lookbackVars: string[] } {
  const parts = Array.isArray(declared) ? declared : [declared];
  return {
    lookbackDays: parts.filter((p): p is number => typeof p === "number").reduce((a, b) => a + b, 0),
    lookbackVars: parts.filter((p): p is string => typeof p === "string"),
  };
}
