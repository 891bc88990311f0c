/**
 * The staffing report for planners: the forecast and agents needed per interval for the coming week or
 * month, as a heatmap, a table per day, and a CSV beside the PDF (the same rows, for spreadsheets).
 * Writes <reports>/<period end>/staffing-<week|month>-<period id>.{pdf,html,csv}.
 */
import { writeFileSync, mkdirSync } from "node:fs";
import { dirname, join, basename } from "node:path";
import type { Config } from "../../pipelines/core/config.ts";
import { openDb } from "../../pipelines/core/duckdb.ts";
import { log } from "../../pipelines/core/log.ts";
import { lakePaths, projectRoot } from "../../pipelines/core/paths.ts";
import type { ChartSection, Table } from "../render/model.ts";
import { findChromium } from "../render/pdf.ts";
import { pageStyle, printReport, template } from "../render/page.ts";
import { renderChart } from "../render/svg.ts";
import { addDays } from "../shared/dates.ts";
import { fmtCount, fmtDay, fmtDuration, fmtOneDp } from "../shared/format.ts";
import { freshness, type Freshness } from "../shared/freshness.ts";
import { lastCompletePeriod, periodContaining, type PeriodKind, type ReportPeriod } from "../shared/period.ts";
import { lastDataDay } from "../shared/sql.ts";
import { readStaffingPlan, staffingByDay, type StaffingRow } from "../shared/staffing.ts";
import { toCsv } from "./csv.ts";

export type StaffingOptions = { period?: PeriodKind; date?: string | undefined; outDir?: string | undefined };

export type StaffingModel = {
  business: string; timezone: string; reportName: string; period: ReportPeriod; freshness: Freshness;
  available: boolean; note?: string; mart: string; rows: StaffingRow[]; takeaways: string[]; heatmap?: ChartSection; tables: Table[];
};

export const STAFFING_NAME: Record<PeriodKind, string> = { week: "Weekly staffing plan", month: "Monthly staffing plan" };

async function heatmap(rows: StaffingRow[]): Promise<ChartSection> {
  const max = Math.max(...rows.map((r) => r.agents));
  const svg = await renderChart("staffing_heatmap", {
    rows: rows.filter((r) => r.forecast > 0 || r.agents > 0).map((r) => ({
      date: r.date, day: fmtDay(r.date), time: r.interval_start.slice(11),
      slot: Number(r.interval_start.slice(11, 13)) * 60 + Number(r.interval_start.slice(14, 16)), agents: r.agents, max_agents: max,
    })),
  });
  return { id: "staffing-heatmap", title: "Agents needed by day and interval", svg, takeaway: "Blank cells: no calls forecast." };
}

function dayTables(rows: StaffingRow[]): Table[] {
  const scheduled = rows.some((r) => r.scheduled !== null);
  const byDate = new Map<string, StaffingRow[]>();
  for (const r of rows) byDate.set(r.date, [...(byDate.get(r.date) ?? []), r]);
  return [...byDate].map(([date, rs]) => ({
    id: `staffing-${date}`,
    title: `${fmtDay(date)} ${date.slice(0, 4)}`,
    columns: [{ label: "Interval" }, { label: "Calls forecast", num: true }, { label: "80% range", num: true }, { label: "Handle time", num: true },
      { label: "Agents needed", num: true }, ...(scheduled ? [{ label: "Scheduled (with shrinkage)", num: true }] : [])],
    rows: rs.filter((r) => r.forecast > 0 || r.agents > 0).map((r) => ({
      cells: [r.interval_start.slice(11), fmtOneDp(r.forecast), r.lower === null || r.upper === null ? "—" : `${fmtOneDp(r.lower)}–${fmtOneDp(r.upper)}`,
        fmtDuration(r.aht_seconds), fmtCount(r.agents), ...(scheduled ? [r.scheduled === null ? "—" : fmtCount(r.scheduled)] : [])],
    })),
  }));
}

