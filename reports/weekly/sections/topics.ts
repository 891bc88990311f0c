/** Chart 5: this week's top topics against their average over the 4 weeks before, naming the biggest riser. */
import { renderChart } from "../../render/svg.ts";
import { fmtCount, fmtOneDp } from "../format.ts";
import { query } from "../sql.ts";
import { addDays } from "../week.ts";
import { emptySection, type ChartSection, type SectionContext } from "./types.ts";

export const TOP_TOPICS = 8;

export type TopicRow = { topic: string; this_week: number; prior_avg: number };

/** The topic with the largest increase over its 4-week average (ties: more this week, then name). */
export function biggestRiser(rows: readonly TopicRow[]): TopicRow | undefined {
  return rows
    .filter((r) => r.this_week > r.prior_avg)
    .sort((a, b) => b.this_week - b.prior_avg - (a.this_week - a.prior_avg) || b.this_week - a.this_week || a.topic.localeCompare(b.topic))[0];
}

export async function topicsSection({ db, paths, week }: SectionContext): Promise<ChartSection> {
  const id = "topics";
  const title = "Top topics this week vs previous 4-week average";
  const data = await query<TopicRow>(db, paths, "topics_week", {
    prior_start: addDays(week.start, -28),
    week_start: week.start,
    week_end: week.end,
  });
  const current = data.filter((r) => r.this_week > 0);
  if (current.length === 0) return emptySection(id, title, "No topics were tagged this week.");

  const riser = biggestRiser(data);
  const shown = current.slice(0, TOP_TOPICS);
  if (riser && !shown.some((r) => r.topic === riser.topic)) shown.push(riser);

  const hasHistory = data.some((r) => r.prior_avg > 0);
  let takeaway: string;
  if (!hasHistory) {
    takeaway = `No topics in the 4 weeks before to compare with; the most frequent this week was “${current[0]!.topic}” (${fmtCount(current[0]!.this_week)}).`;
  } else if (riser) {
    const vs = riser.prior_avg > 0
      ? `against a 4-week average of ${fmtOneDp(riser.prior_avg)} (▲\u00a0${fmtOneDp(((riser.this_week - riser.prior_avg) / riser.prior_avg) * 100)}%)`
      : "and none in the 4 weeks before";
    takeaway = `Biggest riser: “${riser.topic}”, ${fmtCount(riser.this_week)} interactions this week ${vs}.`;
  } else {
    takeaway = `No topic rose above its 4-week average; the most frequent was “${current[0]!.topic}” (${fmtCount(current[0]!.this_week)}).`;
  }

  const svg = await renderChart("topics", {
    rows: shown.flatMap((r, rank) => [
      { topic: r.topic, rank, period: "This week", interactions: r.this_week },
      { topic: r.topic, rank, period: "Previous 4-week average", interactions: r.prior_avg },
    ]),
  });
  return { id, title, svg, takeaway };
}
