/** The stage commands: generate, extract, transform, run, demo (train: models.ts; report: reports.ts). */
import { Option, type Command } from "commander";
import * as stages from "../stages.ts";
import { configFrom, ledgered, parseIntStrict, UsageError } from "./shared.ts";
import { ingestFrom, withIngestOptions } from "./ingest.ts";

export function register(program: Command): void {
  program.command("generate")
    .description("generate demo source files (OpenPhone/Quo API-shaped NDJSON + call flow + surveys)")
    .addOption(new Option("--scale <scale>", "small ≈ 50k calls, medium ≈ 1M, large ≈ 10M over two years").choices(["small", "medium", "large"]))
    .option("--seed <n>", "random seed (same seed, same bytes)", parseIntStrict("--seed"))
    .option("--out <dir>", "output directory (default: <data>/sources/demo)")
    .action(async (opts, cmd) => {
      const config = configFrom(cmd, { demo: { scale: opts.scale, seed: opts.seed } });
      await ledgered(config, "generate", (run) => stages.generate(run, config, opts.out));
    });

  withIngestOptions(program.command("extract")
    .description("validate source files and land them in the raw Parquet lake (data/lake/raw), quarantining bad records")
    .option("--input <dir>", "source directory (default: <data>/sources/demo)"))
    .action(async (opts, cmd) => {
      const config = configFrom(cmd);
      const source = ingestFrom(opts, cmd);
      await ledgered(config, "extract", (run) => stages.extract(run, config, opts.input, source));
    });

  program.command("transform")
    .description("run the SQL models under transforms/ and write Parquet marts + data/warehouse.duckdb")
    .option("--select <models>", "only these models (model+ adds downstream, +model upstream)")
    .option("--full-refresh", "rebuild incremental marts whole instead of only the changed days")
    .action(async (opts, cmd) => {
      const config = configFrom(cmd);
      await ledgered(config, "transform", (run) => stages.transform(run, config, { select: opts.select, fullRefresh: Boolean(opts.fullRefresh) }));
    });

  program.command("test-data")
    .description("build the models in memory and run every contract and data test, without publishing; fails naming model, column and offending rows")
    .option("--select <models>", "only these models (model+ adds downstream, +model upstream)")
    .option("--unit", "also run the contracts' unit tests (given rows → expected rows)")
    .action(async (opts, cmd) => {
      const config = configFrom(cmd);
      await ledgered(config, "test-data", (run) => stages.testData(run, config, { select: opts.select, unit: Boolean(opts.unit) }));
    });

  program.command("docs")
    .description("regenerate the data dictionary docs/marts.md from the model contracts")
    .action(async () => {
      const { writeDocs } = await import("../../transform/docs.ts");
      process.stdout.write(`wrote ${writeDocs()}\n`);
    });

  // `train` lives in models.ts with the other model commands.

  program.command("run")
    .description("the whole pipeline on existing sources: extract → transform → train → report")
    .option("--input <dir>", "source directory (default: <data>/sources/demo)")
    .action(async (opts, cmd) => {
      const config = configFrom(cmd);
      await ledgered(config, "run", (run) => stages.all(run, config, { input: opts.input }));
    });

  program.command("demo")
    .description("generate demo data, then run the whole pipeline on it")
    .addOption(new Option("--scale <scale>", "demo size").choices(["small", "medium", "large"]))
    .option("--seed <n>", "random seed", parseIntStrict("--seed"))
    .action(async (opts, cmd) => {
      const config = configFrom(cmd, { demo: { scale: opts.scale, seed: opts.seed } });
      await ledgered(config, "demo", (run) => stages.all(run, config, { generate: true }));
    });
}
