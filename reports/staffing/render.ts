/**
 * The staffing report for planners, for the coming week or month, from the staffing model's marts:
 *   per queue (each line's calls — dedicated teams —, all calls pooled, messages per line and pooled) and day:
 *   the forecast, agents needed, scheduled with shrinkage, achieved service level, ASA, occupancy,
 *   abandonment, paid hours of the shift plan and FTE; per week the same; the shift plan per day and queue
 *   against the LP bound; the assumptions the plan is built on (config models.staffing); the forecast's
 *   accuracy in recent weeks (forecast_accuracy); and the pooled call queue per interval (heatmap and tables).
 * Closed days and intervals have no row in the staffing mart, so they show no staff; the report names them.
 * Writes <reports>/<period end>/staffing-<week|month>-<period id>.{pdf,html,csv}; the CSV has the one planners'
 * schema (models/staffing/csv.ts), every queue and open interval of the period, rounded as a planner reads them.
 */
import { writeFileSync, mkdirSync } from "node:fs";
import { dirname, join, basename } from "node:path";
import type { Config } from "../../pipelines/core/config.ts";
import { exec, openDb } from "../../pipelines/core/duckdb.ts";
import { log } from "../../pipelines/core/log.ts";
import { lakePaths, projectRoot } from "../../pipelines/core/paths.ts";
import { STAFFING_CSV_COLUMNS, staffingCsvSql } from "../../models/staffing/csv.ts";
import { businessCalendar } from "../../models/shared/businessCalendar.ts";
import { StaffingConfigSchema, type StaffingConfig } from "../../models/staffing/config.ts";
import type { ChartSection, Table } from "../render/model.ts";
import { findChromium } from "../render/pdf.ts";
import { pageStyle, printReport, template } from "../render/page.ts";
import { renderChart } from "../render/svg.ts";
import { addDays } from "../shared/dates.ts";
import { fmtCount, fmtDay, fmtDuration, fmtOneDp, fmtRatio } from "../shared/format.ts";
import { freshness, type Freshness } from "../shared/freshness.ts";
import { lastCompletePeriod, periodContaining, type PeriodKind, type ReportPeriod } from "../shared/period.ts";
import { lastDataDay, martAvailable } from "../shared/sql.ts";
import { readStaffingPlan, staffingByDay, type StaffingRow } from "../shared/staffing.ts";
import { readAccuracy, readIntervals, readQueueDays, readShifts, type AccuracyRow, type IntervalRow, type QueueDay, type ShiftRow } from "./data.ts";

export type StaffingOptions = { period?: PeriodKind; date?: string | undefined; outDir?: string | undefined };

/** A queue's plan summed over days: hours add, rates are weighted as in staffing_queues.sql. */
export type QueueTotal = {
  key: string; label: string; line: string; channel: string; pooling: string; days: number;
  forecast: number; offered: number; peakAgents: number; agentHours: number; scheduledHours: number; paidHours: number | null; lpBoundHours: number | null;
  fte: number | null; serviceLevel: number | null; asaSeconds: number | null; occupancy: number | null; abandonRate: number | null;
};

export type StaffingModel = {
  business: string; timezone: string; reportName: string; period: ReportPeriod; freshness: Freshness;
  available: boolean; note?: string; mart: string;
  /** The pooled call queue (the business total) per open interval: the heatmap's and the interval tables' rows. */
  rows: StaffingRow[];
  queueDays: QueueDay[]; queues: QueueTotal[]; shifts: ShiftRow[] | null; accuracy: AccuracyRow[] | null;
  closedDays: Array<{ date: string; reason: string }>;
  assumptions: string[]; takeaways: string[]; heatmap?: ChartSection;
  /** Tables in print order: the week per queue, then per day, the shift plan, accuracy, then intervals. */
  weekTable?: Table; dayTables: Table[]; shiftTables: Table[]; accuracyTable?: Table; intervalTables: Table[];
};

export const STAFFING_NAME: Record<PeriodKind, string> = { week: "Weekly staffing plan", month: "Monthly staffing plan" };
/** Recent weeks of forecast accuracy the report shows. */
export const ACCURACY_WEEKS = 4;

const queueKey = (line: string, channel: string) => `${channel}|${line}`;
export function queueLabel(line: string, channel: string): string {
  const noun = channel === "call" ? "calls" : "messages";
  return line === "All" ? `All ${noun} (pooled)` : `${line} ${noun}`;
}

