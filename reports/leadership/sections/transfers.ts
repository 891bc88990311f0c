/**
 * Section: transfers — the weekly transfer and loop rates (transfers_weekly) and the routing paths of the
 * months the period touches (transfer_paths), naming the loops: paths that send a caller back to a team.
 */
import { renderChart, setTemporalTicks } from "../../render/svg.ts";
import { addDays, mondays } from "../../shared/dates.ts";
import { fmtCount, fmtDuration, fmtRatio } from "../../shared/format.ts";
import { suppressRows, suppressionNote } from "../../shared/suppress.ts";
import { martAvailable, query } from "../../shared/sql.ts";
import { emptySection, unavailable, type ChartSection, type Section, type SectionContext, type Table } from "./types.ts";

/** The mart writes paths with "→", which the embedded font lacks; "›" reads the same. */
export const displayPath = (p: string) => p.replaceAll("→", "›");

type WeekRow = { week_start: string; answered_calls: number; transferred_calls: number; looped_calls: number; transfer_rate: number | null; loop_rate: number | null };
type PathRow = { team_path: string; hops: number; is_loop: boolean; calls: number; answered: number; avg_handle_seconds: number | null };

async function trend(ctx: SectionContext): Promise<ChartSection> {
  const { db, paths, period } = ctx;
  const id = "transfers-trend";
  const title = "Transfer and loop rates, last 12 weeks";
  const to = addDays(period.end, -6);
  const rows = await query<WeekRow>(db, paths, "transfers_trend", { from: addDays(to, -77), to });
  if (rows.length === 0) return emptySection(id, title, "No answered inbound calls in the 12 weeks to the end of the period.");
  const points = rows.flatMap((r) => [
    ...(r.transfer_rate !== null ? [{ week_start: r.week_start, metric: "Transfer rate", value: r.transfer_rate }] : []),
    ...(r.loop_rate !== null ? [{ week_start: r.week_start, metric: "Loop rate", value: r.loop_rate }] : []),
  ]);
  const last = rows.at(-1)!;
  const takeaway = `Week of ${last.week_start}: ${fmtRatio(last.transfer_rate)} of answered calls were transferred and ` +
    `${fmtRatio(last.loop_rate)} of those came back to a team they had already passed (${fmtCount(last.looped_calls)} calls).`;
  const svg = await renderChart("transfers_trend", { rows: points }, (spec) => setTemporalTicks(spec, mondays(rows[0]!.week_start, last.week_start, 2)));
  return { id, title, svg, takeaway };
}

function pathTable(rows: PathRow[], k: number, total: number): Table {
  const { shown, hidden } = suppressRows(rows, (r) => r.calls, k);
  return {
    id: "transfer-paths",
    title: "Most common transfer paths (loops marked)",
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
  if (!martAvailable(ctx.paths, "transfers_weekly")) return unavailable(id, title, "Transfers not available: the transfers_weekly mart has not been built (run the transforms).");
  const charts = [await trend(ctx)];
  const tables: Table[] = [];
  const takeaways: string[] = [];
  if (martAvailable(ctx.paths, "transfer_paths")) {
    const { period } = ctx;
    const rows = await query<PathRow>(ctx.db, ctx.paths, "transfer_paths_top", { from_month: period.start.slice(0, 7), to_month: period.end.slice(0, 7) });
    const total = rows.reduce((s, r) => s + r.calls, 0);
    const loops = suppressRows(rows.filter((r) => r.is_loop), (r) => r.calls, ctx.k).shown;
    const months = period.start.slice(0, 7) === period.end.slice(0, 7) ? period.start.slice(0, 7) : `${period.start.slice(0, 7)} to ${period.end.slice(0, 7)}`;
    if (loops.length) {
      const named = loops.slice(0, 3).map((l) => `“${displayPath(l.team_path)}” (${fmtCount(l.calls)} calls)`).join(", ");
      takeaways.push(`Transfer loops in ${months}: ${named}. A loop sends the caller back to a team they already spoke to — a routing rule to fix.`);
    } else if (rows.length) {
      takeaways.push(`No transfer loop reached ${ctx.k} calls in ${months}.`);
    }
    if (rows.length) tables.push(pathTable(rows, ctx.k, total));
  }
  return { id, title, takeaways, charts, tables };
}
