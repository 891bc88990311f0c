/**
 * The pipeline's stages as the CLI runs them: each records itself in the run ledger and prints
 * what it read, what it wrote and where. Stages meet only through data on disk.
 */
import { existsSync } from "node:fs";
import type { Config } from "../core/config.ts";
import type { Run } from "../core/ledger.ts";
import { lakePaths } from "../core/paths.ts";
import { progressBar, say, stageProgress } from "../core/progress.ts";
import type { IngestOptions } from "../extract/sources.ts";
import type { Stage } from "../catalog/datasets.ts";
import { applyDuckDbConfig } from "../transform/resources.ts";
import { today } from "../core/clock.ts";

/** The lake paths, with every DuckDB database the stage opens bounded by the config (memory limit, spill folder). */
function bounded(config: Config) {
  const paths = lakePaths(config);
  applyDuckDbConfig(config, paths);
  return paths;
}

/** A stage's run under the ledger, with an elapsed-time bar on a terminal while it runs. */
function staged<T>(run: Run, name: string, fn: () => Promise<T>): Promise<T & object> {
  const p = stageProgress(name);
  return run.stage(name, fn as () => Promise<T & object>).finally(() => p.stop()) as Promise<T & object>;
}
const fmt = (n: number) => n.toLocaleString("en-US");

export async function generate(run: Run, config: Config, out?: string, emitUntil?: string): Promise<void> {
  const paths = bounded(config);
  const { generateDemo } = await import("../sources/demo/generate.ts");
  const outDir = out ?? paths.demoSource;
  const bar = progressBar("generate");
  const result = await run.stage("generate", async () => {
    const r = await generateDemo({
      outDir, scale: config.demo.scale, seed: config.demo.seed, endDate: config.demo.endDate, years: config.demo.years,
      timezone: config.business.timezone, open: config.business.open, close: config.business.close,
      businessName: config.business.name, onProgress: bar.update, ...(emitUntil === undefined ? {} : { emitUntil }),
    });
    bar.stop();
    const rowsOut = Object.values(r.counts).reduce((a, b) => a + b, 0);
    const counts = Object.fromEntries(Object.entries(r.counts).map(([entity, n]) => [entity, { written: n }]));
    return { outDir: r.outDir, manifestPath: r.manifestPath, written: r.counts, rowsOut, counts, outputs: [r.outDir, r.manifestPath] };
  });
  say(`generated ${config.demo.scale} demo (seed ${config.demo.seed}${emitUntil === undefined ? "" : `, up to ${emitUntil}`}): ${Object.entries(result.written).map(([k, v]) => `${k} ${fmt(v)}`).join(", ")}`);
  say(`  wrote ${result.outDir}`);
  say(`  truths ${result.manifestPath}`);
}

export async function extract(run: Run, config: Config, input?: string, source?: IngestOptions): Promise<void> {
  bounded(config);
  if (source) return (await import("../extract/sources.ts")).extractIncremental(run, config, source);
  // No folder named: every configured source, each merged by key (the graph's and the schedule's extract).
  if (!input) {
    await (await import("../extract/sources.ts")).extractConfigured(run, config);
    return;
  }
  const paths = bounded(config);
  const { extractFiles } = await import("../extract/index.ts");
  const { quarantineVerdict } = await import("../extract/sources.ts");
  const { conflictLine } = await import("../lake/report.ts");
  const sourceDir = input ?? paths.demoSource;
  await staged(run, "extract", async () => {
    if (!existsSync(sourceDir)) throw new Error(`source directory ${sourceDir} does not exist (run \`commsight generate\` first, or pass --input)`);
    // Lands everything good first; --strict judges the quarantine after the summary, as every other extract path does.
    const r = await extractFiles(paths, sourceDir, undefined, { strict: false });
    const counts = Object.fromEntries(r.entities.map((e) => [e.entity, {
      read: e.read, landed: e.landed, updated: e.updated, quarantined: e.quarantined, ...(e.conflicts ? { conflicts: e.conflicts } : {}),
    }]));
    say(`extracted ${sourceDir}`);
    say(`  ${"entity".padEnd(18)} ${"read".padStart(10)} ${"landed".padStart(10)} ${"updated".padStart(9)} ${"quarantined".padStart(12)}`);
    for (const e of r.entities) {
      say(`  ${e.entity.padEnd(18)} ${fmt(e.read).padStart(10)} ${fmt(e.landed).padStart(10)} ${fmt(e.updated).padStart(9)} ${fmt(e.quarantined).padStart(12)}`);
    }
    say(`  wrote ${paths.raw}`);
    for (const e of r.entities) if (e.quarantineFile) say(`  quarantine ${e.quarantineFile}`);
    for (const q of r.quarantined.slice(0, 5)) say(`  quarantined ${q.file}:${q.line} ${q.reason}`);
    if (r.quarantined.length > 5) say(`  … and ${fmt(r.quarantined.length - 5)} more (see the quarantine files)`);
    for (const n of r.notes) say(`  ${n}`);
    const conflicts = conflictLine(r.entities);
    if (conflicts) say(`  ${conflicts}`);
    const strict = quarantineVerdict(r.quarantined);
    if (strict) throw new Error(strict);
    return { ...r, counts };
  });
}

