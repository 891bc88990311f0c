/** Chart 4: this week's inbound calls by line and outcome (call_outcomes_daily counts inbound calls). */
import { renderChart } from "../../render/svg.ts";
import { fmtCount, fmtRatio } from "../format.ts";
import { query } from "../sql.ts";
import { emptySection, type ChartSection, type SectionContext } from "./types.ts";

const OUTCOMES = ["answered", "voicemail", "missed", "abandoned"];
const label = (o: string) => o.charAt(0).toUpperCase() + o.slice(1);

export async function outcomesSection({ db, paths, week }: SectionContext): Promise<ChartSection> {
  const id = "call-outcomes";
  const title = "Inbound call outcomes by line, this week";
  const data = await query<{ line: string; outcome: string; calls: number }>(db, paths, "call_outcomes_week", {
    week_start: week.start,
    week_end: week.end,
  });
  const total = data.reduce((s, r) => s + r.calls, 0);
  if (data.length === 0 || total === 0) return emptySection(id, title, "No calls by line this week.");

  const lines = new Map<string, { total: number; lost: number }>();
  for (const r of data) {
    const l = lines.get(r.line) ?? { total: 0, lost: 0 };
    l.total += r.calls;
    if (r.outcome === "missed" || r.outcome === "abandoned") l.lost += r.calls;
    lines.set(r.line, l);
  }
  const ranked = [...lines]
    .filter(([, l]) => l.total > 0)
    .map(([line, l]) => ({ line, share: l.lost / l.total, ...l }))
    .sort((a, b) => b.share - a.share || a.line.localeCompare(b.line));
  const worst = ranked[0]!;
  const others = ranked.slice(1).map((r) => `${r.line} ${fmtRatio(r.share)}`).join(", ");
  const takeaway =
    `${worst.line} lost the largest share of calls: ${fmtRatio(worst.share)} of its ${fmtCount(worst.total)} missed or abandoned` +
    (others ? ` (${others}).` : ".");

  const svg = await renderChart("call_outcomes", {
    rows: data.map((r) => ({
      ...r,
      outcome_label: label(r.outcome),
      outcome_order: OUTCOMES.indexOf(r.outcome) < 0 ? 9 : OUTCOMES.indexOf(r.outcome),
      line_total: lines.get(r.line)?.total ?? 0,
    })),
  });
  return { id, title, svg, takeaway };
}
