/**
 * The commsight command line. Commands live in commands/ (one file each, listed in
 * commands/index.ts); every one has --help, prints where it wrote, and exits non-zero on failure:
 * 2 for bad usage or config, 1 for a failed run. No stack trace unless --debug.
 *
 * Every command that writes the data folder (WRITERS below) takes its writer lock here, before its
 * action runs: one writer per data folder; a second one is told who holds it and exits 2, or waits
 * with --wait. A scheduler's step joins its scheduler's lock and dies with it (core/lock.ts).
 */
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { Command, Option } from "commander";
import { ConfigError } from "./config.ts";
import { COMMANDS } from "./commands/index.ts";
import { configureLog, LOG_LEVELS, type LogFormat, type LogLevel } from "../core/log.ts";
import { configureProgress, stopProgress } from "../core/progress.ts";
import { projectRoot } from "../core/paths.ts";
import { MissingInputError } from "./inputs.ts";
import { SqlError } from "./commands/sql.ts";
import { dieWithParent, LockHeldError, LockLostError, releaseAllWriters, takeDataFolder } from "../core/lock.ts";
import { lakePaths } from "../core/paths.ts";
import { configFrom, UsageError } from "./commands/shared.ts";

export const VERSION: string = JSON.parse(readFileSync(join(projectRoot, "package.json"), "utf8")).version;

type GlobalOptions = { config?: string; data?: string; logLevel?: LogLevel; logFormat?: LogFormat; quiet?: boolean; debug?: boolean; wait?: boolean; waitTimeout?: number };

/** Commands that write the data folder, by their path (`alerts run`): each runs under the folder's writer lock. */
export const WRITERS = new Set([
  "generate", "extract", "enrich", "retention", "transform", "run", "demo", "train", "outreach", "report", "backfill", "alerts run",
]);

/**
 * Commands that do not take the writer lock, and why: they only read the folder (status, sql, catalog,
 * test-data builds in memory, alerts list/rules), write outside it or only a derived file (docs,
 * forecast), only append to the landing zone that extract consumes under the lock (listen), or take
 * it per job (schedule). A new command must be in one of the two lists (test/core/cli.test.ts).
 */
export const NOT_WRITERS = new Set(["status", "sql", "catalog", "test-data", "docs", "forecast", "listen", "schedule", "alerts list", "alerts rules"]);

export function commandPath(cmd: Command): string {
  const names: string[] = [];
  for (let c: Command | null = cmd; c?.parent; c = c.parent) names.unshift(c.name());
  return names.join(" ");
}

const ENVIRONMENT = `
Environment variables:
  COMMSIGHT_LOG_LEVEL       default for --log-level (trace, debug, info, warn, error, fatal, silent)
  COMMSIGHT_LOG_FORMAT      default for --log-format (text or json)
  COMMSIGHT_DEBUG=1         the same as --debug
  COMMSIGHT_LOCK_HEARTBEAT_SECONDS, COMMSIGHT_LOCK_STALE_SECONDS   the data folder's writer lock: how often
                            its holder rewrites it (5) and after how long without that it is stale (300)
  COMMSIGHT_CHROMIUM        the Chromium binary for PDF reports (else report.chromiumPath, else PATH)
  COMMSIGHT_PSEUDONYM_KEY   the key of the pseudonyms in the marts (the demo key when unset)
  OPENPHONE_API_KEY         the OpenPhone/Quo API key (extract --source openphone)
  OPENPHONE_BASE_URL        the API's base URL (default https://api.openphone.com)
  OPENPHONE_WEBHOOK_SECRET, COMMSIGHT_SURVEY_WEBHOOK_SECRET   signing keys of \`commsight listen\`
  NO_COLOR                  no colours in text logs`;