export async function buildStaffingReport(config: Config, opts: StaffingOptions = {}): Promise<StaffingModel> {
  const kind = opts.period ?? "week";
  const paths = lakePaths(config);
  const db = await openDb();
  try {
    let period: ReportPeriod;
    if (opts.date) period = periodContaining(kind, opts.date);
    else {
      // The plan is for what comes next: the period after the last complete one in the data.
      period = periodContaining(kind, addDays(lastCompletePeriod(kind, await lastDataDay(db, paths, "pick a staffing period")).end, 1));
    }
    const base = { business: config.business.name, timezone: config.business.timezone, reportName: STAFFING_NAME[kind], period,
      freshness: await freshness(db, paths, config.business.timezone) };
    const plan = await readStaffingPlan(db, paths, period.start, period.end);
    if ("unavailable" in plan) return { ...base, available: false, note: plan.unavailable, mart: "staffing", rows: [], takeaways: [], tables: [] };
    if (plan.rows.length === 0) {
      return { ...base, available: false, note: `The ${plan.mart} mart has no intervals between ${period.start} and ${period.end}.`, mart: plan.mart, rows: [], takeaways: [], tables: [] };
    }
    const days = staffingByDay(plan.rows);
    const peak = days.reduce((b, d) => (d.peakAgents > b.peakAgents ? d : b));
    const covered = `${fmtCount(days.length)} of ${fmtCount((Date.parse(period.end) - Date.parse(period.start)) / 86_400_000 + 1)} days`;
    const takeaways = [
      `${fmtCount(plan.rows.reduce((s, r) => s + r.forecast, 0))} calls forecast over ${covered} (${plan.line === "All" ? "business total" : "lines summed"}).`,
      `Peak need: ${fmtCount(peak.peakAgents)} agents on the phones at once, ${fmtDay(peak.date)} ${peak.peakAt}; ${fmtCount(days.reduce((s, d) => s + d.agentHours, 0))} agent-hours in all.`,
      ...(days.some((d) => d.scheduledPeak !== null) ? ["“Scheduled” adds shrinkage (breaks, training, absence) to the agents needed."] : []),
    ];
    return { ...base, available: true, mart: plan.mart, rows: plan.rows, takeaways, heatmap: await heatmap(plan.rows), tables: dayTables(plan.rows) };
  } finally {
    db.close();
  }
}

const templateFile = join(projectRoot, "reports", "staffing", "template.hbs");

export function staffingPdfPath(config: Config, period: ReportPeriod, outDir?: string): string {
  return join(outDir ?? join(lakePaths(config).reports, period.end), `staffing-${period.kind}-${period.id}.pdf`);
}

export async function renderStaffingReport(config: Config, opts: StaffingOptions = {}) {
  const started = performance.now();
  findChromium(config);
  const model = await buildStaffingReport(config, opts);
  const pdfFile = staffingPdfPath(config, model.period, opts.outDir);
  const csvFile = pdfFile.replace(/\.pdf$/, ".csv");
  mkdirSync(dirname(csvFile), { recursive: true });
  writeFileSync(csvFile, toCsv(model.rows));
  const html = template(templateFile)({
    ...model, style: pageStyle(), csvName: basename(csvFile),
    periodHeading: model.period.kind === "week" ? `Week ${model.period.label}` : model.period.label,
    intervalMinutes: model.rows[0]?.interval_minutes ?? 30,
    tables: model.tables.map((t) => ({ ...t, rows: t.rows.map((r) => ({ ...r, cells: r.cells.map((text, c) => ({ text, num: !!t.columns[c]?.num })) })) })),
  });
  const out = await printReport(config, {
    html, pdfFile, reportName: model.reportName, periodLabel: model.period.label, business: model.business, dataDate: model.period.start,
  });
  const ms = Math.round(performance.now() - started);
  log.debug({ period: model.period.id, pdf: out.pdf, csv: csvFile, ms }, "staffing report rendered"); // the CLI prints what was written
  return { ...out, csv: csvFile, period: model.period, files: [out.pdf, out.html, csvFile], ms, model };
}
