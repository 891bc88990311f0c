/**
 * Runs the model DAG in DuckDB: sources and seeds first, then each model in dependency order.
 * Each built model is checked against its contract (columns, types) and its data tests before a
 * mart is published; failing tests fail the run naming model, column and offending rows. Marts
 * are exported to Parquet and published atomically; incremental marts rewrite only the partitions
 * of days whose raw data changed. Finally data/warehouse.duckdb is rebuilt.
 */
import { join } from "node:path";
import { exec, lit, one, openDb, rows, type Db } from "../core/duckdb.ts";
import { clearStaging } from "../core/atomic.ts";
import type { Config } from "../core/config.ts";
import { martExists, martScan, projectRoot, type Paths } from "../core/paths.ts";
import { addDays } from "../core/clock.ts";
import { ChangeJournal, diffDays, unionDays, upstreamMarts, type Days } from "./changes.ts";
import { steps } from "../core/progress.ts";
import { compile } from "./compile.ts";
import { registerSeedTables, registerSources, sourceRows } from "./inputs.ts";
import { loadMacros, registerMacros } from "./macros.ts";
import type { TestResult } from "../catalog/dataTests.ts";
import { build, checkModel, DataTestError, drop, ModelError } from "./build.ts";
import { buildIncremental, FULL_SINCE, KeyDiffs } from "./incremental.ts";
import { loadProject, topoSort, type Model } from "../catalog/project.ts";
import { lastConsumers, plan, relationKinds } from "./plan.ts";
import { publishIncremental, publishMart } from "./publish.ts";
import { changedDays, fingerprintRaw, modelHashes, readState, upstreamSources, writeState, type TransformState } from "./state.ts";
import { buildWarehouse } from "../lake/warehouse.ts";
import { textTransformVars } from "./vars.ts";

export const TRANSFORMS_DIR = join(projectRoot, "transforms");


/** `rebuilt`: "all", "<n> days" (incremental) or "none" (incremental, nothing changed); `computed`: rows an incremental build's SQL returned. */
export type ModelRun = { model: string; materialized: string; rows: number; seconds: number; rebuilt: string; computed?: number; cpuSeconds?: number };
/** A model that failed (its build, contract or data tests), and the models not built because they depend on it. */
export type ModelFailure = { model: string; reason: string; skipped: string[] };
export type TransformResult = { models: ModelRun[]; tests: TestResult[]; rowsIn: number; rowsOut: number; outputs: string[]; failed: ModelFailure[] };
export { DataTestError, ModelError } from "./build.ts";
export type TransformOptions = { select?: string; dir?: string; fullRefresh?: boolean; publish?: boolean };

/**
 * Some models failed: everything that does not depend on them was built and published (as dbt's
 * `build` does); the message names each failed model, why, and what was skipped because of it.
 */
export class PartialTransformError extends DataTestError {
  constructor(readonly result: TransformResult, failures: TestResult[]) {
    super(failures);
    const skipped = result.failed.flatMap((f) => f.skipped);
    this.message = (`${result.failed.length} model${result.failed.length === 1 ? "" : "s"} failed; ${skipped.length} downstream skipped, every other model published:\n${result.failed.map((f) =>
      `  ${f.model}: ${f.reason.replaceAll("\n", "\n    ")}${f.skipped.length ? `\n    skipped: ${f.skipped.join(", ")}` : ""}`).join("\n")}`);
  }
  /** Marts not published this run (failed or skipped). */
  get unpublished(): string[] {
    return this.result.failed.flatMap((f) => [f.model, ...f.skipped]);
  }
}

export function transformVars(config: Config): Record<string, string | number> {
  return {
    timezone: config.business.timezone,
    open_time: config.business.open,
    close_time: config.business.close,
    service_level_seconds: config.transform.serviceLevelSeconds,
    fcr_window_days: config.transform.fcrWindowDays,
    campaigns_json: JSON.stringify(config.attribution.campaigns),
    churn_label: config.models.churn.label.kind,
    churn_field: config.models.churn.label.kind === "explicit" ? config.models.churn.label.field : "churned",
    churn_horizon_days: config.models.churn.label.kind === "explicit" ? config.models.churn.label.horizonDays : 14,
    churn_inactivity_days: config.models.churn.label.kind === "inactivity" ? config.models.churn.label.days : 90,
    // How far after a snapshot its churn label looks (contact_features' incremental lookback).
    churn_label_days: config.models.churn.label.kind === "inactivity" ? config.models.churn.label.days : config.models.churn.label.horizonDays,
    ...opportunityVars(config),
    ...textTransformVars(config),
    // An incremental build sets it to the first day of the earliest partition it rebuilds (incremental.ts).
    incremental_since: FULL_SINCE,
    // 1 in an incremental build (dbt's is_incremental()), 0 on a full one.
    is_incremental: 0,
  };
}

