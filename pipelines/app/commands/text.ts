/** The text and privacy commands: `enrich` (redact and analyse texts) and `retention` (delete expired partitions). */
import type { Command } from "commander";
import type { Config } from "../../core/config.ts";
import type { Run } from "../../core/ledger.ts";
import { lakePaths } from "../../core/paths.ts";
import * as stages from "../stages.ts";
import { configFrom, ledgered, parseDate } from "./shared.ts";

const say = (line: string) => process.stdout.write(line + "\n");
const fmt = (n: number) => n.toLocaleString("en-US");

export function register(program: Command): void {
  program.command("enrich")
    .description("redact PII from the raw texts, then compute sentiment, topics, conversation metrics, summaries and terms (data/lake/enriched)")
    .action(async (_opts, cmd) => {
      const config = configFrom(cmd);
      await ledgered(config, "enrich", (run) => stages.enrich(run, config));
    });

  program.command("retention")
    .description("delete raw and enriched day partitions older than their purpose's retention period (privacy.retention)")
    .option("--dry-run", "list what would be deleted, delete nothing")
    .option("--as-of <date>", "the day retention is computed for (default: today, UTC)", parseDate("--as-of"))
    .action(async (opts, cmd) => {
      const config = configFrom(cmd);
      await ledgered(config, "retention", (run) => retention(run, config, { dryRun: Boolean(opts.dryRun), asOf: opts.asOf }));
    });
}

async function retention(run: Run, config: Config, opts: { dryRun: boolean; asOf?: string }): Promise<void> {
  const paths = lakePaths(config);
  const { applyRetention, planRetention } = await import("../../retention/retention.ts");
  const asOf = opts.asOf ?? new Date().toISOString().slice(0, 10);
  const plan = await planRetention(config, paths, asOf);
  const verb = opts.dryRun ? "would delete" : "deleted";
  // The ledger lists every partition that went (or would go), with its rows and the purpose that let it go.
  const lines = plan.expired.map((e) => `${verb} ${e.zone}/${e.entity}/date=${e.date}: ${e.rows} rows (${e.purpose}, ${e.days} days)`);
  const rowsOut = plan.expired.reduce((a, e) => a + e.rows, 0);
  await run.stage(opts.dryRun ? "retention-dry-run" : "retention", async () => {
    if (!opts.dryRun) applyRetention(plan, paths);
    return { rowsIn: rowsOut, rowsOut: opts.dryRun ? 0 : rowsOut, outputs: lines };
  });
  say(`retention as of ${asOf}: ${verb} ${fmt(plan.expired.length)} day partitions (${fmt(rowsOut)} rows)${opts.dryRun ? " — dry run, nothing deleted" : ""}`);
  for (const k of plan.kept) {
    const gone = plan.expired.filter((e) => e.zone === k.zone && e.entity === k.entity);
    const rule = k.period ? `${k.period.days} days (${k.period.purpose})` : "kept (no purpose names it)";
    say(`  ${`${k.zone}/${k.entity}`.padEnd(32)} ${rule.padEnd(48)} ${gone.length ? `${verb} ${gone.length} partitions, ${gone[0]!.date} … ${gone[gone.length - 1]!.date}` : "nothing expired"}`);
  }
  if (!opts.dryRun && plan.expired.length) say("  the next transform rebuilds the marts of the affected days");
}
