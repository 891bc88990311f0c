/**
 * The leadership report, weekly or monthly: marts → executive summary (KPIs, change sentences, data
 * freshness) and one section per subject → HTML (Handlebars) → PDF (Chromium). Writes
 * <reports>/<period end>/leadership-<week|month>-<period id>.pdf and the .html beside it.
 */
import { join } from "node:path";
import type { Config } from "../../pipelines/core/config.ts";
import { openDb, type Db } from "../../pipelines/core/duckdb.ts";
import { log } from "../../pipelines/core/log.ts";
import { lakePaths, projectRoot, type Paths } from "../../pipelines/core/paths.ts";
import { freshness, type Freshness } from "../shared/freshness.ts";
import type { StaffingConfig } from "../../models/staffing/config.ts";
import { fmtDay, fmtRange } from "../shared/format.ts";
import { buildKpis, type Kpi } from "../shared/kpis.ts";
import { readDefinitions, readRange } from "../shared/metrics.ts";
import { lastCompletePeriod, periodContaining, previousLabel, type PeriodKind, type ReportPeriod } from "../shared/period.ts";
import { minGroupSize } from "../shared/suppress.ts";
import { findChromium } from "../render/pdf.ts";
import { pageStyle, printReport, template } from "../render/page.ts";
import { martAvailable, query, lastDataDay } from "../shared/sql.ts";
import { appendixSection, type Appendix } from "./sections/appendix.ts";
import { changeSentences, type ChangeSentence } from "./narrative.ts";
import { churnSection } from "./sections/churn.ts";
import { outreachSection } from "./sections/outreach.ts";
import { vocSection } from "./sections/voc.ts";
import { fcrSection } from "./sections/fcr.ts";
import { forecastSection } from "./sections/forecast.ts";
import { ivrSection } from "./sections/ivr.ts";
import { satisfactionSection } from "./sections/satisfaction.ts";
import { sentimentSection } from "./sections/sentiment.ts";
import { serviceSection } from "./sections/service.ts";
import { topicsSection } from "./sections/topics.ts";
import { transfersSection } from "./sections/transfers.ts";
import type { Section, SectionContext } from "./sections/types.ts";
import { volumeSection } from "./sections/volume.ts";

/** Marts the report cannot do without; every other section says "not available" when its mart is missing. */
export const REQUIRED_MARTS = ["metrics", "metric_definitions", "calendar", "daily_volume", "call_outcomes_daily", "topic_daily"] as const;
const MONTH_MARTS = [] as const;

export type LeadershipOptions = {
  period?: PeriodKind;
  /** Any day in the period (YYYY-MM-DD); default: the last complete period in the marts. */
  date?: string | undefined;
  /** Where to write; default <reports>/<period end>/. */
  outDir?: string | undefined;
};

export type LeadershipModel = {
  business: string;
  timezone: string;
  reportName: string;
  period: ReportPeriod;
  kpis: Kpi[];
  sentences: ChangeSentence[];
  /** Holidays in the period and in the one before ("Veterans Day (Wed 11 Nov)"). */
  holidays: string[];
  previousHolidays: string[];
  freshness: Freshness;
  sections: Section[];
  appendix: Appendix;
  k: number;
};

export type ReportResult = { pdf: string; html: string; period: ReportPeriod; files: string[]; ms: number };

export function checkMarts(paths: Paths, kind: PeriodKind): void {
  const needed = kind === "month" ? [...REQUIRED_MARTS, ...MONTH_MARTS] : REQUIRED_MARTS;
  const missing = needed.filter((m) => !martAvailable(paths, m));
  if (missing.length) {
    throw new Error(`the leadership report needs marts that have no Parquet files under ${paths.marts}: ${missing.join(", ")}; run the transforms first`);
  }
}

/** The last complete period in the data (the metrics mart's last day with a call or a text). */
export async function defaultPeriod(db: Db, paths: Paths, kind: PeriodKind): Promise<ReportPeriod> {
  return lastCompletePeriod(kind, await lastDataDay(db, paths, "pick a report period"));
}

/** "Veterans Day (Wed 11 Nov)" for each holiday in [start, end]. */
async function holidaysIn(db: Db, paths: Paths, start: string, end: string): Promise<string[]> {
  const days = await query<{ date: string; holiday: string | null }>(db, paths, "calendar_range", { start, end });
  return days.filter((d) => d.holiday).map((d) => `${d.holiday} (${fmtDay(d.date)})`);
}

export const REPORT_NAME: Record<PeriodKind, string> = { week: "Weekly leadership report", month: "Monthly leadership report" };

