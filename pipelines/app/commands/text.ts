/** The text and privacy commands: `enrich` (redact and analyse texts) and `retention` (delete expired partitions). */
import type { Command } from "commander";
import * as stages from "../stages.ts";
import { configFrom, ledgered, parseDate, requireInputs } from "./shared.ts";


export function register(program: Command): void {
  program.command("enrich")
    .description("redact PII from the raw texts, then compute sentiment, topics, conversation metrics, summaries and terms (data/lake/enriched)")
    .action(async (_opts, cmd) => {
      const config = configFrom(cmd);
      requireInputs(config, ["enrich"]);
      await ledgered(config, "enrich", (run) => stages.enrich(run, config));
    });

  program.command("retention")
    .description("delete raw and enriched day partitions older than their purpose's retention period (privacy.retention)")
    .option("--dry-run", "list what would be deleted, delete nothing")
    .option("--as-of <date>", "the day retention is computed for (default: today, UTC)", parseDate("--as-of"))
    .action(async (opts, cmd) => {
      const config = configFrom(cmd);
      await ledgered(config, "retention", (run) => stages.retention(run, config, { dryRun: Boolean(opts.dryRun), asOf: opts.asOf }));
    });
}