export function buildCli(): Command {
  const program = new Command("commsight")
    .description("Commsight: batch ELT + forecasting for business phone communication data")
    .version(VERSION, "-V, --version", "print the version")
    .option("-c, --config <file>", "config file (default: ./commsight.config.yaml if present, else embedded defaults)")
    .option("-d, --data <dir>", "data directory (overrides paths.data)")
    .addOption(new Option("--log-level <level>", "log level (default info; env COMMSIGHT_LOG_LEVEL)").choices(LOG_LEVELS))
    .addOption(new Option("--log-format <format>", "text (default, also outside a terminal) or json (one object a line, for log shippers; env COMMSIGHT_LOG_FORMAT)").choices(["text", "json"]))
    .option("-q, --quiet", "no progress bars or status lines, logs from warn up; results and errors only")
    .option("--debug", "print the stack trace of an error (env COMMSIGHT_DEBUG=1)")
    .option("--wait", "when another command is writing the data folder, wait for it instead of exiting 2")
    .option("--wait-timeout <seconds>", "--wait, but give up (exit 2) after this many seconds", (v: string) => {
      if (!/^\d+(\.\d+)?$/.test(v)) throw new UsageError(`--wait-timeout: expected a number of seconds, got "${v}"`);
      return Number(v);
    })
    .addHelpText("after", ENVIRONMENT)
    .showHelpAfterError()
    .exitOverride();
  for (const c of COMMANDS) c.register(program);
  // Subcommands inherit exitOverride so that errors come back to main() as exceptions.
  for (const sub of program.commands) sub.exitOverride();
  program.hook("preAction", async (_root, action) => {
    const g = action.optsWithGlobals<GlobalOptions>();
    configureLog({ level: g.logLevel, format: g.logFormat, quiet: g.quiet });
    configureProgress({ quiet: Boolean(g.quiet), bars: Boolean(process.stderr.isTTY) });
    if (g.debug) process.env.COMMSIGHT_DEBUG = "1";
    const path = commandPath(action);
    if (!WRITERS.has(path) || action.opts().list) return;
    const wait = g.waitTimeout !== undefined ? g.waitTimeout : Boolean(g.wait);
    await takeDataFolder(lakePaths(configFrom(action)).data, path, {
      wait,
      onWait: (e) => process.stderr.write(`commsight: ${e.message}; waiting for it (--wait)\n`),
      onLost: (e) => {
        process.stderr.write(`commsight: ${e.message}; stopping\n`);
        process.exit(1);
      },
    });
  });
  return program;
}

/** Entry point: returns the exit code instead of exiting, so tests can call it in-process. */
export async function main(argv: string[]): Promise<number> {
  const program = buildCli();
  quietEpipe();
  dieWithParent(process.env, 300, (line) => process.stderr.write(line));
  const debug = () => Boolean(process.env.COMMSIGHT_DEBUG) || argv.includes("--debug");
  try {
    await program.parseAsync(argv);
    return 0;
  } catch (err) {
    const e = err as { code?: string; exitCode?: number; message?: string };
    if (e.code === "commander.helpDisplayed" || e.code === "commander.version") return 0;
    if (e.code === "commander.help") {
      if (e.exitCode === 0) return 0;
      // No command: commander printed the help to stderr; a script calling `commsight` with nothing is a mistake.
      process.stderr.write("\ncommsight: no command given (`commsight <command> --help` describes one)\n");
      return 2;
    }
    if (e.code?.startsWith("commander.")) return 2; // bad usage: commander has already printed why
    stopProgress();
    if (err instanceof LockHeldError) {
      process.stderr.write(`commsight: ${e.message}\n  wait for it to finish, or pass --wait\n`);
      return 2;
    }
    if (err instanceof LockLostError) {
      process.stderr.write(`commsight: ${e.message}\n`);
      return 1;
    }
    if (err instanceof ConfigError || err instanceof UsageError) {
      process.stderr.write(`commsight: ${e.message}\n`);
      if (debug()) process.stderr.write(`${(err as Error).stack}\n`);
      return 2;
    }
    process.stderr.write(`commsight: failed: ${e.message ?? String(err)}\n`);
    if (debug()) process.stderr.write(`${(err as Error).stack}\n`);
    else if (!(err instanceof MissingInputError) && !(err instanceof SqlError)) process.stderr.write("  (--debug shows where)\n");
    return 1;
  } finally {
    stopProgress();
    releaseAllWriters();
  }
}

/**
 * `commsight status | head`: once the reader of stdout has gone, further output is dropped quietly
 * (no EPIPE stack trace) and the command finishes its work; logs and errors go on to stderr.
 */
let epipeHandled = false;
function quietEpipe(): void {
  if (epipeHandled) return;
  epipeHandled = true;
  process.stdout.on("error", (err: NodeJS.ErrnoException) => {
    if (err.code !== "EPIPE") throw err;
    process.stdout.write = (() => true) as typeof process.stdout.write;
  });
}
