/**
 * Section: transfers — the weekly transfer and loop rates (transfers_weekly) and the routing paths of the
 * months the period touches (transfer_paths), naming the loops: paths that send a caller back to a team.
 */
import { renderChart, setTemporalTicks } from "../../render/svg.ts";
import { addDays, mondays } from "../../shared/dates.ts";
import { fmtCount, fmtDay, fmtDuration, fmtMonth, fmtRatio } from "../../shared/format.ts";
import { periodContaining } from "../../shared/period.ts";
import { suppressRows, suppressionNote } from "../../shared/suppress.ts";
import { martAvailable, query } from "../../shared/sql.ts";
import { emptySection, unavailable, type ChartSection, type Section, type SectionContext, type Table } from "./types.ts";

/** The mart writes paths with "→", which the embedded font lacks; "›" reads the same. */
export const displayPath = (p: string) => p.replaceAll("→", "›");

type SeriesRow = { period_start: string; member: string; n: number; value: number; margin95: number | null };
type PathRow = { team_path: string; hops: number; is_loop: boolean; calls: number; answered: number; avg_handle_seconds: number | null };

async function trend(ctx: SectionContext): Promise<ChartSection> {
  const { db, paths, period } = ctx;
  const id = "transfers-trend";
  const title = "Transfer rate and loop rate, last 12 weeks (each on its own scale)";
  const to = addDays(period.end, -6);
  const series = (metric: string) => query<SeriesRow>(db, paths, "metric_series", { period: "week", dimension: "all", metric, from: addDays(to, -77), to });
  const transfers = await series("transfer_rate");
  const loops = await series("loop_rate");
  if (transfers.length === 0) return emptySection(id, title, "No answered inbound calls in the 12 weeks to the end of the period.");
  const points = [
    ...transfers.map((r) => ({ week_start: r.period_start, metric: "Transfer rate (of answered calls)", value: r.value })),
    ...loops.map((r) => ({ week_start: r.period_start, metric: "Loop rate (of transferred calls)", value: r.value })),
  ];
  const last = transfers.at(-1)!;
  const lastLoops = loops.find((r) => r.period_start === last.period_start);
  const transferred = Math.round(last.value * last.n);
  const looped = lastLoops ? Math.round(lastLoops.value * lastLoops.n) : 0;
  const takeaway = `Week of ${fmtDay(last.period_start)}: ${fmtRatio(last.value)} of ${fmtCount(last.n)} answered calls were transferred (${fmtCount(transferred)} calls)` +
    (transferred ? `, and ${fmtCount(looped)} of those ${fmtCount(transferred)} came back to a team they had already been queued for` : "") +
    (transferred && transferred < ctx.defs.get("loop_rate")!.min_sample ? " — too few transferred calls to read a loop rate into" : "") + ".";
  const svg = await renderChart("transfers_trend", { rows: points }, (spec) => setTemporalTicks(spec, mondays(transfers[0]!.period_start, last.period_start, 2)));
  return { id, title, svg, takeaway };
}

function pathTable(rows: PathRow[], k: number, total: number, months: string): Table {
  const { shown, hidden } = suppressRows(rows, (r) => r.calls, k);
  return {
    id: "transfer-paths",
    title: `Most common transfer paths, ${months} (loops marked)`,
    columns: [{ label: "Path" }, { label: "Hops", num: true }, { label: "Calls", num: true }, { label: "Share", num: true }, { label: "Avg handle", num: true }],
    rows: shown.slice(0, 10).map((r) => ({
      cells: [`${displayPath(r.team_path)}${r.is_loop ? "  (loop)" : ""}`, fmtCount(r.hops), fmtCount(r.calls), fmtRatio(total ? r.calls / total : null), fmtDuration(r.avg_handle_seconds)],
      ...(r.is_loop ? { tone: "bad" as const } : {}),
    })),
    caption: suppressionNote(hidden, k, "calls"),
  };
}

export async function transfersSection(ctx: SectionContext): Promise<Section> {
  const id = "transfers";
  const title = "Transfers";
  if (!martAvailable(ctx.paths, "transfer_paths")) return unavailable(id, title, "Transfers not available: the routing data has not been built yet (run the transforms).");
  const charts = [await trend(ctx)];
  const tables: Table[] = [];
  const takeaways: string[] = [];
  if (martAvailable(ctx.paths, "transfer_paths")) {
    const { period } = ctx;
    const rows = await query<PathRow>(ctx.db, ctx.paths, "transfer_paths_top", { from_month: period.start.slice(0, 7), to_month: period.end.slice(0, 7) });
    const total = rows.reduce((s, r) => s + r.calls, 0);
    const loops = suppressRows(rows.filter((r) => r.is_loop), (r) => r.calls, ctx.k).shown;
    // Paths are counted by month: a week shows the month(s) it touches, to the last day of data.
    const through = ctx.dataEnd < periodContaining("month", period.end).end ? ctx.dataEnd : null;
    const months = (period.start.slice(0, 7) === period.end.slice(0, 7) ? fmtMonth(period.start.slice(0, 7)) : `${fmtMonth(period.start.slice(0, 7))} to ${fmtMonth(period.end.slice(0, 7))}`) +
      (through ? ` (month to date, to ${fmtDay(through)})` : "");
    if (loops.length) {
      const named = loops.slice(0, 3).map((l) => `“${displayPath(l.team_path)}” (${fmtCount(l.calls)} calls)`).join(", ");
      takeaways.push(`Transfer loops in ${months}: ${named}. A loop sends the caller back to a team they already spoke to — a routing rule to fix.`);
    } else if (rows.length) {
      takeaways.push(`No transfer loop reached ${ctx.k} calls in ${months}.`);
    }
    if (rows.length) tables.push(pathTable(rows, ctx.k, total, months));
  }
  return { id, title, takeaways, charts, tables };
}
