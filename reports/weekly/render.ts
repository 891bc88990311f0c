/**
 * The weekly leadership report: marts → KPIs, charts (SVG) and tables → HTML (Handlebars) → PDF (Chromium).
 * Writes <reports>/weekly-<weekEnd>.pdf and the .html beside it.
 */
import { mkdirSync, readFileSync, renameSync, rmSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import Handlebars from "handlebars";
import type { Config } from "../../pipelines/core/config.ts";
import { openDb } from "../../pipelines/core/duckdb.ts";
import { log } from "../../pipelines/core/log.ts";
import { lakePaths, projectRoot, type Paths } from "../../pipelines/core/paths.ts";
import { findChromium, htmlToPdf } from "../render/pdf.ts";
import { fmtRange } from "./format.ts";
import { fetchKpis, type Kpi } from "./kpis.ts";
import { churnSection, type ChurnSection } from "./sections/churn.ts";
import { forecastSection } from "./sections/forecast.ts";
import { outcomesSection } from "./sections/outcomes.ts";
import { satisfactionSection } from "./sections/satisfaction.ts";
import { topicsSection } from "./sections/topics.ts";
import type { ChartSection, SectionContext } from "./sections/types.ts";
import { dailyVolumeSection, channelMixSection } from "./sections/volume.ts";
import { martAvailable } from "./sql.ts";
import { defaultWeek, weekEndingOn, type ReportWeek } from "./week.ts";

export type { Kpi } from "./kpis.ts";

export type WeeklyReportOptions = {
  /** YYYY-MM-DD, a Sunday; default config.report.weekEnding, else the last complete week in the marts. */
  weekEnding?: string | undefined;
  /** Where to write; default lakePaths(config).reports. */
  outDir?: string | undefined;
};

export type WeeklyReportResult = { pdf: string; html: string; weekStart: string; weekEnd: string; kpis: Kpi[] };

/** Marts the report cannot do without (churn_risk and volume_forecast are optional). */
export const REQUIRED_MARTS = ["kpi_weekly", "daily_volume", "call_outcomes_daily", "topic_daily", "nps_weekly", "csat_weekly"] as const;

export type WeeklyReportModel = {
  business: string;
  timezone: string;
  week: ReportWeek;
  kpis: Kpi[];
  charts: {
    dailyVolume: ChartSection;
    channelMix: ChartSection;
    satisfaction: ChartSection;
    outcomes: ChartSection;
    topics: ChartSection;
    forecast: ChartSection;
  };
  churn: ChurnSection;
  generatedAt: string;
};

const weeklyDir = join(projectRoot, "reports", "weekly");

let compiled: HandlebarsTemplateDelegate | undefined;
function template(): HandlebarsTemplateDelegate {
  if (!compiled) {
    const hb = Handlebars.create();
    hb.registerPartial("chart", readFileSync(join(weeklyDir, "partials", "chart.hbs"), "utf8"));
    compiled = hb.compile(readFileSync(join(weeklyDir, "template.hbs"), "utf8"));
  }
  return compiled;
}

function checkMarts(paths: Paths): void {
  const missing = REQUIRED_MARTS.filter((m) => !martAvailable(paths, m));
  if (missing.length) {
    throw new Error(
      `the weekly report needs marts that have no Parquet files under ${paths.marts}: ${missing.join(", ")}; run the transforms first`,
    );
  }
}

function generatedAt(timeZone: string): string {
  const parts = Object.fromEntries(
    new Intl.DateTimeFormat("en-CA", {
      timeZone, year: "numeric", month: "2-digit", day: "2-digit", hour: "2-digit", minute: "2-digit", hourCycle: "h23",
    }).formatToParts(new Date()).map((p) => [p.type, p.value]),
  );
  return `${parts.year}-${parts.month}-${parts.day} ${parts.hour}:${parts.minute} (${timeZone})`;
}

/** Query the marts and draw every chart: everything the template needs, no files written. */
export async function buildWeeklyReport(config: Config, opts: WeeklyReportOptions = {}): Promise<WeeklyReportModel> {
  const paths = lakePaths(config);
  checkMarts(paths);
  const db = await openDb();
  try {
    const weekEnding = opts.weekEnding ?? config.report.weekEnding;
    const week = weekEnding ? weekEndingOn(weekEnding) : await defaultWeek(db, paths);
    const ctx: SectionContext = { db, paths, week };
    const { kpis } = await fetchKpis(db, paths, week);
    // One connection: sections run one after another.
    const charts = {
      dailyVolume: await dailyVolumeSection(ctx),
      channelMix: await channelMixSection(ctx),
      satisfaction: await satisfactionSection(ctx),
      outcomes: await outcomesSection(ctx),
      topics: await topicsSection(ctx),
      forecast: await forecastSection(ctx),
    };
    const churn = await churnSection(ctx);
    return {
      business: config.business.name,
      timezone: config.business.timezone,
      week,
      kpis,
      charts,
      churn,
      generatedAt: generatedAt(config.business.timezone),
    };
  } finally {
    db.close();
  }
}

/** The report as one self-contained HTML document (inline CSS and SVG; nothing to fetch). */
export function reportHtml(model: WeeklyReportModel): string {
  return template()({
    ...model,
    weekStart: model.week.start,
    weekEnd: model.week.end,
    prevStart: model.week.prevStart,
    prevEnd: model.week.prevEnd,
    weekLabel: fmtRange(model.week.start, model.week.end),
    hasForecast: !!model.charts.forecast.svg,
  });
}

export async function renderWeeklyReport(config: Config, opts: WeeklyReportOptions = {}): Promise<WeeklyReportResult> {
  const started = performance.now();
  findChromium(config); // fail before any work when there is no browser to print with
  const model = await buildWeeklyReport(config, opts);
  const html = reportHtml(model);
  const outDir = opts.outDir ?? lakePaths(config).reports;
  mkdirSync(outDir, { recursive: true });
  const base = join(outDir, `weekly-${model.week.end}`);
  const htmlFile = `${base}.html`;
  const pdfFile = `${base}.pdf`;
  writeFileSync(htmlFile, html);
  const tmpPdf = `${pdfFile}.${process.pid}.tmp`;
  try {
    await htmlToPdf(config, html, tmpPdf, { landscape: true });
    renameSync(tmpPdf, pdfFile);
  } finally {
    rmSync(tmpPdf, { force: true });
  }
  log.info(
    { weekStart: model.week.start, weekEnd: model.week.end, pdf: pdfFile, ms: Math.round(performance.now() - started) },
    "weekly report rendered",
  );
  return { pdf: pdfFile, html: htmlFile, weekStart: model.week.start, weekEnd: model.week.end, kpis: model.kpis };
}
