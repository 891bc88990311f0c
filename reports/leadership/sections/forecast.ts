/**
 * Section: the next two weeks — one forecast: the half-hour call forecast the staffing plan is built on (the
 * staffing mart), summed per day for the chart, the sentence and the table alike, after the last 4 weeks of
 * actual calls; and the staffing need per day. The daily range is the sum of the half-hour 80% ranges (wider
 * than a daily 80% range), which the chart's legend says.
 */
import { renderChart, setTemporalTicks } from "../../render/svg.ts";
import { addDays, mondays } from "../../shared/dates.ts";
import { fmtCount, fmtDay, fmtOneDp, fmtRange } from "../../shared/format.ts";
import { query } from "../../shared/sql.ts";
import { readStaffingPlan, staffingByDay, type StaffingRow } from "../../shared/staffing.ts";
import { emptySection, type ChartSection, type Section, type SectionContext, type Table } from "./types.ts";

export const FORECAST_UNAVAILABLE = "Call forecast not available: the staffing plan and its forecast have not been built (run the forecast model).";

/** What the forecast is, in the report's words (the appendix's forecast_calls definition says the same). */
export const FORECAST_SOURCE = "the half-hour forecast the staffing plan uses, summed per day";

type Day = { date: string; forecast: number; lower80: number; upper80: number };

function perDay(rows: readonly StaffingRow[]): Day[] {
  const days = new Map<string, Day>();
  for (const r of rows) {
    const d = days.get(r.date) ?? { date: r.date, forecast: 0, lower80: 0, upper80: 0 };
    d.forecast += r.forecast;
    d.lower80 += r.lower ?? r.forecast;
    d.upper80 += r.upper ?? r.forecast;
    days.set(r.date, d);
  }
  return [...days.values()].sort((a, b) => a.date.localeCompare(b.date));
}

async function forecastChart(ctx: SectionContext, days: Day[]): Promise<ChartSection> {
  const id = "forecast";
  const title = "Calls: the next 14 days forecast";
  if (days.length === 0) return emptySection(id, title, FORECAST_UNAVAILABLE);
  const actual = await query<{ date: string; calls: number }>(ctx.db, ctx.paths, "calls_recent", { before: days[0]!.date });
  const total = days.reduce((s, r) => s + r.forecast, 0);
  const peak = days.reduce((b, r) => (r.forecast > b.forecast ? r : b));
  const takeaway =
    `${fmtRange(days[0]!.date, days.at(-1)!.date)}: ${fmtCount(total)} calls forecast, ${fmtCount(total / days.length)} a day; ` +
    `peak ${fmtDay(peak.date)} at ${fmtCount(peak.forecast)}. Forecast: ${FORECAST_SOURCE}.`;
  const first = actual[0]?.date ?? days[0]!.date;
  const svg = await renderChart("forecast", { forecast: days, actual }, (spec) => setTemporalTicks(spec, mondays(first, days.at(-1)!.date)));
  return { id, title, svg, takeaway };
}

export async function forecastSection(ctx: SectionContext): Promise<Section> {
  const title = "The next two weeks: forecast and staffing need";
  const from = addDays(ctx.dataEnd, 1);
  const plan = await readStaffingPlan(ctx.db, ctx.paths, from, addDays(from, 13));
  const takeaways: string[] = [];
  const tables: Table[] = [];
  if ("unavailable" in plan || plan.rows.length === 0) {
    takeaways.push("unavailable" in plan ? "Staffing plan not available yet: the staffing model has not run." : `Staffing plan not available: it has no intervals from ${fmtDay(from)}.`);
    return { id: "forecast", title, takeaways, charts: [emptySection("forecast", "Calls: the next 14 days forecast", FORECAST_UNAVAILABLE)], tables };
  }
  const days = perDay(plan.rows);
  const byDay = staffingByDay(plan.rows);
  const peak = byDay.reduce((b, d) => (d.peakAgents > b.peakAgents ? d : b));
  takeaways.push(`Staffing need: up to ${fmtCount(peak.peakAgents)} agents on the phones at once (${fmtDay(peak.date)} ${peak.peakAt}); ` +
    `${fmtCount(byDay.reduce((s, d) => s + d.agentHours, 0))} agent-hours over ${byDay.length} days. The staffing report has every interval.`);
  tables.push({
    id: "staffing-days",
    title: "Calls forecast and staffing need per day (agents on the phones, before shrinkage unless scheduled is shown)",
    columns: [{ label: "Day" }, { label: "Calls forecast", num: true }, { label: "Peak agents", num: true }, { label: "At", num: true },
      { label: "Agent-hours", num: true }, ...(byDay.some((d) => d.scheduledPeak !== null) ? [{ label: "Peak scheduled", num: true }] : [])],
    rows: byDay.map((d) => ({
      cells: [fmtDay(d.date), fmtCount(d.forecast), fmtCount(d.peakAgents), d.peakAt, fmtOneDp(d.agentHours),
        ...(d.scheduledPeak !== null ? [fmtCount(d.scheduledPeak)] : byDay.some((x) => x.scheduledPeak !== null) ? ["—"] : [])],
    })),
  });
  return { id: "forecast", title, takeaways, charts: [await forecastChart(ctx, days)], tables };
}
