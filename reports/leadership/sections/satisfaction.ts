/**
 * Section: NPS and CSAT — the trend with 95% confidence intervals, and by line and segment with small groups
 * suppressed, all from the metrics layer (by the day the survey was answered). A change is starred only when it
 * exceeds the noise of both estimates (|difference| > √(m₁² + m₂²), m the 95% margins), and a value on fewer
 * responses than the metric's minimum sample is shown with its n and never judged.
 */
import { renderChart, setTemporalTicks } from "../../render/svg.ts";
import { fmtCount, fmtInterval, fmtNps, fmtOneDp, fmtRatio } from "../../shared/format.ts";
import { beyondNoise, definition, readRange, type Reading, type Readings } from "../../shared/metrics.ts";
import { trailingPeriods } from "../../shared/period.ts";
import { isSmall, suppressionNote } from "../../shared/suppress.ts";
import { query } from "../../shared/sql.ts";
import { emptySection, type ChartSection, type Section, type SectionContext, type Table } from "./types.ts";

type SeriesRow = { period_start: string; member: string; n: number; value: number; margin95: number | null };

async function trend(ctx: SectionContext): Promise<ChartSection> {
  const { db, paths, period, k } = ctx;
  const periods = trailingPeriods(period, 12);
  const id = "satisfaction";
  const title = `NPS and CSAT, last 12 ${period.kind}s, with 95% confidence intervals`;
  const series = async (metric: string) => (await query<SeriesRow>(db, paths, "metric_series",
    { period: period.kind, dimension: "all", metric, from: periods[0]!.start, to: period.start })).filter((r) => !isSmall(r.n, k));
  const nps = await series("nps");
  const csat = await series("csat");
  const points = [
    ...nps.map((r) => ({ period_start: r.period_start, metric: "NPS", value: r.value, low: r.value - (r.margin95 ?? 0), high: r.value + (r.margin95 ?? 0) })),
    ...csat.map((r) => ({ period_start: r.period_start, metric: "CSAT (% satisfied)", value: 100 * r.value, low: 100 * (r.value - (r.margin95 ?? 0)), high: 100 * (r.value + (r.margin95 ?? 0)) })),
  ];
  if (points.length === 0) return emptySection(id, title, `No NPS or CSAT responses in the 12 ${period.kind}s to ${period.label}.`);
  const lastN = nps.at(-1);
  const lastC = csat.at(-1);
  const parts = [
    ...(lastN && lastN.period_start === period.start ? [`NPS ${fmtNps(lastN.value)} ± ${fmtOneDp(lastN.margin95)} on ${fmtCount(lastN.n)} responses`] : []),
    ...(lastC && lastC.period_start === period.start ? [`CSAT ${fmtRatio(lastC.value)} ± ${fmtOneDp((lastC.margin95 ?? 0) * 100)} points on ${fmtCount(lastC.n)} responses`] : []),
  ];
  const takeaway = `${parts.length ? `${period.kind === "week" ? "This week" : "This month"}: ${parts.join("; ")}. ` : ""}` +
    "The shaded band is where the true value lies with 95% confidence given the number of responses.";
  const svg = await renderChart("satisfaction_ci", { rows: points }, (spec) =>
    setTemporalTicks(spec, periods.filter((_, i) => (periods.length - 1 - i) % 2 === 0).map((p) => p.start)));
  return { id, title, svg, takeaway };
}

const withCi = (r: Reading | undefined, scale: number, fmt: (v: number) => string) =>
  !r || r.value === null ? "n/a" : r.margin95 === null ? fmt(r.value * scale) : `${fmt(r.value * scale)} (${fmtInterval((r.value - r.margin95) * scale, (r.value + r.margin95) * scale)})`;

function groupRows(dimension: string, now: Readings, before: Readings, ctx: SectionContext) {
  const min = { nps: definition(ctx.defs, "nps").min_sample, csat: definition(ctx.defs, "csat").min_sample };
  const delta = (metric: "nps" | "csat", a: Reading | undefined, b: Reading | undefined) => {
    if (!a || !b || a.value === null || b.value === null || isSmall(b.n, ctx.k)) return "—";
    const scale = metric === "csat" ? 100 : 1;
    const d = (a.value - b.value) * scale;
    const judged = a.n >= min[metric] && b.n >= min[metric];
    return `${d >= 0 ? "+" : "−"}${fmtOneDp(Math.abs(d))}${judged && beyondNoise(a, b) ? " *" : ""}`;
  };
  return [...now].filter(([member]) => member !== "Unknown").map(([member, m]) => {
    const n = m.get("nps");
    const c = m.get("csat");
    const pn = before.get(member)?.get("nps");
    const pc = before.get(member)?.get("csat");
    const hideN = isSmall(n?.n, ctx.k);
    const hideC = isSmall(c?.n, ctx.k);
    return {
      hidden: hideN && hideC,
      cells: [
        `${dimension === "line" ? "Line" : "Segment"}: ${member}`,
        fmtCount(n?.n ?? 0), hideN ? "—" : withCi(n, 1, (v) => fmtNps(v)), hideN ? "—" : delta("nps", n, pn),
        fmtCount(c?.n ?? 0), hideC ? "—" : withCi(c, 100, (v) => fmtOneDp(v)), hideC ? "—" : delta("csat", c, pc),
      ],
    };
  });
}

export async function satisfactionSection(ctx: SectionContext): Promise<Section> {
  const id = "satisfaction";
  const title = "NPS and CSAT";
  const { db, paths, period } = ctx;
  const prev = { start: period.prevStart, end: period.prevEnd };
  const rows = [
    ...groupRows("line", await readRange(db, paths, period, "line"), await readRange(db, paths, prev, "line"), ctx),
    ...groupRows("segment", await readRange(db, paths, period, "segment"), await readRange(db, paths, prev, "segment"), ctx),
  ];
  const shown = rows.filter((r) => !r.hidden);
  const table: Table = {
    id: "satisfaction-groups",
    title: "NPS and CSAT by line and customer segment (95% confidence interval)",
    columns: [{ label: "Group" }, { label: "NPS responses", num: true }, { label: "NPS", num: true }, { label: "vs before", num: true },
      { label: "CSAT responses", num: true }, { label: "CSAT %", num: true }, { label: "vs before", num: true }],
    rows: shown.map((r) => ({ cells: r.cells })),
    caption: [`* a change larger than the noise of the two estimates (95%), judged only on at least ${definition(ctx.defs, "nps").min_sample} responses in both periods.`,
      suppressionNote(rows.length - shown.length, ctx.k, "responses")].filter(Boolean).join(" "),
  };
  return { id, title, takeaways: [], charts: [await trend(ctx)], tables: shown.length ? [table] : [] };
}
