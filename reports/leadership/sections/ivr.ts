/** Section: IVR drop-off (ivr_funnel, by month): where callers hang up in the menus, against the month before. */
import { renderChart } from "../../render/svg.ts";
import { fmtCount, fmtDay, fmtLabel, fmtMonth, fmtOneDp, fmtRatio } from "../../shared/format.ts";
import { periodContaining } from "../../shared/period.ts";
import { suppressRows, suppressionNote } from "../../shared/suppress.ts";
import { martAvailable, query } from "../../shared/sql.ts";
import { unavailable, type Section, type SectionContext, type Table } from "./types.ts";

type MenuRow = { which: "current" | "previous"; menu: string; visits: number; chose_option: number; dropped: number; drop_off_rate: number; avg_seconds_in_menu: number | null };

export async function ivrSection(ctx: SectionContext): Promise<Section> {
  const id = "ivr";
  const title = "IVR drop-off";
  if (!martAvailable(ctx.paths, "ivr_funnel")) return unavailable(id, title, "IVR drop-off not available: the phone-menu data has not been built yet (run the transforms).");
  // The funnel is monthly: a weekly report shows the month its week ends in.
  const month = periodContaining("month", ctx.period.end);
  const rows = await query<MenuRow>(ctx.db, ctx.paths, "ivr_menus", { month: month.start.slice(0, 7), prev_month: month.prevStart.slice(0, 7) });
  const { shown: current, hidden } = suppressRows(rows.filter((r) => r.which === "current"), (r) => r.visits, ctx.k);
  if (current.length === 0) return unavailable(id, title, `No IVR visits in ${month.label}.`);
  const prev = new Map(rows.filter((r) => r.which === "previous").map((r) => [r.menu, r]));
  const worst = [...current].sort((a, b) => b.drop_off_rate - a.drop_off_rate)[0]!;
  const p = prev.get(worst.menu);
  const moved = p ? ` (${fmtMonth(month.prevStart.slice(0, 7))}, the whole month: ${fmtRatio(p.drop_off_rate)} of ${fmtCount(p.visits)})` : "";
  const partial = ctx.dataEnd < month.end;
  const when = partial ? `${month.label} to date (to ${fmtDay(ctx.dataEnd)}, ${Number(ctx.dataEnd.slice(8))} of ${Number(month.end.slice(8))} days)` : month.label;
  const takeaways = [
    `In ${when} the “${fmtLabel(worst.menu)}” menu lost the most callers: ${fmtRatio(worst.drop_off_rate)} of ${fmtCount(worst.visits)} visits ended with a hang-up there${moved}.`,
  ];
  const order = new Map(current.map((r, i) => [r.menu, i]));
  const chartRows = [
    ...current.map((r) => ({ menu: fmtLabel(r.menu), order: order.get(r.menu), month: partial ? `${month.label} to date` : month.label, month_order: 0, drop_off_rate: r.drop_off_rate })),
    ...current.flatMap((r) => {
      const q = prev.get(r.menu);
      return q ? [{ menu: fmtLabel(r.menu), order: order.get(r.menu), month: "Month before", month_order: 1, drop_off_rate: q.drop_off_rate }] : [];
    }),
  ];
  const svg = await renderChart("ivr_dropoff", { rows: chartRows });
  const table: Table = {
    id: "ivr-menus",
    title: `Phone-menu steps, ${when}`,
    columns: [{ label: "Menu" }, { label: "Visits", num: true }, { label: "Chose an option", num: true }, { label: "Hung up", num: true },
      { label: "Drop-off", num: true }, { label: "Month before", num: true }, { label: "Avg seconds", num: true }],
    rows: current.map((r) => {
      const q = prev.get(r.menu);
      return {
        cells: [fmtLabel(r.menu), fmtCount(r.visits), fmtCount(r.chose_option), fmtCount(r.dropped), fmtRatio(r.drop_off_rate),
          q ? fmtRatio(q.drop_off_rate) : "—", fmtOneDp(r.avg_seconds_in_menu)],
        ...(q && r.drop_off_rate - q.drop_off_rate > 0.05 ? { tone: "bad" as const } : {}),
      };
    }),
    caption: suppressionNote(hidden, ctx.k, "visits"),
  };
  return { id, title, takeaways, charts: [{ id: "ivr-dropoff", title: "Drop-off by menu", svg, takeaway: "" }], tables: [table] };
}
