/** Section: service levels — a weekday × hour heatmap of the period and a table per line against the period before. */
import { renderChart } from "../../render/svg.ts";
import { changeOf } from "../../shared/kpis.ts";
import { fmtCount, fmtDuration, fmtRatio } from "../../shared/format.ts";
import { martAvailable, query } from "../../shared/sql.ts";
import { emptySection, unavailable, type ChartSection, type Section, type SectionContext, type Table } from "./types.ts";

const WEEKDAYS = ["Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun"];

type HourRow = { iso_weekday: number; hour: number; offered: number; service_level: number | null; asa_seconds: number | null };
type LineRow = { which: "current" | "previous"; line: string; offered: number; answered: number; abandoned: number; service_level: number | null; asa_seconds: number | null };

async function heatmap(ctx: SectionContext): Promise<ChartSection> {
  const { db, paths, period, k } = ctx;
  const id = "service-heatmap";
  const title = "Service level by weekday and hour";
  const data = await query<HourRow>(db, paths, "service_level_hours", { start: period.start, end: period.end });
  // Too few calls in a cell make its service level noise: those cells stay blank.
  const shown = data.filter((r) => r.offered >= k && r.service_level !== null);
  if (shown.length === 0) return emptySection(id, title, "No answered or queued calls in the period.");
  const worst = [...shown].sort((a, b) => a.service_level! - b.service_level! || b.offered - a.offered)[0]!;
  const best = [...shown].sort((a, b) => b.service_level! - a.service_level! || b.offered - a.offered)[0]!;
  const hh = (h: number) => `${String(h).padStart(2, "0")}:00`;
  const takeaway = `Lowest ${WEEKDAYS[worst.iso_weekday - 1]} ${hh(worst.hour)}–${hh(worst.hour + 1)}: ${fmtRatio(worst.service_level)} of ` +
    `${fmtCount(worst.offered)} calls answered in time (average wait ${fmtDuration(worst.asa_seconds)}); highest ` +
    `${WEEKDAYS[best.iso_weekday - 1]} ${hh(best.hour)} at ${fmtRatio(best.service_level)}.`;
  const svg = await renderChart("service_heatmap", {
    rows: shown.map((r) => ({ ...r, weekday: WEEKDAYS[r.iso_weekday - 1], hour_label: String(r.hour).padStart(2, "0") })),
  });
  return { id, title, svg, takeaway };
}

function lineTable(rows: LineRow[]): Table {
  const prev = new Map(rows.filter((r) => r.which === "previous").map((r) => [r.line, r]));
  return {
    id: "service-lines",
    title: "Service level by line",
    columns: [{ label: "Line" }, { label: "Offered", num: true }, { label: "Answered", num: true }, { label: "Abandoned", num: true },
      { label: "Service level", num: true }, { label: "Change", num: true }, { label: "Avg wait", num: true }],
    rows: rows.filter((r) => r.which === "current").map((r) => {
      const p = prev.get(r.line);
      const c = changeOf("ratio", r.service_level, p?.service_level ?? null);
      const tone = c.change === null || Math.abs(c.change) < 0.05 ? undefined : c.change > 0 ? "good" as const : "bad" as const;
      return {
        cells: [r.line, fmtCount(r.offered), fmtCount(r.answered), fmtCount(r.abandoned), fmtRatio(r.service_level),
          c.text === null ? "n/a" : `${c.change! > 0 ? "↑" : c.change! < 0 ? "↓" : ""} ${c.text}`.trim(), fmtDuration(r.asa_seconds)],
        ...(tone ? { tone } : {}),
      };
    }),
  };
}

export async function serviceSection(ctx: SectionContext, thresholdSeconds: number): Promise<Section> {
  const id = "service";
  const title = "Service levels";
  if (!martAvailable(ctx.paths, "service_level_interval")) {
    return unavailable(id, title, "Service levels not available: the service_level_interval mart has not been built (run the transforms).");
  }
  const { db, paths, period } = ctx;
  const lines = await query<LineRow>(db, paths, "service_level_lines",
    { start: period.start, end: period.end, prev_start: period.prevStart, prev_end: period.prevEnd });
  const current = lines.filter((r) => r.which === "current");
  const weakest = [...current].filter((r) => r.service_level !== null).sort((a, b) => a.service_level! - b.service_level!)[0];
  const takeaways = [
    `Service level is the share of queued calls answered within ${thresholdSeconds} seconds (abandoned in the queue counts against it).`,
    ...(weakest ? [`${weakest.line} had the lowest service level ${ctx.thisPeriod}: ${fmtRatio(weakest.service_level)} of its calls, average wait ${fmtDuration(weakest.asa_seconds)}.`] : []),
  ];
  return { id, title, takeaways, charts: [await heatmap(ctx)], tables: current.length ? [lineTable(lines)] : [] };
}