export async function enrich(run: Run, config: Config): Promise<void> {
  const paths = bounded(config);
  const { runEnrich } = await import("../enrich/run.ts");
  const r = await staged(run, "enrich", () => runEnrich(config, paths));
  const d = r.days;
  const gone = d.removed ? `; ${fmt(d.removed)} days without raw texts removed` : "";
  if (d.analysed === 0) say(`enrich: nothing changed (${fmt(d.unchanged)} days unchanged${gone})`);
  else {
    say(`enriched ${fmt(r.rowsIn)} raw texts (${fmt(d.analysed)} days ${d.full ? "analysed, a full run" : "re-analysed"}, ${fmt(d.unchanged)} unchanged${gone}) in ${r.seconds.toFixed(1)} s: PII redacted ${Object.entries(r.pii).map(([k, v]) => `${k} ${fmt(v)}`).join(", ")}`);
    say(`  calls: ${fmt(r.analysedCalls)} transcripts analysed, ${fmt(r.optedOutCalls)} of opted-out contacts left alone${r.classifier ? `; classifier: ${r.classifier}` : ""}`);
  }
  for (const e of r.entities) if (e.rows || e.removed) say(`  enriched ${e.name.padEnd(18)} ${fmt(e.rows).padStart(10)} rows in ${fmt(e.partitions)} day partitions${e.removed ? `, ${fmt(e.removed)} removed` : ""}`);
  say(`  wrote ${paths.enriched}`);
}

export async function transform(run: Run, config: Config, opts: { select?: string; fullRefresh?: boolean } = {}): Promise<void> {
  const paths = bounded(config);
  const { runTransforms } = await import("../transform/run.ts");
  const r = await staged(run, "transform", () => runTransforms(config, paths, opts));
  const marts = r.models.filter((m) => m.materialized === "mart" || m.materialized === "incremental");
  // Each model's rows and seconds were printed as it was built (one status line each); here the totals.
  say(`transformed ${r.models.length} models, ${marts.length} marts (${fmt(r.rowsIn)} raw rows in, ${fmt(r.rowsOut)} mart rows out), ${r.tests.length} data tests passed`);
  say(`  wrote ${paths.marts}`);
  say(`  wrote ${paths.warehouse}`);
}

export async function testData(run: Run, config: Config, opts: { select?: string; unit?: boolean }): Promise<void> {
  const paths = bounded(config);
  const { runTransforms } = await import("../transform/run.ts");
  const r = await run.stage("test-data", () => runTransforms(config, paths, { select: opts.select, publish: false }).then((x) => ({ ...x, rowsOut: x.tests.length })));
  say(`${r.tests.length} data tests passed on ${r.models.length} models`);
  if (opts.unit) {
    const { runUnitTests } = await import("../transform/unitTests.ts");
    const u = await run.stage("unit-tests", () => runUnitTests(config, { select: opts.select }));
    say(`${u.passed} unit tests passed`);
  }
}

