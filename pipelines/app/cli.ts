/**
 * The commsight command line. Commands live in commands/ (one file each, listed in
 * commands/index.ts); every one has --help, prints where it wrote, and exits non-zero on failure.
 */
import { Command } from "commander";
import { ConfigError } from "./config.ts";
import { COMMANDS } from "./commands/index.ts";
import { UsageError } from "./commands/shared.ts";

export function buildCli(): Command {
  const program = new Command("commsight")
    .description("Commsight: batch ELT + forecasting for business phone communication data")
    .option("-c, --config <file>", "config file (default: ./commsight.config.yaml if present, else embedded defaults)")
    .option("-d, --data <dir>", "data directory (overrides paths.data)")
    .showHelpAfterError()
    .exitOverride();
  for (const c of COMMANDS) c.register(program);
  // Subcommands inherit exitOverride so that errors come back to main() as exceptions.
  for (const sub of program.commands) sub.exitOverride();
  return program;
}

/** Entry point: returns the exit code instead of exiting, so tests can call it in-process. */
export async function main(argv: string[]): Promise<number> {
  const program = buildCli();
  try {
    await program.parseAsync(argv);
    return 0;
  } catch (err) {
    const e = err as { code?: string; exitCode?: number; message?: string };
    if (e.code === "commander.helpDisplayed" || e.code === "commander.version" || e.code === "commander.help") return 0;
    if (e.code?.startsWith("commander.")) return 2; // bad usage: commander has already printed why
    if (err instanceof ConfigError || err instanceof UsageError) {
      process.stderr.write(`commsight: ${e.message}\n`);
      return 2;
    }
    process.stderr.write(`commsight: failed: ${e.message ?? String(err)}\n`);
    if (process.env.COMMSIGHT_DEBUG) process.stderr.write(`${(err as Error).stack}\n`);
    return 1;
  }
}
