/** The stage commands: generate, extract, transform, run, demo (train: models.ts; report: reports.ts). */
import { applyIngest } from "../../sources/files/config.ts";
import { Option, type Command } from "commander";
import { join, resolve as pathResolve } from "node:path";
import * as stages from "../stages.ts";
import { lakePaths } from "../../core/paths.ts";
import { configFrom, ledgered, parseDate, parseIntStrict, requireInputs, UsageError } from "./shared.ts";
import { ingestFrom, withIngestOptions } from "./ingest.ts";
import { ALL, resolveSelection, SelectionError, stageGraph } from "../graph.ts";
import type { Stage } from "../../catalog/datasets.ts";

export function register(program: Command): void {
  program.command("generate")
    .description("generate demo source files (OpenPhone/Quo API-shaped NDJSON + call flow + surveys)")
    .addOption(new Option("--scale <scale>", "small ≈ 50k calls, medium ≈ 1M, large ≈ 10M over two years").choices(["small", "medium", "large"]))
    .option("--seed <n>", "random seed (same seed, same bytes)", parseIntStrict("--seed"))
    .option("--out <dir>", "output directory (default: <data>/sources/demo)")
    .option("--end-date <date>", "write only the records up to the end of this day (business-local): the business planned over demo.endDate and demo.years, as of that day; a later day writes the same records plus those of the days between", parseDate("--end-date"))
    .action(async (opts, cmd) => {
      const config = configFrom(cmd, { demo: { scale: opts.scale, seed: opts.seed } });
      if (opts.endDate !== undefined) {
        const { emitRange } = await import("../../sources/demo/generate.ts");
        const r = emitRange(config.demo.endDate, config.demo.years);
        if (opts.endDate < r.first || opts.endDate > r.last) {
          throw new UsageError(`--end-date ${opts.endDate}: expected a day from ${r.first} to ${r.last} (the demo's window: demo.endDate ${config.demo.endDate}, demo.years ${config.demo.years}, at least its first 14 days)`);
        }
      }
      await ledgered(config, "generate", (run) => stages.generate(run, config, opts.out, opts.endDate));
    });

  withIngestOptions(program.command("extract")
    .description("land what every configured source has new (demo folder in demo mode, webhooks, file drops, the API when OPENPHONE_API_KEY is set), merged by key into data/lake/raw; bad records quarantined")
    .option("--input <dir>", "a folder of OpenPhone-shaped NDJSON to land instead of the configured sources")
    .option("--strict", "fail (exit 1) when any record or file was quarantined (default: land the rest, exit 0, say how many by reason)"))
    .action(async (opts, cmd) => {
      const config = configFrom(cmd);
      applyIngest(config.ingest, opts.strict ? true : undefined);
      const source = ingestFrom(opts, cmd);
      await ledgered(config, "extract", (run) => stages.extract(run, config, opts.input, source));
    });

  program.command("transform")
    .description("run the SQL models under transforms/ and write Parquet marts + data/warehouse.duckdb")
    .option("--select <models>", "only these models (model+ adds downstream, +model upstream)")
    .option("--full-refresh", "rebuild incremental marts whole instead of only the changed days")
    .action(async (opts, cmd) => {
      const config = configFrom(cmd);
      requireInputs(config, ["transform"]);
      await ledgered(config, "transform", (run) => stages.transform(run, config, { select: opts.select, fullRefresh: Boolean(opts.fullRefresh) }));
    });

  program.command("test-data")
    .description("build the models in memory and run every contract and data test, without publishing; fails naming model, column and offending rows")
    .option("--select <models>", "only these models (model+ adds downstream, +model upstream)")
    .option("--unit", "also run the contracts' unit tests (given rows → expected rows)")
    .action(async (opts, cmd) => {
      const config = configFrom(cmd);
      requireInputs(config, ["transform"]);
      await ledgered(config, "test-data", (run) => stages.testData(run, config, { select: opts.select, unit: Boolean(opts.unit) }));
    });

  program.command("docs")
    .description("regenerate the data dictionary: docs/marts.md, and a static HTML dictionary with a lineage graph of every dataset (<data>/docs/index.html)")
    .option("--html <file>", "where the HTML dictionary goes (default: <data>/docs/index.html)")
    .option("--markdown <file>", "where the markdown dictionary goes (default: docs/marts.md)")
    .action(async (opts, cmd) => {
      const config = configFrom(cmd);
      const { writeDocs } = await import("../../catalog/docs.ts");
      const { catalog } = await import("../../catalog/datasets.ts");
      const { writeDictionaryHtml } = await import("../docs/html.ts");
      process.stdout.write(`wrote ${opts.markdown ? writeDocs(pathResolve(opts.markdown)) : writeDocs()}\n`);
      const html = writeDictionaryHtml(opts.html ? pathResolve(opts.html) : join(lakePaths(config).data, "docs", "index.html"), catalog().datasets);
      process.stdout.write(`wrote ${html} (open it in a browser)\n`);
    });

  // `train` lives in models.ts with the other model commands.

  program.command("run")
    .description("run the stage graph: by default every stage (extract from the configured sources → enrich → retention → transform → train → report → alerts)")
    .option("--select <selection...>", "stages or datasets: extract+ (and downstream), +marts.churn_risk (and upstream), -report (leave out)", ALL)
    .option("--input <dir>", "extract this folder of OpenPhone-shaped NDJSON instead of the configured sources")
    .option("--list", "print the stages the selection resolves to, run nothing")
    .option("--strict", "fail the extract when any record or file was quarantined")
    .action(async (opts, cmd) => {
      const config = configFrom(cmd);
      applyIngest(config.ingest, opts.strict ? true : undefined);
      const chosen = resolve(opts.select);
      if (opts.list) return printStages(chosen);
      if (!opts.input) requireInputs(config, chosen);
      await ledgered(config, "run", (run) => stages.runStages(run, config, chosen, { input: opts.input }));
    });

  program.command("demo")
    .description("generate demo data, then run the stage graph on it (every stage but retention and alerts: the demo is two years of history landed at once)")
    .addOption(new Option("--scale <scale>", "demo size").choices(["small", "medium", "large"]))
    .option("--seed <n>", "random seed", parseIntStrict("--seed"))
    .action(async (opts, cmd) => {
      const config = configFrom(cmd, { demo: { scale: opts.scale, seed: opts.seed } });
      await ledgered(config, "demo", async (run) => {
        await stages.generate(run, config);
        await stages.runStages(run, config, resolve(DEMO));
      });
    });
}

/** What `demo` runs: the whole graph but retention (the generated two years stay whole for the report) and alerts (no destinations to send to). */
export const DEMO = [...ALL, "-retention", "-alerts"];

function resolve(selection: string[]): Stage[] {
  try {
    return resolveSelection(selection);
  } catch (err) {
    if (err instanceof SelectionError) throw new UsageError(`--select: ${err.message}`);
    throw err;
  }
}

function printStages(chosen: Stage[]): void {
  const graph = stageGraph();
  for (const [i, s] of chosen.entries()) {
    const n = graph.get(s)!;
    process.stdout.write(`${String(i + 1).padStart(2)}. ${s.padEnd(15)} commsight ${n.argv.join(" ").padEnd(30)} ${n.description}\n`);
  }
}