export async function train(run: Run, config: Config, which: "churn" | "forecast" | "all"): Promise<void> {
  const paths = bounded(config);
  const served = (r: { version: string; serving: string; promoted: boolean; reason: string }) =>
    r.promoted ? `promoted (${r.reason})` : `not promoted, ${r.serving} keeps serving (${r.reason})`;
  if (which === "churn" || which === "all") {
    const { trainChurn } = await import("../../models/churn/index.ts");
    const r = await staged(run, "train-churn", () => trainChurn(config));
    const m = r.metrics;
    if (!r.trained) say(`scored ${fmt(r.rowsOut)} contacts with serving churn model ${r.serving} (no retrain: ${r.reason})`);
    else say(`trained churn model ${r.version}: ${served(r)}`);
    say(`  ${r.trained ? "" : "serving model's "}test ${m.testSnapshots.join(" … ")} (${fmt(m.nTest)} contact-weeks, churn within ${m.labelWindowDays} days): ROC AUC ${num(m.rocAuc)}, PR AUC ${num(m.prAuc)}, Brier ${num(m.brier, 4)}, lift top decile ${num(m.liftTopDecile, 2)}`);
    for (const o of r.outputs) say(`  wrote ${o}`);
  }
  if (which === "forecast" || which === "all") {
    const { trainForecast } = await import("../../models/forecast/index.ts");
    const r = await staged(run, "train-forecast", () => trainForecast(config));
    const m = r.metrics;
    if (!r.trained) say(`forecast ${config.models.forecast.horizonDays} days with serving forecast model ${r.serving}, score only (no retrain: ${r.reason})`);
    else say(`trained forecast model ${r.version}: ${served(r)}`);
    const of = r.trained ? "" : "serving model's ";
    say(`  ${of}daily backtest:    MASE ${num(m.mase)} (seasonal naive ${num(m.naiveMase)}), coverage 80% ${num(m.coverage80, 2)}, 95% ${num(m.coverage95, 2)}`);
    say(`  ${of}intraday backtest: MASE ${num(m.intervalMase)} (seasonal naive ${num(m.intervalNaiveMase)}), coverage 80% ${num(m.intervalCoverage80, 2)}, 95% ${num(m.intervalCoverage95, 2)}`);
    say(`  staffing: ${fmt(r.staffing.rows)} interval plans (handle times from ${r.staffing.ahtSource}; Erlang A for ${r.staffing.linesWithPatience.join(", ") || "no line"})`);
    for (const o of r.outputs) say(`  wrote ${o}`);
  }
  const { buildWarehouse } = await import("../lake/warehouse.ts");
  await buildWarehouse(paths);
  say(`  updated ${paths.warehouse}`);
}

export async function trainOpportunity(run: Run, config: Config): Promise<void> {
  const paths = bounded(config);
  const { trainOpportunity: trainIt } = await import("../../models/opportunity/index.ts");
  const r = await run.stage("train-opportunity", () => trainIt(config));
  const m = r.metrics;
  if (!r.trained) say(`scored ${fmt(r.rowsOut)} contacts with serving opportunity model ${r.serving} (no retrain: ${r.reason})`);
  else say(`trained opportunity model ${r.version}: ${r.promoted ? `promoted (${r.reason})` : `not promoted, ${r.serving} keeps serving (${r.reason})`}`);
  say(`  test ${m.testSnapshots.join(" … ")} (${fmt(m.nTest)} contact-weeks, ${fmt(m.positivesTest)} positive within ${m.labelWindowDays} days): ROC AUC ${num(m.rocAuc)}, PR AUC ${num(m.prAuc)}, lift top decile ${num(m.liftTopDecile, 2)}`);
  for (const o of r.outputs) say(`  wrote ${o}`);
  const { buildWarehouse } = await import("../lake/warehouse.ts");
  await buildWarehouse(paths);
}

export async function outreach(run: Run, config: Config): Promise<void> {
  const paths = bounded(config);
  const { buildOutreach } = await import("../../models/opportunity/outreach.ts");
  const r = await run.stage("outreach", () => buildOutreach(config));
  say(`outreach for the week of ${r.weekStart}: ${fmt(r.listed)} contacts to call, ${fmt(r.heldOut)} held out for comparison${r.backfilledWeeks ? ` (history empty: ${r.backfilledWeeks} earlier weeks backfilled from the models)` : ""}`);
  for (const o of r.outputs) say(`  wrote ${o}`);
  const { buildWarehouse } = await import("../lake/warehouse.ts");
  await buildWarehouse(paths);
}

export async function report(run: Run, config: Config): Promise<void> {
  bounded(config);
  const { pipelineReports } = await import("../../reports/publish/pipeline.ts");
  const r = await staged(run, "report", async () => {
    const out = await pipelineReports(config);
    return { ...out, rowsOut: out.leadership.rows + out.staffing.rows, outputs: [...out.leadership.files, ...out.staffing.files, ...out.coaching.files, out.alias] };
  });
  say(`rendered the weekly leadership report for ${r.leadership.period.start} – ${r.leadership.period.end} (${(r.leadership.ms / 1000).toFixed(1)} s)`);
  say(`  wrote ${r.leadership.pdf}`);
  say(`  wrote ${r.alias}`);
  say(`rendered the staffing plan for ${r.staffing.period.start} – ${r.staffing.period.end}`);
  say(`  wrote ${r.staffing.pdf}`);
  if (r.staffing.csv) say(`  wrote ${r.staffing.csv}`);
  say(`rendered the coaching report for ${r.coaching.period.start} – ${r.coaching.period.end}`);
  say(`  wrote ${r.coaching.pdf}`);
  for (const d of [...r.leadership.delivered, ...r.staffing.delivered, ...r.coaching.delivered]) say(`  e-mail ${d.destination}: ${d.status}`);
}

