/** The reporting commands: report, backfill, alerts (run, list, rules) and schedule. */
import { Option, type Command } from "commander";
import * as stages from "../stages.ts";
import { configFrom, ledgered, parseDate, parseIntStrict, requireInputs, UsageError } from "./shared.ts";

import { say, steps } from "../../core/progress.ts";

export function register(program: Command): void {
  program.command("report")
    .description("render a PDF report into <data>/reports/<period end>/ and e-mail it where delivery is configured")
    .addOption(new Option("--kind <kind>", "leadership: KPIs, changes and every section; staffing: agents needed per interval (with a CSV); coaching: per agent, scorecard, playbook gaps and calls to review").choices(["leadership", "staffing", "coaching"]).default("leadership"))
    .addOption(new Option("--period <period>", "a Monday–Sunday week or a calendar month").choices(["week", "month"]))
    .option("--date <date>", "any day of the period (default: the last complete period; for staffing, the one after it)", parseDate("--date"))
    .option("--week-ending <date>", "the Sunday a week ends on (the same as --period week --date <date>)", parseDate("--week-ending"))
    .option("--no-deliver", "do not e-mail the report even if delivery is configured")
    .action(async (opts, cmd) => {
      if (opts.weekEnding && (opts.date || opts.period === "month")) throw new UsageError("report: --week-ending cannot be combined with --date or --period month");
      const period = opts.weekEnding ? "week" : (opts.period ?? "week");
      const config = configFrom(cmd, opts.weekEnding ? { report: { weekEnding: opts.weekEnding } } : {});
      const { weekEndingOn } = await import("../../../reports/shared/dates.ts");
      let date: string | undefined = opts.date;
      if (opts.weekEnding) {
        try { date = weekEndingOn(opts.weekEnding).end; } catch (err) { throw new UsageError(`report: --week-ending: ${(err as Error).message}`); }
      }
      requireInputs(config, ["report"]);
      const { produceReport } = await import("../../../reports/publish/produce.ts");
      await ledgered(config, "report", async (run) => {
        const r = await run.stage(`report-${opts.kind}-${period}`, async () => {
          const out = await produceReport(config, { kind: opts.kind, period, date, deliver: opts.deliver });
          return { ...out, rowsOut: out.rows, outputs: out.files };
        });
        say(`rendered the ${opts.kind} report for ${r.period.label} (${r.period.start} – ${r.period.end}) in ${(r.ms / 1000).toFixed(1)} s`);
        for (const f of r.files) say(`  wrote ${f}`);
        for (const d of r.delivered) say(`  e-mail to ${d.destination.replace(/^email:/, "")}: ${d.status}${d.status === "sent" ? "" : ` (${d.detail})`}`);
        if (r.delivered.some((d) => d.status === "failed")) throw new Error("the report was written but e-mailing it failed; the next run retries");
      });
    });

  program.command("backfill")
    .description("render the reports of every week and month ending between two days, from the current marts")
    .requiredOption("--from <date>", "first day", parseDate("--from"))
    .requiredOption("--to <date>", "last day", parseDate("--to"))
    .addOption(new Option("--kind <kind>", "which reports").choices(["leadership", "staffing", "all"]).default("leadership"))
    .addOption(new Option("--period <period>", "which periods").choices(["week", "month", "all"]).default("all"))
    .option("--deliver", "also e-mail them to their subscribers (each period at most once)")
    .action(async (opts, cmd) => {
      if (opts.from > opts.to) throw new UsageError(`backfill: --from ${opts.from} is after --to ${opts.to}`);
      const config = configFrom(cmd);
      requireInputs(config, ["report"]);
      const { periodsEndingBetween } = await import("../../../reports/shared/period.ts");
      const { produceReport } = await import("../../../reports/publish/produce.ts");
      const kinds = opts.kind === "all" ? (["leadership", "staffing"] as const) : [opts.kind as "leadership" | "staffing"];
      const periods = opts.period === "all" ? (["week", "month"] as const) : [opts.period as "week" | "month"];
      const todo = periods.flatMap((pk) => periodsEndingBetween(pk, opts.from, opts.to).flatMap((p) => kinds.map((kind) => ({ pk, p, kind }))));
      await ledgered(config, "backfill", async (run) => {
        // One status line per report rendered; a bar with ETA on a terminal.
        const work = steps("backfill", todo.length, "report");
        try {
          for (const { pk, p, kind } of todo) {
            const t0 = performance.now();
            work.start(`${kind} ${pk} ${p.label}`);
            const r = await run.stage(`report-${kind}-${pk}-${p.id}`, async () => {
              const out = await produceReport(config, { kind, period: pk, date: p.start, deliver: Boolean(opts.deliver) });
              return { ...out, rowsOut: out.rows, outputs: out.files };
            });
            work.done(`${kind} ${pk} ${p.label} → ${r.pdf}`, { seconds: (performance.now() - t0) / 1000 });
          }
        } finally {
          work.stop();
        }
        say(`backfilled ${todo.length} reports (${opts.from} – ${opts.to})`);
      });
    });

  const alerts = program.command("alerts").description("alert rules: evaluate them and send their actions, list what fired, check the rules file");
  alerts.command("run")
    .description("evaluate the rules as of the last day of data, record alerts and send their actions (each at most once)")
    .option("--date <date>", "evaluate as of this day", parseDate("--date"))
    .option("--dry-run", "evaluate and print; record and send nothing")
    .action(async (opts, cmd) => {
      const config = configFrom(cmd);
      requireInputs(config, ["alerts"]);
      await ledgered(config, "alerts", (run) => stages.alerts(run, config, { date: opts.date, dryRun: Boolean(opts.dryRun) }));
    });
  alerts.command("list")
    .description("recent alerts and the state of their actions (sent, failed, in doubt)")
    .option("-n, --limit <n>", "how many alerts", parseIntStrict("--limit"), 20)
    .option("--json", "print JSON")
    .action(async (opts, cmd) => {
      const config = configFrom(cmd);
      const { printAlertList } = await import("../../../reports/rules/print.ts");
      printAlertList(config, opts.limit, Boolean(opts.json));
    });
  alerts.command("rules")
    .description("validate the rules file and print the rules and destinations in effect")
    .action(async (_opts, cmd) => {
      const config = configFrom(cmd);
      const { loadRules } = await import("../../../reports/rules/load.ts");
      const { file, rules } = loadRules(config);
      say(`rules from ${file}: ${rules.rules.length} rules, ${Object.keys(rules.destinations).length} destinations`);
      for (const r of rules.rules) say(`  ${r.enabled ? " " : "-"} ${r.id.padEnd(22)} ${r.kind.padEnd(9)} ${r.severity.padEnd(8)} → ${r.actions.join(", ") || "(recorded only)"}`);
    });

  program.command("schedule")
    .description("run the configured jobs on their cron schedule (business time zone) until stopped; one instance at a time")
    .option("--list", "print the jobs and their next run times, then exit")
    .option("--run <job>", "run one job now (under the lock), then exit")
    .action(async (opts, cmd: Command) => {
      const config = configFrom(cmd);
      const g = cmd.optsWithGlobals<{ config?: string; data?: string }>();
      const { scheduleCommand } = await import("../schedule/command.ts");
      await scheduleCommand(config, { list: Boolean(opts.list), run: opts.run, configFile: g.config, dataDir: g.data });
    });
}
