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
  const parts: string[] = [];
  if (nps.length >= 2) parts.push(`NPS went from ${fmtNps(nps[0]!.nps)} to ${fmtNps(nps.at(-1)!.nps)}`);
  else if (nps.length === 1) parts.push(`NPS ${fmtNps(nps[0]!.nps)} (one week with responses)`);
  if (csat.length >= 2) parts.push(`CSAT from ${fmtPercent(csat[0]!.csat)} to ${fmtPercent(csat.at(-1)!.csat)}`);
  else if (csat.length === 1) parts.push(`CSAT ${fmtPercent(csat[0]!.csat)} (one week with responses)`);
  const weeks = data.length;
  const takeaway = `Over ${weeks} week${weeks === 1 ? "" : "s"} ${parts.join(" and ")}.`;

  const svg = await renderChart("satisfaction_trend", { rows: points }, (spec) =>
    setTemporalTicks(spec, mondays(start, week.start, 2)));
  return { id, title, svg, takeaway };
}
