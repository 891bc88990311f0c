/** Chart 6: the next 14 days' call forecast with 80%/95% ranges, after the last 4 weeks of actual calls. */
import { renderChart, setTemporalTicks } from "../../render/svg.ts";
import { fmtCount, fmtDay, fmtRange } from "../format.ts";
import { martAvailable, query } from "../sql.ts";
import { mondays } from "../week.ts";
import { emptySection, type ChartSection, type SectionContext } from "./types.ts";

type ForecastRow = {
  date: string; is_total: boolean; model_version: string | null;
  forecast: number; lower80: number; upper80: number; lower95: number; upper95: number;
};

export const FORECAST_UNAVAILABLE = "Call forecast not available: the volume_forecast mart has not been built (run the forecast model).";

export async function forecastSection({ db, paths, week }: SectionContext): Promise<ChartSection> {
  const id = "forecast";
  const title = "Calls: next 14 days forecast";
  if (!martAvailable(paths, "volume_forecast")) return emptySection(id, title, FORECAST_UNAVAILABLE);
  const fc = await query<ForecastRow>(db, paths, "forecast_next", { week_end: week.end });
  if (fc.length === 0) {
    return emptySection(id, title, `Call forecast not available: volume_forecast has no call forecasts after ${week.end}.`);
  }
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
  const svg = await renderChart("forecast", { forecast: fc, actual }, (spec) =>
    setTemporalTicks(spec, mondays(first, fc.at(-1)!.date)));
  return { id, title, svg, takeaway };
}
