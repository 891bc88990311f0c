/**
 * One entry point for every report the CLI, the pipeline stage, the scheduler and backfill produce:
 * render (leadership or staffing, week or month) into <reports>/<period end>/, then e-mail it where
 * delivery is configured.
 */
import type { Config } from "../../pipelines/core/config.ts";
import type { Outcome } from "../actions/dispatch.ts";
import { renderCoachingReport } from "../coaching/render.ts";
import { renderLeadershipReport } from "../leadership/render.ts";
import type { PeriodKind, ReportPeriod } from "../shared/period.ts";
import { renderStaffingReport } from "../staffing/render.ts";
import { deliverReport, type DeliverOptions } from "./deliver.ts";

export const REPORT_KINDS = ["leadership", "staffing", "coaching"] as const;
export type ReportKind = (typeof REPORT_KINDS)[number];

export type ProduceOptions = { kind: ReportKind; period: PeriodKind; date?: string | undefined; outDir?: string | undefined; deliver?: boolean } & DeliverOptions;

export type ProducedReport = {
  kind: ReportKind; period: ReportPeriod; pdf: string; html: string; csv?: string; files: string[]; ms: number; delivered: Outcome[];
  /** Rows the report rests on (KPIs or plan intervals), for the run ledger. */
  rows: number;
};

export async function produceReport(config: Config, opts: ProduceOptions): Promise<ProducedReport> {
  const r = opts.kind === "leadership"
    ? await renderLeadershipReport(config, { period: opts.period, date: opts.date, outDir: opts.outDir })
    : opts.kind === "coaching"
      ? await renderCoachingReport(config, { period: opts.period, date: opts.date, outDir: opts.outDir })
      : await renderStaffingReport(config, { period: opts.period, date: opts.date, outDir: opts.outDir });
  const csv = "csv" in r ? r.csv : undefined;
  const rows = "kpis" in r.model ? r.model.kpis.length : "groups" in r.model ? r.model.groups.length : r.model.rows.length;
  const delivered = opts.deliver === false ? [] : await deliverReport(config,
    { kind: opts.kind, period: r.period, pdf: r.pdf, title: r.model.reportName, ...(csv ? { csv } : {}) }, opts);
  return { kind: opts.kind, period: r.period, pdf: r.pdf, html: r.html, ...(csv ? { csv } : {}), files: r.files, ms: r.ms, delivered, rows };
}
