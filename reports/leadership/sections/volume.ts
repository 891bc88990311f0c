/** Section: volume and channel mix — daily volume around the period, the line/channel mix and call outcomes by line. */
import { renderChart, setTemporalTicks } from "../../render/svg.ts";
import { addDays, mondays } from "../../shared/dates.ts";
import { fmtCount, fmtDay, fmtOneDp, fmtRatio } from "../../shared/format.ts";
import { query } from "../../shared/sql.ts";

import { emptySection, type ChartSection, type Section, type SectionContext } from "./types.ts";

const CHANNEL_LABEL: Record<string, string> = { call: "Calls", message: "Messages" };
const CHANNEL_ORDER: Record<string, number> = { call: 0, message: 1 };
const OUTCOMES = ["answered", "voicemail", "missed", "abandoned"];
const cap = (s: string) => s.charAt(0).toUpperCase() + s.slice(1);

/** Weeks: the 8 weeks ending with the period; months: the period and the two months before. */
function windowStart(ctx: SectionContext): string {
  const { period } = ctx;
  if (period.kind === "week") return addDays(period.start, -49);
  return `${addDays(period.prevStart, -1).slice(0, 8)}01`;
}

async function dailyVolume(ctx: SectionContext): Promise<ChartSection> {
  const { db, paths, period } = ctx;
  const start = windowStart(ctx);
  const id = "daily-volume";
  const title = period.kind === "week" ? "Daily volume, last 8 weeks" : "Daily volume, last 3 months";
  const data = await query<{ date: string; channel: string; interactions: number }>(db, paths, "daily_volume_range", { start, end: period.end });
  if (data.length === 0) return emptySection(id, title, `No daily_volume rows between ${start} and ${period.end}.`);

  const byDay = new Map<string, number>();
  for (const r of data) byDay.set(r.date, (byDay.get(r.date) ?? 0) + r.interactions);
  const sum = (from: string, to: string) => [...byDay].filter(([d]) => d >= from && d <= to).reduce((s, [, v]) => s + v, 0);
  const inPeriod = [...byDay].filter(([d]) => d >= period.start);
  const busiest = inPeriod.reduce<[string, number] | undefined>((b, x) => (!b || x[1] > b[1] ? x : b), undefined);
  const days = await query<{ date: string; holiday: string | null; is_open: boolean }>(db, paths, "calendar_range", { start, end: period.end });
  const holidays = days.filter((d) => d.holiday);
  const parts: string[] = [];
  // Like for like: the period against the period before, whole against whole (same number of days).
  const now = sum(period.start, period.end);
  const before = sum(period.prevStart, period.prevEnd);
  const prevName = period.kind === "week" ? "the week before" : "the month before";
  if (before > 0) {
    const change = ((now - before) / before) * 100;
    const moved = fmtOneDp(Math.abs(change)) === "0.0" ? "level with" : `${change > 0 ? "up" : "down"} ${fmtOneDp(Math.abs(change))}% on`;
    parts.push(`${cap(ctx.thisPeriod)}: ${fmtCount(now)} calls and texts, ${moved} ${prevName} (${fmtCount(before)})`);
  } else {
    parts.push(`${cap(ctx.thisPeriod)}: ${fmtCount(now)} calls and texts`);
  }
  if (busiest) parts.push(`busiest day ${fmtDay(busiest[0])} with ${fmtCount(busiest[1])}`);
  const inside = holidays.filter((h) => h.date >= period.start);
  const outside = holidays.filter((h) => h.date >= period.prevStart && h.date < period.start);
  for (const h of inside) parts.push(`${fmtDay(h.date)} was ${h.holiday} (${fmtCount(byDay.get(h.date) ?? 0)} calls and texts)`);
  if (!inside.length && outside.length) parts.push(`${prevName} had ${outside.map((h) => `${h.holiday} (${fmtDay(h.date)})`).join(" and ")}`);
  const svg = await renderChart("daily_volume", {
    rows: data.map((r) => ({ ...r, channel_label: CHANNEL_LABEL[r.channel] ?? r.channel, channel_order: CHANNEL_ORDER[r.channel] ?? 9 })),
    week: [{ start: period.start, end: addDays(period.end, 1) }],
    holidays: holidays.map((h) => ({ date: h.date, label: h.holiday })),
  }, (spec) => setTemporalTicks(spec, mondays(data[0]!.date, period.end, period.kind === "week" ? 1 : 2)));
  return { id, title: `${title}${holidays.length ? " (holidays marked)" : ""}`, svg, takeaway: `${parts.join("; ")}.` };
}