/** Query the marts and draw every chart: everything the template needs, no files written. */
export async function buildLeadershipReport(config: Config, opts: LeadershipOptions = {}): Promise<LeadershipModel> {
  const kind = opts.period ?? "week";
  const paths = lakePaths(config);
  checkMarts(paths, kind);
  const db = await openDb();
  try {
    const period = opts.date ? periodContaining(kind, opts.date) : await defaultPeriod(db, paths, kind);
    const [last] = await query<{ max_date: string | null }>(db, paths, "last_day");
    if (!last?.max_date || last.max_date < period.end) {
      throw new Error(`the data ends ${last?.max_date ?? "nowhere"}, before the end of ${period.label} (${period.end}): the leadership report covers complete periods only`);
    }
    const k = minGroupSize(config);
    const defs = await readDefinitions(db, paths);
    const staffing = (config.models as { staffing?: StaffingConfig }).staffing;
    const label = config.models.churn.label;
    const ctx: SectionContext = {
      db, paths, period, k, defs, timezone: config.business.timezone, thisPeriod: kind === "week" ? "this week" : "this month",
      dataEnd: last.max_date, serviceLevelSeconds: config.transform.serviceLevelSeconds, serviceLevelTarget: staffing?.targetServiceLevel ?? null,
      fcrWindowDays: config.transform.fcrWindowDays, churnHorizonDays: label.kind === "explicit" ? label.horizonDays : label.days,
      churnLabel: label.kind,
    };
    const [now, before] = [await readRange(db, paths, period), await readRange(db, paths, { start: period.prevStart, end: period.prevEnd })];
    const kpis = buildKpis({ defs, now, before, kind, serviceLevelTarget: ctx.serviceLevelTarget });
    const holidays = await holidaysIn(db, paths, period.start, period.end);
    const previousHolidays = await holidaysIn(db, paths, period.prevStart, period.prevEnd);
    // One connection: sections run one after another.
    const sections: Section[] = [];
    sections.push(await volumeSection(ctx));
    sections.push(await serviceSection(ctx));
    sections.push(await satisfactionSection(ctx));
    sections.push(await fcrSection(ctx));
    sections.push(await transfersSection(ctx));
    sections.push(await ivrSection(ctx));
    sections.push(await topicsSection(ctx));
    sections.push(await sentimentSection(ctx));
    sections.push(await churnSection(ctx));
    sections.push(await outreachSection(ctx));
    if (kind === "month") sections.push(await vocSection(ctx));
    sections.push(await forecastSection(ctx));
    return {
      business: config.business.name, timezone: config.business.timezone, reportName: REPORT_NAME[kind], period, kpis,
      sentences: changeSentences(kpis, previousLabel(period), { holidays, previousHolidays }), holidays, previousHolidays,
      freshness: await freshness(db, paths, config.business.timezone), sections, k, appendix: appendixSection(ctx),
    };
  } finally {
    db.close();
  }
}

const templateFile = join(projectRoot, "reports", "leadership", "template.hbs");

/** Sections that start on a new page (none: sections flow; charts and short tables never split, long ones continue with their header). */
const NEW_PAGE = new Set<string>([]);

/**
 * Tables of more than this many rows may continue on the next page (rows never split, the header row repeats):
 * kept whole, a long table pushed to the next page would leave most of the page before it blank.
 */
const LONG_TABLE_ROWS = 12;

const cellsOf = (t: Section["tables"][number]) =>
  ({ ...t, long: t.rows.length > LONG_TABLE_ROWS, rows: t.rows.map((r) => ({ ...r, cells: r.cells.map((text, c) => ({ text, num: !!t.columns[c]?.num })) })) });

/** The report as one self-contained HTML document (inline CSS, fonts and SVG; nothing to fetch). */
export function leadershipHtml(model: LeadershipModel): string {
  return template(templateFile)({
    ...model,
    style: pageStyle(),
    periodHeading: model.period.kind === "week" ? `Week ${model.period.label}` : model.period.label,
    previousName: previousLabel(model.period),
    periodRange: fmtRange(model.period.start, model.period.end),
    previousRange: fmtRange(model.period.prevStart, model.period.prevEnd),
    holidayLine: model.holidays.length ? `Holidays in the period: ${model.holidays.join(", ")}.` : "",
    sections: model.sections.map((s, i) => ({ ...s, number: i + 1, newPage: NEW_PAGE.has(s.id), tables: s.tables.map(cellsOf) })),
    appendix: { ...model.appendix, table: cellsOf(model.appendix.table) },
  });
}

export function leadershipPdfPath(config: Config, period: ReportPeriod, outDir?: string): string {
  return join(outDir ?? join(lakePaths(config).reports, period.end), `leadership-${period.kind}-${period.id}.pdf`);
}

export async function renderLeadershipReport(config: Config, opts: LeadershipOptions = {}): Promise<ReportResult & { model: LeadershipModel }> {
  const started = performance.now();
  findChromium(config); // fail before any work when there is no browser to print with
  const model = await buildLeadershipReport(config, opts);
  const out = await printReport(config, {
    html: leadershipHtml(model), pdfFile: leadershipPdfPath(config, model.period, opts.outDir),
    reportName: model.reportName, periodLabel: model.period.label, business: model.business, dataDate: model.period.end,
  });
  const ms = Math.round(performance.now() - started);
  log.debug({ period: model.period.id, kind: model.period.kind, pdf: out.pdf, ms }, "leadership report rendered"); // the CLI prints what was written
  return { ...out, period: model.period, files: [out.pdf, out.html], ms, model };
}
