/**
 * Section: topics and emerging topics — the period's top topics against the periods before (topic_daily),
 * and the topics topic_anomalies flagged in the period, new ones first.
 */
import { renderChart } from "../../render/svg.ts";
import { addDays } from "../../shared/dates.ts";
import { fmtCount, fmtDay, fmtLabel, fmtOneDp } from "../../shared/format.ts";
import { periodContaining } from "../../shared/period.ts";
import { martAvailable, query } from "../../shared/sql.ts";
import { emptySection, type ChartSection, type Section, type SectionContext, type Table } from "./types.ts";

export const TOP_TOPICS = 8;

export type TopicRow = { topic: string; this_week: number; prior_avg: number };
type Emerging = { topic: string; days: number; first_day: string; peak_day: string; peak: number; peak_baseline: number | null; max_z: number | null; flagged_before: boolean };

/** The topic with the largest increase over its prior average (ties: more this period, then name). */
export function biggestRiser(rows: readonly TopicRow[]): TopicRow | undefined {
  return rows
    .filter((r) => r.this_week > r.prior_avg)
    .sort((a, b) => b.this_week - b.prior_avg - (a.this_week - a.prior_avg) || b.this_week - a.this_week || a.topic.localeCompare(b.topic))[0];
}

async function topicsChart(ctx: SectionContext): Promise<ChartSection> {
  const { db, paths, period } = ctx;
  const priorPeriods = period.kind === "week" ? 4 : 3;
  const priorStart = period.kind === "week" ? addDays(period.start, -28) : periodContaining("month", addDays(periodContaining("month", addDays(period.prevStart, -1)).start, -1)).start;
  const priorLabel = period.kind === "week" ? "previous 4-week average" : "previous 3-month average";
  const id = "topics";
  const title = `Top topics ${ctx.thisPeriod} vs ${priorLabel}`;
  // "unclassified" is what the taxonomy did not recognise: not a topic anyone can act on.
  const data = (await query<TopicRow>(db, paths, "topics_period", { prior_start: priorStart, start: period.start, end: period.end, prior_periods: priorPeriods }))
    .filter((r) => r.topic !== "unclassified");
  const current = data.filter((r) => r.this_week > 0);
  if (current.length === 0) return emptySection(id, title, `No topics were tagged ${ctx.thisPeriod}.`);
  const riser = biggestRiser(data);
  const shown = current.slice(0, TOP_TOPICS);
  if (riser && !shown.some((r) => r.topic === riser.topic)) shown.push(riser);
  let takeaway: string;
  if (!data.some((r) => r.prior_avg > 0)) {
    takeaway = `Nothing before to compare with; the most frequent topic ${ctx.thisPeriod} was “${fmtLabel(current[0]!.topic)}” (${fmtCount(current[0]!.this_week)}).`;
  } else if (riser) {
    const vs = riser.prior_avg > 0
      ? `against a ${priorLabel} of ${fmtOneDp(riser.prior_avg)} (up ${fmtOneDp(((riser.this_week - riser.prior_avg) / riser.prior_avg) * 100)}%)`
      : "and none before";
    takeaway = `Biggest riser: “${fmtLabel(riser.topic)}”, ${fmtCount(riser.this_week)} interactions ${ctx.thisPeriod} ${vs}.`;
  } else {
    takeaway = `No topic rose above its ${priorLabel}; the most frequent was “${fmtLabel(current[0]!.topic)}” (${fmtCount(current[0]!.this_week)}).`;
  }
  const thisLabel = period.kind === "week" ? "This week" : "This month";
  const prevLabel = priorLabel.charAt(0).toUpperCase() + priorLabel.slice(1);
  const svg = await renderChart("topics", {
    rows: shown.flatMap((r, rank) => [
      { topic: fmtLabel(r.topic), rank, period: thisLabel, interactions: r.this_week },
      { topic: fmtLabel(r.topic), rank, period: prevLabel, interactions: r.prior_avg },
    ]),
  }, (spec) => {
    const enc = (spec as { encoding: { yOffset: { sort: string[] }; color: { scale: { domain: string[] } } } }).encoding;
    enc.yOffset.sort = [thisLabel, prevLabel];
    enc.color.scale.domain = [thisLabel, prevLabel];
  });
  return { id, title, svg, takeaway };
}

async function emerging(ctx: SectionContext): Promise<{ takeaways: string[]; tables: Table[] }> {
  if (!martAvailable(ctx.paths, "topic_anomalies")) return { takeaways: ["Emerging topics not available yet: topic spikes have not been computed (run the transforms)."], tables: [] };
  const { period } = ctx;
  const rows = await query<Emerging>(ctx.db, ctx.paths, "emerging_topics", { prev_start: period.prevStart, start: period.start, end: period.end });
  if (rows.length === 0) return { takeaways: [`No topic spiked ${ctx.thisPeriod} (a spike is a day at least twice the topic's usual level for that weekday, and far beyond its normal variation).`], tables: [] };
  const fresh = rows.filter((r) => !r.flagged_before);
  const lead = fresh[0] ?? rows[0]!;
  const takeaways = [
    `Emerging: “${fmtLabel(lead.topic)}” spiked on ${fmtCount(lead.days)} ${lead.days === 1 ? "day" : "days"} from ${fmtDay(lead.first_day)}, peaking at ${fmtCount(lead.peak)} interactions on ` +
      `${fmtDay(lead.peak_day)} against a usual ${fmtOneDp(lead.peak_baseline)}${lead.flagged_before ? " (it was already spiking the period before)" : ""}.`,
  ];
  const table: Table = {
    id: "emerging-topics",
    title: `Topics that spiked ${ctx.thisPeriod}`,
    columns: [{ label: "Topic" }, { label: "Days spiking", num: true }, { label: "First", num: true }, { label: "Peak day", num: true },
      { label: "Peak", num: true }, { label: "Usual", num: true }, { label: "New?" }],
    rows: rows.slice(0, 10).map((r) => ({
      cells: [fmtLabel(r.topic), fmtCount(r.days), fmtDay(r.first_day), fmtDay(r.peak_day), fmtCount(r.peak), fmtOneDp(r.peak_baseline), r.flagged_before ? "continuing" : "new"],
      ...(r.flagged_before ? {} : { tone: "bad" as const }),
    })),
  };
  return { takeaways, tables: [table] };
}

export async function topicsSection(ctx: SectionContext): Promise<Section> {
  const chart = await topicsChart(ctx);
  const e = await emerging(ctx);
  return { id: "topics", title: "Topics and emerging topics", takeaways: e.takeaways, charts: [chart], tables: e.tables };
}
