/** Charts 1 and 2: daily volume over 8 weeks by channel, and this week's line/channel mix. */
import { renderChart, setTemporalTicks } from "../../render/svg.ts";
import { fmtCount, fmtDay, fmtOneDp, fmtRatio } from "../format.ts";
import { query } from "../sql.ts";
import { addDays, mondays } from "../week.ts";
import { emptySection, type ChartSection, type SectionContext } from "./types.ts";

const CHANNEL_LABEL: Record<string, string> = { call: "Calls", message: "Messages" };
const CHANNEL_ORDER: Record<string, number> = { call: 0, message: 1 };

export async function dailyVolumeSection({ db, paths, week }: SectionContext): Promise<ChartSection> {
  const id = "daily-volume";
  const title = "Daily volume, last 8 weeks";
  const start = addDays(week.start, -49);
  const data = await query<{ date: string; channel: string; interactions: number }>(db, paths, "daily_volume_8w", {
    start,
    week_end: week.end,
  });
  if (data.length === 0) return emptySection(id, title, `No daily_volume rows between ${start} and ${week.end}.`);

  const byDay = new Map<string, number>();
  for (const r of data) byDay.set(r.date, (byDay.get(r.date) ?? 0) + r.interactions);
  const thisWeek = [...byDay].filter(([d]) => d >= week.start);
  const before = [...byDay].filter(([d]) => d < week.start);
  const perDay = (xs: [string, number][]) => (xs.length ? xs.reduce((s, [, v]) => s + v, 0) / xs.length : null);
  const nowAvg = perDay(thisWeek);
  const prevAvg = perDay(before);
  const busiest = thisWeek.reduce<[string, number] | undefined>((b, x) => (!b || x[1] > b[1] ? x : b), undefined);
  const parts: string[] = [];
  if (busiest) parts.push(`Busiest day ${fmtDay(busiest[0])} with ${fmtCount(busiest[1])} interactions`);
  if (nowAvg !== null && prevAvg !== null && prevAvg > 0) {
    const change = ((nowAvg - prevAvg) / prevAvg) * 100;
    const arrow = fmtOneDp(Math.abs(change)) === "0.0" ? "level with" : change > 0 ? `▲\u00a0${fmtOneDp(Math.abs(change))}% on` : `▼\u00a0${fmtOneDp(Math.abs(change))}% on`;
    parts.push(`this week averaged ${fmtCount(nowAvg)} a day, ${arrow} the ${fmtCount(before.length / 7)}-week average before it (${fmtCount(prevAvg)})`);
  }

  const svg = await renderChart("daily_volume", {
    rows: data.map((r) => ({
      ...r,
      channel_label: CHANNEL_LABEL[r.channel] ?? r.channel,
      channel_order: CHANNEL_ORDER[r.channel] ?? 9,
    })),
    week: [{ start: week.start, end: addDays(week.end, 1) }],
  }, (spec) => setTemporalTicks(spec, mondays(data[0]!.date, week.end)));
  return { id, title, svg, takeaway: `${parts.join("; ")}.` };
}

export async function channelMixSection({ db, paths, week }: SectionContext): Promise<ChartSection> {
  const id = "channel-mix";
  const title = "Line and channel mix, this week";
  const data = await query<{ line: string; channel: string; direction: string; interactions: number }>(
    db, paths, "channel_mix_week", { week_start: week.start, week_end: week.end },
  );
  const total = data.reduce((s, r) => s + r.interactions, 0);
  if (data.length === 0 || total === 0) return emptySection(id, title, "No interactions by line this week.");

  const lineTotals = new Map<string, number>();
  for (const r of data) lineTotals.set(r.line, (lineTotals.get(r.line) ?? 0) + r.interactions);
  const messages = data.filter((r) => r.channel === "message").reduce((s, r) => s + r.interactions, 0);
  const [topLine, topCount] = [...lineTotals].sort((a, b) => b[1] - a[1] || a[0].localeCompare(b[0]))[0]!;
  const takeaway = `${topLine} carried ${fmtRatio(topCount / total)} of this week's interactions; messages were ${fmtRatio(messages / total)} of all interactions.`;

  const series = (r: { channel: string; direction: string }) =>
    `${CHANNEL_LABEL[r.channel] ?? r.channel} ${r.direction === "incoming" ? "in" : r.direction === "outgoing" ? "out" : r.direction}`;
  const order = ["Calls in", "Calls out", "Messages in", "Messages out"];
  const svg = await renderChart("channel_mix", {
    rows: data.map((r) => ({
      ...r,
      series: series(r),
      series_order: order.indexOf(series(r)),
      line_total: lineTotals.get(r.line) ?? 0,
    })),
  });
  return { id, title, svg, takeaway };
}