function staffingConfig(config: Config): StaffingConfig {
  return (config.models as { staffing?: StaffingConfig }).staffing ?? StaffingConfigSchema.parse({});
}

/** Weighted mean of v by w over rows where v is known (null when none is). */
function wmean<T>(rows: readonly T[], v: (r: T) => number | null, w: (r: T) => number): number | null {
  let s = 0;
  let n = 0;
  for (const r of rows) { const x = v(r); if (x !== null && Number.isFinite(x)) { s += x * w(r); n += w(r); } }
  return n > 0 ? s / n : null;
}

function paidByQueueDay(shifts: ShiftRow[] | null): Map<string, { paid: number; lp: number }> {
  const out = new Map<string, { paid: number; lp: number }>();
  for (const s of shifts ?? []) out.set(`${queueKey(s.line, s.channel)}|${s.date}`, { paid: s.day_paid_hours, lp: s.day_lp_bound_hours });
  return out;
}

export function queueTotals(days: QueueDay[], shifts: ShiftRow[] | null, hoursPerFte: number): QueueTotal[] {
  const paid = paidByQueueDay(shifts);
  const groups = new Map<string, QueueDay[]>();
  for (const d of days) groups.set(queueKey(d.line, d.channel), [...(groups.get(queueKey(d.line, d.channel)) ?? []), d]);
  return [...groups].map(([key, ds]) => {
    const p = shifts ? ds.map((d) => paid.get(`${key}|${d.date}`) ?? { paid: 0, lp: 0 }) : null;
    const paidHours = p ? p.reduce((s, x) => s + x.paid, 0) : null;
    return {
      key, label: queueLabel(ds[0]!.line, ds[0]!.channel), line: ds[0]!.line, channel: ds[0]!.channel, pooling: ds[0]!.pooling, days: ds.length,
      forecast: ds.reduce((s, d) => s + d.forecast, 0), offered: ds.reduce((s, d) => s + d.offered, 0),
      peakAgents: Math.max(...ds.map((d) => d.peak_agents)), agentHours: ds.reduce((s, d) => s + d.agent_hours, 0),
      scheduledHours: ds.reduce((s, d) => s + d.scheduled_hours, 0), paidHours, lpBoundHours: p ? p.reduce((s, x) => s + x.lp, 0) : null,
      fte: paidHours === null ? null : paidHours / hoursPerFte,
      serviceLevel: wmean(ds, (d) => d.service_level, (d) => d.offered),
      asaSeconds: wmean(ds, (d) => d.asa_seconds, (d) => d.offered),
      // Occupancy is Σ workload ÷ Σ agent-time: weight each day's by its agent-hours.
      occupancy: wmean(ds, (d) => d.occupancy, (d) => d.agent_hours),
      abandonRate: wmean(ds, (d) => d.abandon_rate, (d) => d.offered),
    };
  });
}

const NUM = (label: string) => ({ label, num: true });
const pct = (v: number | null) => (v === null ? "n/a" : fmtRatio(v));
const secs = (v: number | null) => (v === null ? "n/a" : fmtDuration(v));
const hours = (v: number | null) => (v === null ? "n/a" : fmtOneDp(v));

function weekTable(queues: QueueTotal[], period: ReportPeriod, hoursPerFte: number): Table {
  return {
    id: "staffing-week",
    title: `${period.kind === "week" ? "The week" : "The month"} per queue`,
    columns: [{ label: "Queue" }, NUM("Forecast"), NUM("Peak agents"), NUM("Agent-hours needed"), NUM("Scheduled hours"), NUM("Paid hours (shifts)"),
      NUM("FTE"), NUM("Service level"), NUM("ASA"), NUM("Occupancy"), NUM("Abandoned")],
    rows: queues.map((q) => ({
      cells: [q.label, fmtCount(q.forecast), fmtCount(q.peakAgents), fmtOneDp(q.agentHours), fmtOneDp(q.scheduledHours), hours(q.paidHours),
        q.fte === null ? "n/a" : fmtOneDp(q.fte), pct(q.serviceLevel), secs(q.asaSeconds), pct(q.occupancy), pct(q.abandonRate)],
    })),
    caption: `Forecast: incoming calls or messages in open hours (messages that arrive while closed wait for the next opening and count in its workload). Scheduled hours include shrinkage; paid hours are the shift plan's. FTE = paid hours ÷ ${fmtOneDp(hoursPerFte)} h a week. ` +
      "Service level, ASA and abandonment are averages over the contacts offered; occupancy over the agents' time. Abandoned: n/a where Erlang A has no patience estimate (messages never abandon).",
  };
}

