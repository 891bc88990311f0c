/**
 * The commsight command line: one subcommand per stage plus `run`/`demo` for the whole flow.
 * Every command has --help, prints where it wrote, and exits non-zero on failure.
 */
import { Command, Option } from "commander";
import { ConfigError, loadConfig, type Config } from "./core/config.ts";
import { lakePaths } from "./core/paths.ts";
import { Run } from "./core/ledger.ts";
import * as stages from "./stages.ts";
import { printStatus } from "./status.ts";

type Global = { config?: string; data?: string };

function configFrom(cmd: Command, overrides: Record<string, unknown> = {}): Config {
  const g = cmd.optsWithGlobals<Global>();
  return loadConfig(g.config, { ...(g.data ? { paths: { data: g.data } } : {}), ...overrides });
}

/** Run one or more stages under the ledger, printing what each wrote. */
async function ledgered(config: Config, command: string, fn: (run: Run) => Promise<void>): Promise<void> {
  const run = new Run(lakePaths(config).ledger, command);
  try {
    await fn(run);
    run.finish();
  } catch (err) {
    run.finish(err);
    throw err;
  }
}

export function buildCli(): Command {
  const program = new Command("commsight")
    .description("Commsight: batch ELT + forecasting for business phone communication data")
    .option("-c, --config <file>", "config file (default: ./commsight.config.yaml if present, else embedded defaults)")
    .option("-d, --data <dir>", "data directory (overrides paths.data)")
    .showHelpAfterError()
    .exitOverride();

  program.command("generate")
    .description("generate demo source files (OpenPhone/Quo API-shaped NDJSON + call flow + surveys)")
    .addOption(new Option("--scale <scale>", "small ≈ 50k calls, medium ≈ 1M, large ≈ 10M over two years").choices(["small", "medium", "large"]))
    .option("--seed <n>", "random seed (same seed, same bytes)", (v) => parseIntStrict(v, "--seed"))
    .option("--out <dir>", "output directory (default: <data>/sources/demo)")
    .action(async (opts, cmd) => {
      const config = configFrom(cmd, { demo: { scale: opts.scale, seed: opts.seed } });
      await ledgered(config, "generate", (run) => stages.generate(run, config, opts.out));
    });

  program.command("extract")
    .description("validate source files and land them in the raw Parquet lake (data/lake/raw), quarantining bad records")
    .option("--input <dir>", "source directory (default: <data>/sources/demo)")
    .action(async (opts, cmd) => {
      const config = configFrom(cmd);
      await ledgered(config, "extract", (run) => stages.extract(run, config, opts.input));
    });

  program.command("transform")
    .description("run the SQL models under transforms/ and write Parquet marts + data/warehouse.duckdb")
    .option("--select <models>", "only these models (model+ adds downstream, +model upstream)")
    .action(async (opts, cmd) => {
      const config = configFrom(cmd);
      await ledgered(config, "transform", (run) => stages.transform(run, config, opts.select));
    });

  program.command("train")
    .description("train the churn and volume-forecast models (TensorFlow.js) and write prediction marts")
    .argument("[model]", "churn | forecast | all", "all")
    .action(async (model: string, _opts, cmd) => {
      if (!["churn", "forecast", "all"].includes(model)) throw new UsageError(`train: unknown model "${model}" (expected churn, forecast or all)`);
      const config = configFrom(cmd);
      await ledgered(config, "train", (run) => stages.train(run, config, model as "churn" | "forecast" | "all"));
    });

  program.command("report")
    .description("render the weekly leadership report to PDF (data/reports/)")
    .option("--week-ending <date>", "the Sunday the report's week ends on (default: last complete week)")
    .action(async (opts, cmd) => {
      const config = configFrom(cmd, { report: { weekEnding: opts.weekEnding } });
      await ledgered(config, "report", (run) => stages.report(run, config));
    });

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
    .option("--seed <n>", "random seed", (v) => parseIntStrict(v, "--seed"))
    .action(async (opts, cmd) => {
      const config = configFrom(cmd, { demo: { scale: opts.scale, seed: opts.seed } });
      await ledgered(config, "demo", (run) => stages.all(run, config, { generate: true }));
    });

  program.command("status")
    .description("show the recent runs from the run ledger: stages, durations, rows, errors")
    .option("-n, --limit <n>", "how many runs", (v) => parseIntStrict(v, "--limit"), 10)
    .option("--json", "print JSON")
    .action(async (opts, cmd) => {
      const config = configFrom(cmd);
      printStatus(lakePaths(config).ledger, opts.limit, Boolean(opts.json));
    });

  return program;
}

class UsageError extends Error {}

function parseIntStrict(v: string, name: string): number {
  if (!/^\d+$/.test(v)) throw new UsageError(`${name}: expected a whole number, got "${v}"`);
  return Number(v);
}

/** Entry point: returns the exit code instead of exiting, so tests can call it. */
export async function main(argv: string[]): Promise<number> {
  const program = buildCli();
  try {
    await program.parseAsync(argv);
    return 0;
  } catch (err) {
    const e = err as { code?: string; exitCode?: number; message?: string };
    if (e.code === "commander.helpDisplayed" || e.code === "commander.version" || e.code === "commander.help") return 0;
    if (e.code?.startsWith("commander.")) return e.exitCode ?? 2;
    if (err instanceof ConfigError || err instanceof UsageError) {
      process.stderr.write(`commsight: ${e.message}\n`);
      return 2;
    }
    process.stderr.write(`commsight: failed: ${e.message ?? String(err)}\n`);
    if (process.env.COMMSIGHT_DEBUG) process.stderr.write(`${(err as Error).stack}\n`);
    return 1;
  }
}
