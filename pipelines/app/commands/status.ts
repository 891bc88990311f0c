/** `commsight status`: the recent runs from the run ledger. */
import type { Command } from "commander";
import { lakePaths } from "../../core/paths.ts";
import { printStatus } from "../status.ts";
import { configFrom, parseIntStrict } from "./shared.ts";

export function register(program: Command): void {
  program.command("status")
    .description("show the recent runs from the run ledger: stages, durations, rows, errors")
    .option("-n, --limit <n>", "how many runs", parseIntStrict("--limit"), 10)
    .option("--json", "print JSON")
    .action(async (opts, cmd) => {
      const config = configFrom(cmd);
      printStatus(lakePaths(config).ledger, opts.limit, Boolean(opts.json));
    });
}