function dayTables(days: QueueDay[], shifts: ShiftRow[] | null, hoursPerFte: number): Table[] {
  const paid = paidByQueueDay(shifts);
  const byDate = new Map<string, QueueDay[]>();
  for (const d of days) byDate.set(d.date, [...(byDate.get(d.date) ?? []), d]);
  const dayFte = hoursPerFte / 5;
  return [...byDate].map(([date, ds]) => {
    const calls = ds.find((d) => d.channel === "call") ?? ds[0]!;
    return {
      id: `staffing-day-${date}`,
      title: `${fmtDay(date)} ${date.slice(0, 4)} · open ${calls.first_interval}–${calls.last_interval_end}`,
      columns: [{ label: "Queue" }, NUM("Forecast"), NUM("Peak agents"), NUM("Agent-hours"), NUM("Peak scheduled"), NUM("Scheduled hours"),
        NUM("Paid hours"), NUM("FTE"), NUM("Service level"), NUM("ASA"), NUM("Occupancy"), NUM("Abandoned")],
      rows: ds.map((d) => {
        const p = shifts ? (paid.get(`${queueKey(d.line, d.channel)}|${d.date}`)?.paid ?? 0) : null;
        return {
          cells: [queueLabel(d.line, d.channel), fmtOneDp(d.forecast), fmtCount(d.peak_agents), fmtOneDp(d.agent_hours), fmtCount(d.peak_scheduled),
            fmtOneDp(d.scheduled_hours), hours(p), p === null ? "n/a" : fmtOneDp(p / dayFte), pct(d.service_level), secs(d.asa_seconds), pct(d.occupancy), pct(d.abandon_rate)],
        };
      }),
    };
  });
}

/** Per day: a row per queue and shift (start–end, unpaid break, people, paid hours), then the queue's total against the LP bound. */
function shiftTables(shifts: ShiftRow[]): Table[] {
  const byDate = new Map<string, ShiftRow[]>();
  for (const s of shifts) byDate.set(s.date, [...(byDate.get(s.date) ?? []), s]);
  return [...byDate].map(([date, ss]) => {
    const byQueue = new Map<string, ShiftRow[]>();
    for (const s of ss) byQueue.set(queueKey(s.line, s.channel), [...(byQueue.get(queueKey(s.line, s.channel)) ?? []), s]);
    return {
      id: `shifts-${date}`,
      title: `Shift plan, ${fmtDay(date)} ${date.slice(0, 4)}`,
      columns: [{ label: "Queue" }, { label: "Shift" }, { label: "Start–end" }, { label: "Unpaid break" }, NUM("People"), NUM("Paid hours"), NUM("LP bound")],
      rows: [...byQueue.values()].flatMap((qs) => {
        const label = queueLabel(qs[0]!.line, qs[0]!.channel);
        return [
          ...qs.map((s) => ({ cells: [label, s.shift, `${s.start_time}–${s.end_time}`, s.break_time ? `${s.break_time}–${addMinutes(s.break_time, s.break_minutes)}` : "—",
            fmtCount(s.agents), fmtOneDp(s.agents * s.paid_hours), ""] })),
          { tone: "muted" as const, cells: [label, "total", "", "", fmtCount(qs.reduce((n, s) => n + s.agents, 0)), fmtOneDp(qs[0]!.day_paid_hours), fmtOneDp(qs[0]!.day_lp_bound_hours)] },
        ];
      }),
      caption: "Every open interval has at least its scheduled agents working (not on break). LP bound: the paid hours no plan can go below (the integer program without whole people).",
    };
  });
}

const addMinutes = (hm: string, m: number) => {
  const t = Number(hm.slice(0, 2)) * 60 + Number(hm.slice(3, 5)) + m;
  return `${String(Math.floor(t / 60)).padStart(2, "0")}:${String(t % 60).padStart(2, "0")}`;
};

