/**
 * Section: the next two weeks — the daily call forecast with 80%/95% ranges after the last 4 weeks of
 * actual calls (volume_forecast), and the staffing need per day from the staffing plan when it exists.
 */
import { renderChart, setTemporalTicks } from "../../render/svg.ts";
import { addDays, mondays } from "../../shared/dates.ts";
import { fmtCount, fmtDay, fmtOneDp, fmtRange } from "../../shared/format.ts";
import { martAvailable, query } from "../../shared/sql.ts";
import { readStaffingPlan, staffingByDay } from "../../shared/staffing.ts";
import { emptySection, type ChartSection, type Section, type SectionContext, type Table } from "./types.ts";

type ForecastRow = {
  date: string; is_total: boolean; model_version: string | null;
  forecast: number; lower80: number; upper80: number; lower95: number; upper95: number;
};

export const FORECAST_UNAVAILABLE = "Call forecast not available: the volume_forecast mart has not been built (run the forecast model).";

async function forecastChart(ctx: SectionContext): Promise<{ chart: ChartSection; days: ForecastRow[] }> {
  const { db, paths, period } = ctx;
  const id = "forecast";
  const title = "Calls: next 14 days forecast";
  if (!martAvailable(paths, "volume_forecast")) return { chart: emptySection(id, title, FORECAST_UNAVAILABLE), days: [] };
  const fc = await query<ForecastRow>(db, paths, "forecast_next", { week_end: period.end });
  if (fc.length === 0) return { chart: emptySection(id, title, `Call forecast not available: volume_forecast has no call forecasts after ${period.end}.`), days: [] };
  const actual = await query<{ date: string; calls: number }>(db, paths, "calls_recent", { before: fc[0]!.date });
  const total = fc.reduce((s, r) => s + r.forecast, 0);
  const peak = fc.reduce((b, r) => (r.forecast > b.forecast ? r : b));
  const versions = [...new Set(fc.map((r) => r.model_version).filter((v): v is string => !!v))];
  const summed = fc.some((r) => !r.is_total) ? " Lines summed (no business-total forecast); ranges are indicative." : "";
  const takeaway =
    `${fmtRange(fc[0]!.date, fc.at(-1)!.date)}: ${fmtCount(total)} calls forecast, ${fmtCount(total / fc.length)} a day; ` +
    `peak ${fmtDay(peak.date)} at ${fmtCount(peak.forecast)} (80% range ${fmtCount(peak.lower80)}–${fmtCount(peak.upper80)}).` +
    (versions.length ? ` Model ${versions.join(", ")}.` : "") + summed;
  const first = actual[0]?.date ?? fc[0]!.date;
  const svg = await renderChart("forecast", { forecast: fc, actual }, (spec) => setTemporalTicks(spec, mondays(first, fc.at(-1)!.date)));
  return { chart: { id, title, svg, takeaway }, days: fc };
}

export async function forecastSection(ctx: SectionContext): Promise<Section> {
  const { chart, days } = await forecastChart(ctx);
  const from = days[0]?.date ?? addDays(ctx.period.end, 1);
  const plan = await readStaffingPlan(ctx.db, ctx.paths, from, addDays(from, 13));
  const takeaways: string[] = [];
  const tables: Table[] = [];
  if ("unavailable" in plan) {
    takeaways.push(plan.unavailable);
  } else if (plan.rows.length === 0) {
    takeaways.push(`Staffing plan: the ${plan.mart} mart has no intervals from ${from}.`);
  } else {
    const byDay = staffingByDay(plan.rows);
    const peak = byDay.reduce((b, d) => (d.peakAgents > b.peakAgents ? d : b));
    takeaways.push(`Staffing need: up to ${fmtCount(peak.peakAgents)} agents on the phones at once (${fmtDay(peak.date)} ${peak.peakAt}); ` +
      `${fmtCount(byDay.reduce((s, d) => s + d.agentHours, 0))} agent-hours over ${byDay.length} days, from the ${plan.mart} mart. The staffing report has every interval.`);
    tables.push({
      id: "staffing-days",
      title: "Staffing need per day (agents on the phones, before shrinkage unless scheduled is shown)",
      columns: [{ label: "Day" }, { label: "Calls forecast", num: true }, { label: "Peak agents", num: true }, { label: "At", num: true },
        { label: "Agent-hours", num: true }, ...(byDay.some((d) => d.scheduledPeak !== null) ? [{ label: "Peak scheduled", num: true }] : [])],
      rows: byDay.map((d) => ({
        cells: [fmtDay(d.date), fmtCount(d.forecast), fmtCount(d.peakAgents), d.peakAt, fmtOneDp(d.agentHours),
          ...(d.scheduledPeak !== null ? [fmtCount(d.scheduledPeak)] : byDay.some((x) => x.scheduledPeak !== null) ? ["—"] : [])],
      })),
    });
  }
  return { id: "forecast", title: "The next two weeks: forecast and staffing need", takeaways, charts: [chart], tables };
}