async function channelMix(ctx: SectionContext): Promise<ChartSection> {
  const { db, paths, period } = ctx;
  const id = "channel-mix";
  const title = "Line and channel mix";
  const data = await query<{ line: string; channel: string; direction: string; interactions: number }>(
    db, paths, "channel_mix", { start: period.start, end: period.end });
  const total = data.reduce((s, r) => s + r.interactions, 0);
  if (data.length === 0 || total === 0) return emptySection(id, title, "No interactions by line in the period.");
  const lineTotals = new Map<string, number>();
  for (const r of data) lineTotals.set(r.line, (lineTotals.get(r.line) ?? 0) + r.interactions);
  const messages = data.filter((r) => r.channel === "message").reduce((s, r) => s + r.interactions, 0);
  const [topLine, topCount] = [...lineTotals].sort((a, b) => b[1] - a[1] || a[0].localeCompare(b[0]))[0]!;
  const takeaway = `${topLine} carried ${fmtRatio(topCount / total)} of ${ctx.thisPeriod}'s ${fmtCount(total)} calls and texts; texts were ${fmtRatio(messages / total)} of them.`;
  const series = (r: { channel: string; direction: string }) =>
    `${CHANNEL_LABEL[r.channel] ?? r.channel} ${r.direction === "incoming" ? "in" : r.direction === "outgoing" ? "out" : r.direction}`;
  const order = ["Calls in", "Calls out", "Messages in", "Messages out"];
  const svg = await renderChart("channel_mix", {
    rows: data.map((r) => ({ ...r, series: series(r), series_order: order.indexOf(series(r)), line_total: lineTotals.get(r.line) ?? 0 })),
  }, (spec) => { ((spec as { encoding: { x: { title: string } } }).encoding.x).title = `Interactions, ${ctx.thisPeriod}`; });
  return { id, title, svg, takeaway };
}

async function outcomes(ctx: SectionContext): Promise<ChartSection> {
  const { db, paths, period } = ctx;
  const id = "call-outcomes";
  const title = "Inbound call outcomes by line";
  const data = await query<{ line: string; outcome: string; calls: number }>(db, paths, "call_outcomes", { start: period.start, end: period.end });
  const total = data.reduce((s, r) => s + r.calls, 0);
  if (data.length === 0 || total === 0) return emptySection(id, title, "No calls by line in the period.");
  const lines = new Map<string, { total: number; lost: number }>();
  for (const r of data) {
    const l = lines.get(r.line) ?? { total: 0, lost: 0 };
    l.total += r.calls;
    if (r.outcome === "missed" || r.outcome === "abandoned") l.lost += r.calls;
    lines.set(r.line, l);
  }
  const ranked = [...lines].filter(([, l]) => l.total > 0)
    .map(([line, l]) => ({ line, share: l.lost / l.total, ...l }))
    .sort((a, b) => b.share - a.share || a.line.localeCompare(b.line));
  const worst = ranked[0]!;
  const others = ranked.slice(1).map((r) => `${r.line} ${fmtRatio(r.share)}`).join(", ");
  const takeaway = `${worst.line} lost the largest share of its inbound calls: ${fmtRatio(worst.share)} of ${fmtCount(worst.total)} were missed or abandoned` +
    (others ? ` (${others}).` : ".");
  const svg = await renderChart("call_outcomes", {
    rows: data.map((r) => ({
      ...r, outcome_label: cap(r.outcome),
      outcome_order: OUTCOMES.indexOf(r.outcome) < 0 ? 9 : OUTCOMES.indexOf(r.outcome),
      line_total: lines.get(r.line)?.total ?? 0,
    })),
  }, (spec) => { ((spec as { encoding: { x: { title: string } } }).encoding.x).title = `Calls, ${ctx.thisPeriod}`; });
  return { id, title, svg, takeaway };
}

export async function volumeSection(ctx: SectionContext): Promise<Section> {
  const charts = [await dailyVolume(ctx), await channelMix(ctx), await outcomes(ctx)];
  return { id: "volume", title: "Volume and channel mix", takeaways: [], charts, tables: [] };
}