function accuracyTable(rows: AccuracyRow[]): Table {
  return {
    id: "forecast-accuracy",
    title: `Forecast accuracy, the last ${ACCURACY_WEEKS} weeks scored (forecasts 1–7 days ahead)`,
    columns: [{ label: "Week of" }, { label: "Queue" }, NUM("Actual"), NUM("Forecast"), NUM("WAPE"), NUM("Bias"), NUM("MASE"), NUM("80% range held"), NUM("95% range held"), { label: "From" }],
    rows: rows.map((r) => ({
      cells: [fmtDay(r.week_start) + " " + r.week_start.slice(0, 4), queueLabel(r.line, r.channel), fmtCount(r.actual), fmtCount(r.forecast), pct(r.wape),
        r.bias === null ? "n/a" : `${r.bias > 0 ? "+" : ""}${fmtRatio(r.bias)}`, r.mase === null ? "n/a" : r.mase.toFixed(2), pct(r.coverage80), pct(r.coverage95), r.sources],
    })),
    caption: "Daily forecasts against what happened (forecast_accuracy). WAPE = Σ|forecast − actual| ÷ Σ actual; bias: + over-forecast; MASE below 1 beats the same weekday a week earlier. " +
      "Range held: days whose actual fell inside the forecast's 80% (95%) range; well calibrated near 80% (95%). From: backtest = seeded by rolling-origin backtests, run = a forecast the pipeline made.",
  };
}

function intervalTables(rows: IntervalRow[]): Table[] {
  const byDate = new Map<string, IntervalRow[]>();
  for (const r of rows) byDate.set(r.date, [...(byDate.get(r.date) ?? []), r]);
  return [...byDate].map(([date, rs]) => ({
    id: `staffing-${date}`,
    title: `All calls (pooled) per interval, ${fmtDay(date)} ${date.slice(0, 4)}`,
    columns: [{ label: "Interval" }, NUM("Calls forecast"), NUM("80% range"), NUM("Handle time"), NUM("Agents needed"), NUM("Scheduled (with shrinkage)"),
      NUM("Rostered"), NUM("Service level"), NUM("ASA"), NUM("Occupancy")],
    rows: rs.map((r) => ({
      cells: [r.interval_start.slice(11), fmtOneDp(r.forecast), `${fmtOneDp(r.lower80)}–${fmtOneDp(r.upper80)}`, fmtDuration(r.aht_seconds), fmtCount(r.agents),
        fmtCount(r.scheduled), fmtCount(r.rostered), fmtRatio(r.service_level), secs(r.asa_seconds), fmtRatio(r.occupancy)],
    })),
  }));
}

function assumptions(cfg: StaffingConfig, queues: QueueTotal[]): string[] {
  const m = cfg.messages;
  const pooled = queues.find((q) => q.channel === "call" && q.line === "All");
  const lines = queues.filter((q) => q.channel === "call" && q.line !== "All");
  const lineHours = lines.reduce((s, q) => s + q.agentHours, 0);
  const cross = pooled && lines.length && pooled.agentHours > 0
    ? ` Planned line by line the calls need ${fmtOneDp(lineHours)} agent-hours, pooled ${fmtOneDp(pooled.agentHours)} (${lineHours >= pooled.agentHours ? "+" : ""}${fmtOneDp((100 * (lineHours - pooled.agentHours)) / pooled.agentHours)}% for dedicated teams). Staff one or the other, not both.`
    : "";
  return [
    `Service level target: ${fmtRatio(cfg.targetServiceLevel)} of calls answered within ${fmtCount(cfg.targetSeconds)} seconds (${fmtCount(cfg.targetServiceLevel * 100)}/${fmtCount(cfg.targetSeconds)}), ` +
      `agents by ${cfg.method === "erlang_a" ? "Erlang A (callers hang up after their line's mean patience) where patience is known, else Erlang C" : "Erlang C (M/M/N: no caller hangs up)"} ` +
      `for the ${cfg.staffTo === "upper80" ? "upper end of the forecast's 80% range" : "point forecast"}; maximum occupancy ${fmtRatio(cfg.maxOccupancy)}; at least ${fmtCount(cfg.minAgents)} agent in every open interval of a call queue. ` +
      "Abandoned: the share of callers Erlang A expects to hang up with those agents, where the line's patience can be estimated from its call history.",
    `Shrinkage ${fmtRatio(cfg.shrinkage)} (breaks, training, absence): scheduled = ⌈agents ÷ (1 − ${cfg.shrinkage})⌉. Shifts cover the scheduled agents of every open interval at the fewest paid hours (HiGHS integer program over the templates ${cfg.shifts.templates.map((t) => `${t.name} ${fmtDuration(t.minutes * 60).replace(/:00$/, "")} h${t.breakMinutes ? ` with a ${t.breakMinutes}-minute unpaid break` : ""}`).join(", ")}); the LP bound is the least any plan could pay.`,
    `Cross-skilling: a line's plan (dedicated) assumes its agents take only that line's contacts; "All … (pooled)" assumes every agent takes every line's contacts (fully cross-skilled).${cross}`,
    `Messages are asynchronous: Erlang C on the first-response target (${fmtRatio(m.responseShare)} answered within ${fmtDuration(m.responseSeconds)}) with a concurrency of ${fmtCount(m.concurrency)} conversations per agent ` +
      `and ${fmtDuration(m.handleSeconds)} of agent work per message; messages that arrive while closed wait for the next opening. This is how workforce tools (NICE, Calabrio, Verint) plan digital queues with a concurrency setting; see G. Koole, Call Center Optimization (2013), on chat and e-mail.`,
    `Handle times: each line's answered calls per weekday and interval over the last ${fmtCount(cfg.lookbackDays)} days. Closed days and intervals (business hours, holidays, special days) get no staff. ` +
      `FTE = paid hours ÷ ${fmtOneDp(cfg.hoursPerFte)} h a week (a day: ÷ ${fmtOneDp(cfg.hoursPerFte / 5)} h).`,
  ];
}