/** models.opportunity (registered by models/opportunity/config.ts, a layer above): what the opportunity features label. */
function opportunityVars(config: Config): Record<string, string | number> {
  type Section = { outcome: { kind: string; field?: string; topics?: string[]; horizonDays: number }; salesTopics: string[] };
  const o = (config.models as unknown as { opportunity?: Section }).opportunity;
  return {
    opportunity_kind: o?.outcome.kind ?? "field",
    opportunity_field: o?.outcome.field ?? "last-order",
    opportunity_topics: (o?.outcome.topics ?? ["new_order"]).join(","),
    opportunity_horizon_days: o?.outcome.horizonDays ?? 14,
    opportunity_sales_topics: (o?.salesTopics ?? ["pricing", "new_order"]).join(","),
  };
}

export async function runTransforms(config: Config, paths: Paths, opts: TransformOptions = {}): Promise<TransformResult> {
  const dir = opts.dir ?? TRANSFORMS_DIR;
  const publish = opts.publish ?? true;
  const all = topoSort(loadProject(dir));
  const { plan: models, chosen } = plan(all, opts.select);
  const kinds = relationKinds(models);
  const stateFile = join(paths.data, "state", "transform.json");
  const last = readState(stateFile);
  const prev = opts.fullRefresh ? null : last;
  const macros = loadMacros(dir);
  const cur: TransformState = { raw: { ...fingerprintRaw(paths.raw, last?.raw), ...fingerprintRaw(paths.enriched, last?.raw) }, models: modelHashes(all, macros) };

  const staging = join(paths.staging, "transform");
  clearStaging(staging);
  const db = await openDb(":memory:", { threads: "2", temp_directory: join(staging, "spill") });
  const result: TransformResult = { models: [], tests: [], rowsIn: 0, rowsOut: 0, outputs: [], failed: [] };
  // Snapshot models the run's incremental marts are keyed by: their changed keys, this run against the last.
  const keysDir = join(paths.data, "state", "transform-keys");
  const writing = publish ? models.filter((m) => m.materialized === "incremental" && chosen.has(m.name)) : [];
  const keys = new KeyDiffs(db, keysDir, join(staging, "keys"), prev?.keys, writing);
  // Marts some `merge: replace` mart of this run reads: their changed days are diffed and journalled.
  // Every replace mart of the project, not only this run's: a `--select` run journals for the next.
  const needDiff = new Set(publish ? all.filter((m) => m.materialized === "incremental" && m.merge === "replace").flatMap((m) => [...upstreamMarts(all, m)]) : []);
  const journal = publish ? new ChangeJournal(join(paths.data, "state", "transform-changes.json")) : null;
  const testFailures: TestResult[] = [];
  try {
    await exec(db, `SET TimeZone = ${lit(config.business.timezone)}`);
    const sources = new Set(models.flatMap((m) => m.sources));
    await registerSources(db, paths.raw, sources, paths.enriched);
    cur.rows = await sourceRows(db, [paths.raw, paths.enriched], sources, cur.raw, last?.raw, last?.rows);
    result.rowsIn = Object.values(cur.rows).reduce((n, parts) => n + Object.values(parts).reduce((a, b) => a + b, 0), 0);
    await registerSeedTables(db, join(dir, "seeds"), new Set(models.flatMap((m) => m.seeds)));
    await registerMacros(db, macros, transformVars(config));
    const ctx = { rawDir: paths.raw, vars: transformVars(config) };
    // One status line per model as it is built (dbt's "12 of 48 OK …"); a bar on a terminal.
    const work = steps(publish ? "transform" : "test-data", models.length, "model");
    const compiled = (model: Model, since = FULL_SINCE) => compile(model, { ...ctx, vars: { ...ctx.vars, incremental_since: since, is_incremental: since === FULL_SINCE ? 0 : 1 } }).trim().replace(/;\s*$/, "");
    // The days each published mart changed, for the `merge: replace` marts that read it (changes.ts).
    const changedOut = new Map<string, Days>();
    const noteChanged = (name: string) => (days: Days) => {
      journal?.record(name, days);
      changedOut.set(name, days);
    };
    /** A replace mart's days: its sources' changed days, and the days the marts it reads changed (journalled ones too). */
    const replaceDays = (model: Model, lookbackDays: number): Days => {
      const marts = upstreamMarts(all, model);
      let days: Days = changedDays(prev, cur, { ...model, lookbackDays }, upstreamSources(all, model, new Set([...Object.keys(model.keyedBy), ...marts])));
      for (const u of marts) {
        const d = unionDays(changedOut.get(u) ?? "all", journal?.of(u) ?? []);
        if (d === "all") return "all";
        days = unionDays(days, d.flatMap((x) => Array.from({ length: 2 * lookbackDays + 1 }, (_, i) => addDays(x, i - lookbackDays))));
      }
      return days;
    };
    const buildOne = async (model: Model): Promise<void> => {
      const t0 = performance.now();
      const writes = publish && chosen.has(model.name) && (model.materialized === "mart" || model.materialized === "incremental");
      let rebuilt = "all";
      if (model.materialized === "incremental" && writes && martExists(paths, model.name)) {
        const lookbackDays = model.lookbackDays + model.lookbackVars.reduce((n, v) => n + Number(ctx.vars[v] ?? NaN), 0);
        if (!Number.isInteger(lookbackDays)) throw new Error(`${model.file}: lookback_days names a var that is not a whole number (${model.lookbackVars.join(", ")})`);
        const days = model.merge === "replace" ? replaceDays(model, lookbackDays)
          : changedDays(prev, cur, { ...model, lookbackDays }, upstreamSources(all, model, new Set(Object.keys(model.keyedBy))));
        const keyed = keys.changedFor(model);
        if (days !== "all" && keyed) {
          const delta = await buildIncremental(db, model, (since) => compiled(model, since), days, keyed, paths, staging, result.tests,
            needDiff.has(model.name) ? noteChanged(model.name) : undefined);
          const seconds = (performance.now() - t0) / 1000;
          if (!delta) {
            changedOut.set(model.name, []);
            result.models.push({ model: model.name, materialized: model.materialized, rows: 0, seconds, rebuilt: "none", computed: 0 });
            work.done(`${model.materialized} ${model.name}`, { seconds, note: "incremental: nothing changed, nothing rebuilt" });
            return;
          }
          rebuilt = `${days.length} days`;
          result.rowsOut += delta.rows;
          result.outputs.push(join(paths.marts, model.name));
          result.models.push({ model: model.name, materialized: model.materialized, rows: delta.rows, seconds, rebuilt, computed: delta.computed });
          const keys = delta.keys ? `, ${delta.keys} key${delta.keys === 1 ? "" : "s"}` : "";
          work.done(`${model.materialized} ${model.name}`, { rows: delta.rows, seconds, note: `incremental: ${rebuilt}${keys} changed, since ${delta.since}, ${delta.partitions.length} partition${delta.partitions.length === 1 ? "" : "s"} written` });
          return;
        }
      }
      const kind = kinds.get(model.name)!;
      await build(db, model, kind, compiled(model));
      if (keys.models.has(model.name)) await keys.afterBuild(model.name);
      const tests = await checkModel(db, model);
      result.tests.push(...tests);
      let rows = 0;
      if (kind === "TABLE") rows = (await one<{ n: number }>(db, `SELECT count(*) AS n FROM ${model.name}`)).n;
      if (writes) {
        if (needDiff.has(model.name)) noteChanged(model.name)(await diffDays(db, model, model.name, martExists(paths, model.name) ? martScan(paths, model.name) : null));
        result.outputs.push(await publishMart(db, model, paths.marts, join(staging, "marts")));
        result.rowsOut += rows;
      }
      result.models.push({ model: model.name, materialized: model.materialized, rows, seconds: (performance.now() - t0) / 1000, rebuilt });
      work.done(`${model.materialized === "view" && kind === "TABLE" ? "table" : model.materialized} ${model.name}`, { rows: kind === "VIEW" ? undefined : rows, seconds: (performance.now() - t0) / 1000 });
    };
    const lastUse = lastConsumers(models, kinds);
    const blocked = new Map<string, string>(); // model → the failed model it depends on
    for (const [index, model] of models.entries()) {
      const t0 = performance.now();
      const cause = model.refs.map((r) => blocked.get(r)).find((x) => x !== undefined);
      if (cause !== undefined) {
        blocked.set(model.name, cause);
        result.failed.find((f) => f.model === cause)!.skipped.push(model.name);
        work.done(`${model.materialized} ${model.name}`, { status: "SKIP", note: `depends on ${cause}, which failed` });
        continue;
      }
      work.start(model.name);
      const cpu0 = process.cpuUsage();
      try {
        await buildOne(model);
        const cpu = process.cpuUsage(cpu0);
        const done = result.models.find((m) => m.model === model.name);
        if (done) done.cpuSeconds = (cpu.user + cpu.system) / 1e6;
      } catch (err) {
        if (!(err instanceof ModelError)) throw err;
        blocked.set(model.name, model.name);
        if (err instanceof DataTestError) testFailures.push(...err.failures);
        result.failed.push({ model: model.name, reason: err.message, skipped: [] });
        await drop(db, model.name);
        work.done(`${model.materialized} ${model.name}`, { status: "FAIL", seconds: (performance.now() - t0) / 1000, note: err.message.split("\n")[0] });
      }
      // A table no later model reads is dropped now, not kept in memory to the end of the run.
      for (const name of lastUse.get(index) ?? []) {
        const m = models.find((x) => x.name === name)!;
        if (kinds.get(name) === "TABLE" && !blocked.has(name)) await drop(db, name);
      }
    }
    work.stop();
  } finally {
    db.close();
  }
  if (publish) {
    result.outputs.push(await buildWarehouse(paths, join(staging, "warehouse.duckdb")));
    // A model that failed or was skipped is rebuilt whole next run (its partitions did not see this run's data).
    for (const name of result.failed.flatMap((f) => [f.model, ...f.skipped])) cur.models[name] = "failed";
    if (!opts.select) {
      cur.keys = keys.commit();
      writeState(stateFile, cur);
      journal?.clear();
      keys.prune(cur.keys);
    }
  }
  clearStaging(staging);
  if (result.failed.length) throw new PartialTransformError(result, testFailures);
  return result;
}
