/**
 * `npm run bench transform`: what the transform framework costs over bare DuckDB running the same
 * SQL. In one process, alternately (framework, bare, bare + COPY; again), over the same lake:
 *
 * - bare: one in-memory DuckDB with the run's settings (the configured memory limit and spill folder,
 *   2 threads, the business time zone, the macros, the sources as views over the lake, the seeds),
 *   then `CREATE TABLE <model> AS <compiled SQL>` for every model in dependency order — and, as a
 *   second figure, the same plus `COPY` of every mart to Parquet (what publishing must write anyway);
 * - framework: `runTransforms(…, { fullRefresh: true })`: contracts, every data test, the marts
 *   published to Parquet, tables dropped after their last reader, and the warehouse catalog.
 *
 * CPU is the process's user + system time (every DuckDB thread) over each run; the ratio is the
 * framework's mean over the bare mean. Peak RSS is the process's high-water mark after each phase.
 *
 * Lakes: small — `BENCH_TRANSFORM_DATA` (a data folder with lake/raw and lake/enriched), else one built
 * in data/tmp/bench-transform-small (generate, extract, enrich at scale small, seed 42; kept for the
 * next run). Medium — when /work/main/data/tmp/lead/medium/data/lake (or `BENCH_TRANSFORM_MEDIUM`) has
 * raw and enriched, they are hard-linked read-only into data/tmp/bench-transform-medium. `BENCH_ROUNDS`
 * (default 2) sets the rounds; `BENCH_TRANSFORM_SCALES` (default small,medium) the lakes.
 */
