/** Chart 3: business-total NPS and CSAT over the 12 weeks ending with the report week. */
import { renderChart, setTemporalTicks } from "../../render/svg.ts";
import { fmtNps, fmtPercent } from "../format.ts";
import { query } from "../sql.ts";
import { addDays, mondays } from "../week.ts";
import { emptySection, type ChartSection, type SectionContext } from "./types.ts";

type Row = { week_start: string; nps: number | null; nps_responses: number | null; csat: number | null; csat_responses: number | null };

export async function satisfactionSection({ db, paths, week }: SectionContext): Promise<ChartSection> {
  const id = "satisfaction";
  const title = "NPS and CSAT, last 12 weeks";
  const start = addDays(week.start, -77);
  const data = await query<Row>(db, paths, "satisfaction_trend", { start, week_start: week.start });
  const points = data.flatMap((r) => [
    ...(r.nps !== null ? [{ week_start: r.week_start, metric: "NPS", value: r.nps }] : []),
    ...(r.csat !== null ? [{ week_start: r.week_start, metric: "CSAT (% satisfied)", value: r.csat }] : []),
  ]);
  if (points.length === 0) return emptySection(id, title, `No NPS or CSAT responses between ${start} and ${week.end}.`);

  const nps = data.filter((r) => r.nps !== null);
  const csat = data.filter((r) => r.csat !== null);
  const move = (name: string, xs: Row[], pick: (r: Row) => string) =>
    xs.length >= 2 ? `${name} went from ${pick(xs[0]!)} to ${pick(xs.at(-1)!)}` : xs.length === 1 ? `${name} ${pick(xs[0]!)} (one week of responses)` : `no ${name} responses`;
  const takeaway = data.length >= 2
    ? `Over ${data.length} weeks ${move("NPS", nps, (r) => fmtNps(r.nps))}; ${move("CSAT", csat, (r) => fmtPercent(r.csat))}.`
    : `One week of survey results so far: NPS ${fmtNps(data[0]!.nps)}, CSAT ${fmtPercent(data[0]!.csat)}.`;

  const svg = await renderChart("satisfaction_trend", { rows: points }, (spec) =>
    setTemporalTicks(spec, mondays(data[0]!.week_start, week.start, 2)));
  return { id, title, svg, takeaway };
}