/** Retention as of a day (default today, UTC): every expired partition deleted and ledgered. */
export async function retention(run: Run, config: Config, opts: { dryRun?: boolean; asOf?: string } = {}): Promise<void> {
  const paths = bounded(config);
  const { applyRetention, describePlan, planRetention } = await import("../retention/retention.ts");
  const dryRun = Boolean(opts.dryRun);
  // COMMSIGHT_TODAY (YYYY-MM-DD) freezes the clock for simulated nights (core/clock.ts).
  const asOf = opts.asOf ?? today();
  const plan = await planRetention(config, paths, asOf);
  const verb = dryRun ? "would delete" : "deleted";
  // The ledger lists every partition that went (or would go), with its rows and the purpose that let it go.
  const lines = plan.expired.map((e) => `${verb} ${e.zone}/${e.entity}/date=${e.date}: ${e.rows} rows (${e.purpose}, ${e.days} days)`);
  const rowsOut = plan.expired.reduce((a, e) => a + e.rows, 0);
  await run.stage(dryRun ? "retention-dry-run" : "retention", async () => {
    if (!dryRun) applyRetention(plan, paths);
    return { rowsIn: rowsOut, rowsOut: dryRun ? 0 : rowsOut, outputs: lines };
  });
  for (const line of describePlan(plan, dryRun)) say(line);
  if (!dryRun && plan.expired.length) say("  the next transform rebuilds the marts of the affected days");
}

/** The alert rules as of the last day of data; actions sent at most once. */
export async function alerts(run: Run, config: Config, opts: { date?: string; dryRun?: boolean } = {}): Promise<void> {
  bounded(config);
  const { runAlerts } = await import("../../reports/rules/run.ts");
  const { printAlertsRun } = await import("../../reports/rules/print.ts");
  const r = await run.stage("alerts", async () => {
    const out = await runAlerts(config, { date: opts.date, dryRun: Boolean(opts.dryRun) });
    return { ...out, rowsOut: out.fired.length };
  });
  printAlertsRun(r, Boolean(opts.dryRun));
  if (r.outcomes.some((o) => o.status === "failed")) throw new Error("some alert actions failed; the next run retries them");
}

/**
 * Run stages of the graph in-process, in the order given (resolveSelection gives dependency order).
 * When transform publishes all but some marts (a model failed its build, contract or data tests),
 * the run goes on: a stage that reads a mart not published this run (or anything a skipped stage
 * produces) is skipped, and recorded in the ledger as skipped with the reason; every other stage
 * runs. The run then fails naming what failed and what was skipped.
 */
export async function runStages(run: Run, config: Config, stageNames: Stage[], opts: { input?: string } = {}): Promise<void> {
  const runners: Record<Stage, () => Promise<void>> = {
    extract: () => extract(run, config, opts.input),
    enrich: () => enrich(run, config),
    retention: () => retention(run, config),
    transform: () => transform(run, config),
    "train-churn": () => train(run, config, "churn"),
    "train-forecast": () => train(run, config, "forecast"),
    "train-opportunity": () => trainOpportunity(run, config),
    outreach: () => outreach(run, config),
    report: () => report(run, config),
    alerts: () => alerts(run, config),
  };
  const { stageGraph } = await import("./graph.ts");
  const { StageFreshness } = await import("./freshness.ts");
  const graph = stageGraph();
  const fresh = new StageFreshness(config);
  const unpublished = new Set<string>();
  const problems: string[] = [];
  for (const s of stageNames) {
    const node = graph.get(s)!;
    const missing = node.reads.filter((r) => unpublished.has(r));
    if (missing.length) {
      const why = `reads ${missing.join(", ")}, not published this run`;
      run.skip(s, why);
      fresh.forget(s);
      for (const d of node.produces) unpublished.add(d);
      problems.push(`${s} skipped: ${why}`);
      say(`${s} skipped: ${why}`);
      continue;
    }
    // Nothing it reads, writes or is configured by changed since it last succeeded: it would do the same again.
    const f = fresh.check(node);
    if (f.skip) {
      run.skip(s, `unchanged since run ${f.since.runId} (${f.since.at}): its inputs, outputs, settings and code are as they were`);
      say(`${s}: nothing changed since ${f.since.at} (run ${f.since.runId.slice(0, 8)}); skipped`);
      continue;
    }
    try {
      await runners[s]();
      fresh.record(node, run.runId);
    } catch (err) {
      fresh.forget(s);
      const { PartialTransformError } = await import("../transform/run.ts");
      if (!(err instanceof PartialTransformError)) throw err;
      for (const m of err.unpublished) unpublished.add(`marts.${m}`);
      problems.push(`transform: ${err.message}`);
      say(`transform: ${err.message}`);
    }
  }
  if (problems.length) throw new Error(`the run published everything that does not depend on a failed model; not published:\n${problems.map((p) => `  ${p}`).join("\n")}`);
}

const num = (v: number | null, digits = 3) => (v === null || !Number.isFinite(v) ? "n/a" : v.toFixed(digits));