import { spawnSync } from "node:child_process";
import { existsSync, mkdirSync, rmSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import type { Bench, BenchFigure } from "./index.ts";
import { parseConfig, type Config } from "../../pipelines/core/config.ts";
import { exec, lit, openDb } from "../../pipelines/core/duckdb.ts";
import { lakePaths, sourceRelation, type Paths } from "../../pipelines/core/paths.ts";
import { loadProject, topoSort } from "../../pipelines/catalog/project.ts";
import { compile } from "../../pipelines/transform/compile.ts";
import { createEmptySource, registerSeedTables } from "../../pipelines/transform/inputs.ts";
import { loadMacros, registerMacros } from "../../pipelines/transform/macros.ts";
import { applyDuckDbConfig } from "../../pipelines/transform/resources.ts";
import { runTransforms, TRANSFORMS_DIR, transformVars } from "../../pipelines/transform/run.ts";

const ROOT = join(import.meta.dirname, "..", "..");
const CLI = join(ROOT, "pipelines", "bin", "commsight.mjs");
const LEAD_MEDIUM = "/work/main/data/tmp/lead/medium/data/lake";

const cpu = () => { const u = process.cpuUsage(); return (u.user + u.system) / 1e6; };
const rssMiB = () => process.resourceUsage().maxRSS / 1024;
const round = (v: number, d = 2) => Number(v.toFixed(d));

/** Every model's compiled SQL as a table, in dependency order, in a fresh DuckDB; with `copy`, each mart to Parquet too. */
async function bare(config: Config, paths: Paths, out: string, copy: boolean): Promise<void> {
  const models = topoSort(loadProject(TRANSFORMS_DIR));
  rmSync(out, { recursive: true, force: true });
  mkdirSync(out, { recursive: true });
  const db = await openDb(":memory:", { threads: "2", temp_directory: join(out, "spill") });
  try {
    const vars = transformVars(config);
    await exec(db, `SET TimeZone = ${lit(config.business.timezone)}`);
    for (const name of new Set(models.flatMap((m) => m.sources))) {
      const rel = sourceRelation(paths.raw, name) ?? sourceRelation(paths.enriched, name);
      if (rel) await exec(db, `CREATE VIEW src_${name} AS SELECT * FROM ${rel}`);
      else await createEmptySource(db, name);
    }
    await registerSeedTables(db, join(TRANSFORMS_DIR, "seeds"), new Set(models.flatMap((m) => m.seeds)));
    await registerMacros(db, loadMacros(TRANSFORMS_DIR), vars);
    for (const m of models) {
      await exec(db, `CREATE TABLE ${m.name} AS\n${compile(m, { rawDir: paths.raw, vars }).trim().replace(/;\s*$/, "")}`);
      if (copy && (m.materialized === "mart" || m.materialized === "incremental")) {
        await exec(db, m.partitionBy
          ? `COPY ${m.name} TO ${lit(join(out, m.name))} (FORMAT parquet, COMPRESSION zstd, PARTITION_BY (${m.partitionBy}), FILENAME_PATTERN 'part-{i}', OVERWRITE_OR_IGNORE true)`
          : `COPY ${m.name} TO ${lit(join(out, `${m.name}.parquet`))} (FORMAT parquet, COMPRESSION zstd)`);
      }
    }
  } finally {
    db.close();
    rmSync(out, { recursive: true, force: true });
  }
}

function cli(args: string[]): void {
  const r = spawnSync(process.execPath, [CLI, "--quiet", ...args], { cwd: ROOT, encoding: "utf8", maxBuffer: 1 << 28 });
  if (r.status !== 0) throw new Error(`commsight ${args.join(" ")} exited ${r.status}:\n${(r.stderr ?? "").slice(-3000)}`);
}

/** The small lake: BENCH_TRANSFORM_DATA, or generate + extract + enrich once into data/tmp/bench-transform-small. */
function smallLake(): string {
  if (process.env.BENCH_TRANSFORM_DATA) return process.env.BENCH_TRANSFORM_DATA;
  const dir = join(ROOT, "data", "tmp", "bench-transform-small");
  const data = join(dir, "data");
  if (existsSync(join(data, "lake", "enriched"))) return data;
  mkdirSync(dir, { recursive: true });
  const config = join(dir, "commsight.config.yaml");
  writeFileSync(config, "demo: { scale: small, seed: 42 }\n");
  for (const step of [["generate"], ["extract"], ["enrich"]]) cli(["--config", config, "--data", data, ...step]);
  return data;
}

/** The medium lake, hard-linked (read-only use) from the lead's medium run, or null when it is not there yet. */
function mediumLake(): string | null {
  const from = process.env.BENCH_TRANSFORM_MEDIUM ?? LEAD_MEDIUM;
  if (!existsSync(join(from, "raw")) || !existsSync(join(from, "enriched"))) return null;
  const data = join(ROOT, "data", "tmp", "bench-transform-medium", "data");
  rmSync(join(data, ".."), { recursive: true, force: true });
  mkdirSync(join(data, "lake"), { recursive: true });
  for (const layer of ["raw", "enriched"]) {
    const r = spawnSync("cp", ["-al", join(from, layer), join(data, "lake", layer)]);
    if (r.status !== 0) throw new Error(`cp -al ${from}/${layer} failed: ${r.stderr}`);
  }
  return data;
}

async function measure(scale: string, data: string): Promise<BenchFigure[]> {
  const config = parseConfig({ paths: { data }, demo: { scale, seed: 42 } });
  const paths = lakePaths(config);
  applyDuckDbConfig(config, paths);
  const rounds = Number(process.env.BENCH_ROUNDS ?? 2);
  const t = { bare: [] as number[], bareCopy: [] as number[], framework: [] as number[] };
  const rss = { bare: 0, framework: 0 };
  const scratch = join(paths.staging, "bench-bare");
  for (let i = 0; i < rounds; i++) {
    // The framework first: the process's high-water mark after round 1's framework run is its own.
    let c = cpu();
    await runTransforms(config, paths, { fullRefresh: true });
    t.framework.push(cpu() - c);
    if (i === 0) rss.framework = rssMiB();
    c = cpu();
    await bare(config, paths, scratch, false);
    t.bare.push(cpu() - c);
    rss.bare = Math.max(rss.bare, rssMiB());
    c = cpu();
    await bare(config, paths, scratch, true);
    t.bareCopy.push(cpu() - c);
    process.stdout.write(`    ${scale} round ${i + 1}: bare ${t.bare.at(-1)!.toFixed(1)}, framework ${t.framework.at(-1)!.toFixed(1)}, bare + COPY ${t.bareCopy.at(-1)!.toFixed(1)} CPU-s\n`);
  }
  const mean = (xs: number[]) => xs.reduce((a, b) => a + b, 0) / xs.length;
  const note = `${rounds} rounds, alternating: ${t.framework.map((x, i) => `${x.toFixed(1)}/${t.bare[i]!.toFixed(1)}`).join(", ")}`;
  return [
    { name: `${scale}: bare DuckDB (CREATE TABLE per model)`, value: round(mean(t.bare), 1), unit: "CPU-s" },
    { name: `${scale}: bare DuckDB + COPY marts to Parquet`, value: round(mean(t.bareCopy), 1), unit: "CPU-s" },
    { name: `${scale}: framework (transform --full-refresh)`, value: round(mean(t.framework), 1), unit: "CPU-s" },
    { name: `${scale}: framework ÷ bare`, value: round(mean(t.framework) / mean(t.bare)), unit: "×", note: `target ≤ 1.1; framework/bare per round: ${note}` },
    { name: `${scale}: framework ÷ (bare + COPY)`, value: round(mean(t.framework) / mean(t.bareCopy)), unit: "×" },
    { name: `${scale}: peak RSS, framework`, value: Math.round(rss.framework), unit: "MiB", note: "process high-water mark after the first framework run" },
    { name: `${scale}: peak RSS, bare`, value: Math.round(rss.bare), unit: "MiB", note: "process high-water mark (at least the framework's)" },
  ];
}

const bench: Bench = {
  title: "Transform: the framework's CPU over bare DuckDB running the same model SQL",
  async run() {
    const scales = (process.env.BENCH_TRANSFORM_SCALES ?? "small,medium").split(",");
    const figures = scales.includes("small") ? await measure("small", smallLake()) : [];
    const medium = scales.includes("medium") ? mediumLake() : null;
    if (medium) figures.push(...(await measure("medium", medium)));
    else if (scales.includes("medium")) figures.push({ name: "medium", value: 0, unit: "-", note: `skipped: ${LEAD_MEDIUM} has no raw and enriched lake yet` });
    return figures;
  },
};
export default bench;