async function heatmap(rows: StaffingRow[]): Promise<ChartSection> {
  const max = Math.max(...rows.map((r) => r.agents));
  const svg = await renderChart("staffing_heatmap", {
    rows: rows.filter((r) => r.forecast > 0 || r.agents > 0).map((r) => ({
      date: r.date, day: fmtDay(r.date), time: r.interval_start.slice(11),
      slot: Number(r.interval_start.slice(11, 13)) * 60 + Number(r.interval_start.slice(14, 16)), agents: r.agents, max_agents: max,
    })),
  });
  return { id: "staffing-heatmap", title: "All calls (pooled): agents needed by day and interval", svg, takeaway: "Only open intervals are planned: closed hours and days are blank." };
}

/** Days of the period without a planned interval, with the business calendar's reason (models/shared/businessCalendar.ts: the one definition of hours and holidays). */
function closedDays(config: Config, period: ReportPeriod, planned: Set<string>): Array<{ date: string; reason: string }> {
  const dayNum = (iso: string) => Date.parse(`${iso}T00:00:00Z`) / 86_400_000;
  const cal = businessCalendar(config).days(dayNum(period.start), dayNum(period.end));
  return cal.flatMap((d) => {
    const date = new Date(d.day * 86_400_000).toISOString().slice(0, 10);
    if (planned.has(date)) return [];
    const reason = d.open === null ? (d.holiday ? `closed, ${d.holiday}` : d.special ? `closed, ${d.special}` : "closed") : "open, beyond the plan's horizon";
    return [{ date, reason }];
  });
}

export async function buildStaffingReport(config: Config, opts: StaffingOptions = {}): Promise<StaffingModel> {
  const kind = opts.period ?? "week";
  const paths = lakePaths(config);
  const cfg = staffingConfig(config);
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
    const empty = { rows: [], queueDays: [], queues: [], shifts: null, accuracy: null, closedDays: [], assumptions: [], takeaways: [], dayTables: [], shiftTables: [], intervalTables: [] };
    const plan = await readStaffingPlan(db, paths, period.start, period.end);
    if ("unavailable" in plan) return { ...base, ...empty, available: false, note: plan.unavailable, mart: "staffing" };
    if (plan.rows.length === 0) {
      return { ...base, ...empty, available: false, note: `The ${plan.mart} mart has no intervals between ${period.start} and ${period.end}.`, mart: plan.mart };
    }
    const queueDays = await readQueueDays(db, paths, period.start, period.end);
    const shifts = await readShifts(db, paths, period.start, period.end);
    const accuracy = await readAccuracy(db, paths, period.start, ACCURACY_WEEKS);
    const intervals = await readIntervals(db, paths, period.start, period.end, "All", "call");
    const queues = queueTotals(queueDays, shifts, cfg.hoursPerFte);
    const closed = closedDays(config, period, new Set(queueDays.map((d) => d.date)));
    const days = staffingByDay(plan.rows);
    const peak = days.reduce((b, d) => (d.peakAgents > b.peakAgents ? d : b));
    const covered = `${fmtCount(days.length)} of ${fmtCount((Date.parse(period.end) - Date.parse(period.start)) / 86_400_000 + 1)} days`;
    const paid = queues.filter((q) => q.paidHours !== null);
    const takeaways = [
      `${fmtCount(plan.rows.reduce((s, r) => s + r.forecast, 0))} calls forecast over ${covered} (${plan.line === "All" ? "business total" : "lines summed"}).`,
      `Peak need: ${fmtCount(peak.peakAgents)} agents on the phones at once, ${fmtDay(peak.date)} ${peak.peakAt}; ${fmtCount(days.reduce((s, d) => s + d.agentHours, 0))} agent-hours in all.`,
      ...(days.some((d) => d.scheduledPeak !== null) ? ["“Scheduled” adds shrinkage (breaks, training, absence) to the agents needed."] : []),
      ...(paid.length ? [`Shift plan: ${paid.map((q) => `${q.label} ${fmtOneDp(q.paidHours)} paid hours (${fmtOneDp(q.fte)} FTE; LP bound ${fmtOneDp(q.lpBoundHours)})`).join("; ")}.`] : ["No shift plan has been built (the shift_plan mart is missing)."]),
      ...(closed.length ? [`No staff on ${closed.map((c) => `${fmtDay(c.date)} (${c.reason})`).join(", ")}.`] : []),
    ];
    return {
      ...base, available: true, mart: plan.mart, rows: plan.rows, queueDays, queues, shifts, accuracy, closedDays: closed,
      assumptions: assumptions(cfg, queues), takeaways, heatmap: await heatmap(plan.rows),
      weekTable: weekTable(queues, period, cfg.hoursPerFte), dayTables: dayTables(queueDays, shifts, cfg.hoursPerFte),
      shiftTables: shifts ? shiftTables(shifts) : [], ...(accuracy && accuracy.length ? { accuracyTable: accuracyTable(accuracy) } : {}),
      intervalTables: intervalTables(intervals),
    };
  } finally {
    db.close();
  }
}

