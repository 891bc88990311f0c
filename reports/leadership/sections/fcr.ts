/**
 * Section: first-contact resolution (fcr and cases marts). FCR is counted by the month a case opened,
 * so a weekly report shows the month its week ends in; the latest month is young (cases whose repeat
 * may still come are left out), which the note says.
 */
import { renderChart } from "../../render/svg.ts";
import { fmtCount, fmtRatio } from "../../shared/format.ts";
import { suppressRows, suppressionNote } from "../../shared/suppress.ts";
import { martAvailable, query } from "../../shared/sql.ts";
import { emptySection, unavailable, type ChartSection, type Section, type SectionContext, type Table } from "./types.ts";

const MONTHS = ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"];
const monthLabel = (m: string) => `${MONTHS[Number(m.slice(5, 7)) - 1]} ${m.slice(2, 4)}`;

function monthsBack(month: string, n: number): string {
  const d = new Date(`${month}-01T00:00:00Z`);
  d.setUTCMonth(d.getUTCMonth() - n);
  return d.toISOString().slice(0, 7);
}

type TrendRow = { month: string; cases: number; resolved_first_contact: number; fcr_rate: number };
type GroupRow = { which: "current" | "previous"; dimension: string; value: string; cases: number; fcr_rate: number };

async function trend(ctx: SectionContext, month: string): Promise<{ chart: ChartSection; rows: TrendRow[] }> {
  const { db, paths } = ctx;
  const id = "fcr-trend";
  const title = "First-contact resolution, last 6 months";
  const rows = await query<TrendRow>(db, paths, "fcr_trend", { from_month: monthsBack(month, 5), to_month: month });
  if (rows.length === 0) return { chart: emptySection(id, title, `No closed cases in the 6 months to ${month}.`), rows };
  const last = rows.at(-1)!;
  const first = rows[0]!;
  const takeaway = `${monthLabel(last.month)}: ${fmtRatio(last.fcr_rate)} of ${fmtCount(last.cases)} cases were resolved at the first contact` +
    (rows.length > 1 ? ` (${monthLabel(first.month)}: ${fmtRatio(first.fcr_rate)}).` : ".");
  const svg = await renderChart("fcr_trend", { rows: rows.map((r) => ({ ...r, month_label: monthLabel(r.month) })) });
  return { chart: { id, title, svg, takeaway }, rows };
}

function groupTable(rows: GroupRow[], k: number, month: string): Table {
  const prev = new Map(rows.filter((r) => r.which === "previous").map((r) => [`${r.dimension}|${r.value}`, r]));
  const current = rows.filter((r) => r.which === "current").sort((a, b) => a.fcr_rate - b.fcr_rate || b.cases - a.cases);
  const { shown, hidden } = suppressRows(current, (r) => r.cases, k);
  return {
    id: "fcr-groups",
    title: `First-contact resolution by line and topic, ${monthLabel(month)} (lowest first)`,
    columns: [{ label: "Group" }, { label: "Cases", num: true }, { label: "FCR", num: true }, { label: "Month before", num: true }],
    rows: shown.slice(0, 12).map((r) => {
      const p = prev.get(`${r.dimension}|${r.value}`);
      return { cells: [`${r.dimension === "line" ? "Line" : "Topic"}: ${r.value}`, fmtCount(r.cases), fmtRatio(r.fcr_rate), p && p.cases >= k ? fmtRatio(p.fcr_rate) : "—"] };
    }),
    caption: [shown.length > 12 ? `${shown.length - 12} more groups not listed.` : undefined, suppressionNote(hidden, k, "cases")].filter(Boolean).join(" ") || undefined,
  };
}

export async function fcrSection(ctx: SectionContext): Promise<Section> {
  const id = "fcr";
  const title = "First-contact resolution";
  if (!martAvailable(ctx.paths, "fcr")) return unavailable(id, title, "First-contact resolution not available: the fcr mart has not been built (run the transforms).");
  const month = ctx.period.end.slice(0, 7);
  const { chart, rows } = await trend(ctx, month);
  const groups = await query<GroupRow>(ctx.db, ctx.paths, "fcr_groups", { month, prev_month: monthsBack(month, 1) });
  const worst = suppressRows(groups.filter((g) => g.which === "current" && g.dimension === "topic").sort((a, b) => a.fcr_rate - b.fcr_rate), (r) => r.cases, ctx.k).shown[0];
  const takeaways = [
    "A case is a contact's attempts while each comes within the repeat window of the one before; it is resolved at first contact when there was only one attempt. Cases still inside the window at the end of the data are left out.",
    ...(worst ? [`The topic resolved least often at first contact was “${worst.value}” (${fmtRatio(worst.fcr_rate)} of ${fmtCount(worst.cases)} cases).`] : []),
  ];
  return { id, title, takeaways, charts: [chart], tables: rows.length && groups.length ? [groupTable(groups, ctx.k, month)] : [] };
}