const templateFile = join(projectRoot, "reports", "staffing", "template.hbs");

export function staffingPdfPath(config: Config, period: ReportPeriod, outDir?: string): string {
  return join(outDir ?? join(lakePaths(config).reports, period.end), `staffing-${period.kind}-${period.id}.pdf`);
}

/** The planners' CSV for the period: every queue and open interval, in the one schema (header only without a plan). */
async function writeCsv(config: Config, period: ReportPeriod, file: string): Promise<void> {
  const paths = lakePaths(config);
  if (!martAvailable(paths, "staffing")) { writeFileSync(file, `${STAFFING_CSV_COLUMNS.join(",")}\n`); return; }
  const db = await openDb();
  try {
    await exec(db, staffingCsvSql(join(paths.marts, "staffing", "**", "*.parquet"), file, period.start, period.end));
  } finally {
    db.close();
  }
}

const cellsOf = (t: Table) => ({ ...t, rows: t.rows.map((r) => ({ ...r, cells: r.cells.map((text, c) => ({ text, num: !!t.columns[c]?.num })) })) });

export async function renderStaffingReport(config: Config, opts: StaffingOptions = {}) {
  const started = performance.now();
  findChromium(config);
  const model = await buildStaffingReport(config, opts);
  const pdfFile = staffingPdfPath(config, model.period, opts.outDir);
  const csvFile = pdfFile.replace(/\.pdf$/, ".csv");
  mkdirSync(dirname(csvFile), { recursive: true });
  await writeCsv(config, model.period, csvFile);
  const html = template(templateFile)({
    ...model, style: pageStyle(), csvName: basename(csvFile),
    periodHeading: model.period.kind === "week" ? `Week ${model.period.label}` : model.period.label,
    intervalMinutes: model.rows[0]?.interval_minutes ?? 30,
    weekTable: model.weekTable ? cellsOf(model.weekTable) : undefined,
    dayTables: model.dayTables.map(cellsOf), shiftTables: model.shiftTables.map(cellsOf),
    accuracyTable: model.accuracyTable ? cellsOf(model.accuracyTable) : undefined,
    accuracyMissing: model.accuracy === null ? "No forecast_accuracy mart has been built yet." : model.accuracy.length === 0 ? "No week before this period has been scored yet." : null,
    intervalTables: model.intervalTables.map(cellsOf),
  });
  const out = await printReport(config, {
    html, pdfFile, reportName: model.reportName, periodLabel: model.period.label, business: model.business, dataDate: model.period.start, landscape: true,
  });
  const ms = Math.round(performance.now() - started);
  log.debug({ period: model.period.id, pdf: out.pdf, csv: csvFile, ms }, "staffing report rendered"); // the CLI prints what was written
  return { ...out, csv: csvFile, period: model.period, files: [out.pdf, out.html, csvFile], ms, model };
}
