/**
 * Section: NPS and CSAT — the trend with 95% confidence intervals (satisfaction mart), and by line and
 * segment with small groups suppressed. A change is called real only when it exceeds the noise of both
 * estimates (|difference| > 1.96 × √(se₁² + se₂²), each se taken from its interval's half-width ÷ 1.96).
 */
import { renderChart, setTemporalTicks } from "../../render/svg.ts";
import { fmtCount, fmtNps, fmtOneDp, fmtPercent } from "../../shared/format.ts";
import { trailingPeriods } from "../../shared/period.ts";
import { isSmall, suppressionNote } from "../../shared/suppress.ts";
import { martAvailable, query } from "../../shared/sql.ts";
import { emptySection, unavailable, type ChartSection, type Section, type SectionContext, type Table } from "./types.ts";

type Estimate = { value: number | null; low: number | null; high: number | null };

/** Is the difference between two estimates bigger than their combined 95% noise? null when unknown. */
export function isRealChange(a: Estimate, b: Estimate): boolean | null {
  if ([a.value, a.low, a.high, b.value, b.low, b.high].some((v) => typeof v !== "number")) return null;
  const se = (e: Estimate) => (e.high! - e.low!) / 2 / 1.96;
  return Math.abs(a.value! - b.value!) > 1.96 * Math.sqrt(se(a) ** 2 + se(b) ** 2);
}

type TrendRow = {
  period_start: string; nps: number | null; nps_ci_low: number | null; nps_ci_high: number | null; nps_responses: number;
  csat: number | null; csat_ci_low: number | null; csat_ci_high: number | null; csat_responses: number;
};
type GroupRow = TrendRow & { which: "current" | "previous"; dimension: string; value: string };

async function trend(ctx: SectionContext): Promise<ChartSection> {
  const { db, paths, period, k } = ctx;
  const periods = trailingPeriods(period, 12);
  const id = "satisfaction";
  const title = `NPS and CSAT, last 12 ${period.kind}s, with 95% confidence intervals`;
  const data = await query<TrendRow>(db, paths, "satisfaction_ci_trend", { kind: period.kind, from: periods[0]!.start, to: period.start });
  const points = data.flatMap((r) => [
    ...(r.nps !== null && !isSmall(r.nps_responses, k) ? [{ period_start: r.period_start, metric: "NPS", value: r.nps, low: r.nps_ci_low, high: r.nps_ci_high }] : []),
    ...(r.csat !== null && !isSmall(r.csat_responses, k) ? [{ period_start: r.period_start, metric: "CSAT (% satisfied)", value: r.csat, low: r.csat_ci_low, high: r.csat_ci_high }] : []),
  ]);
  if (points.length === 0) return emptySection(id, title, `No NPS or CSAT responses between ${periods[0]!.start} and ${period.end}.`);
  const first = data[0]!;
  const last = data.at(-1)!;
  const takeaway = data.length >= 2
    ? `Over ${data.length} ${period.kind}s NPS went from ${fmtNps(first.nps)} to ${fmtNps(last.nps)} and CSAT from ${fmtPercent(first.csat)} to ${fmtPercent(last.csat)}; ` +
      `the shaded band is where the true value lies with 95% confidence given the number of responses.`
    : `One ${period.kind} of survey results so far: NPS ${fmtNps(last.nps)}, CSAT ${fmtPercent(last.csat)}.`;
  const svg = await renderChart("satisfaction_ci", { rows: points }, (spec) =>
    setTemporalTicks(spec, periods.filter((_, i) => (periods.length - 1 - i) % 2 === 0).map((p) => p.start)));
  return { id, title, svg, takeaway };
}

const ci = (v: number | null, lo: number | null, hi: number | null, fmt: (x: number | null) => string) =>
  v === null ? "n/a" : lo === null || hi === null ? fmt(v) : `${fmt(v)} (${fmtOneDp(lo)}–${fmtOneDp(hi)})`;

function groupTable(rows: GroupRow[], k: number): Table {
  const current = rows.filter((r) => r.which === "current");
  const prev = new Map(rows.filter((r) => r.which === "previous").map((r) => [`${r.dimension}|${r.value}`, r]));
  const shown = current.filter((r) => !isSmall(Math.max(r.nps_responses, r.csat_responses), k));
  const hidden = current.length - shown.length;
  return {
    id: "satisfaction-groups",
    title: "NPS and CSAT by line and customer segment (95% confidence interval)",
    columns: [{ label: "Group" }, { label: "Responses", num: true }, { label: "NPS", num: true }, { label: "vs previous", num: true },
      { label: "CSAT %", num: true }, { label: "vs previous", num: true }],
    rows: shown.map((r) => {
      const p = prev.get(`${r.dimension}|${r.value}`);
      const npsSmall = isSmall(r.nps_responses, k);
      const csatSmall = isSmall(r.csat_responses, k);
      const delta = (a: number | null, b: number | null | undefined, real: boolean | null) =>
        a === null || b === null || b === undefined ? "n/a" : `${a - b >= 0 ? "+" : "−"}${fmtOneDp(Math.abs(a - b))}${real ? " *" : ""}`;
      const realNps = p ? isRealChange({ value: r.nps, low: r.nps_ci_low, high: r.nps_ci_high }, { value: p.nps, low: p.nps_ci_low, high: p.nps_ci_high }) : null;
      const realCsat = p ? isRealChange({ value: r.csat, low: r.csat_ci_low, high: r.csat_ci_high }, { value: p.csat, low: p.csat_ci_low, high: p.csat_ci_high }) : null;
      return {
        cells: [
          `${r.dimension === "line" ? "Line" : "Segment"}: ${r.value}`,
          fmtCount(Math.max(r.nps_responses, r.csat_responses)),
          npsSmall ? "—" : ci(r.nps, r.nps_ci_low, r.nps_ci_high, fmtNps),
          npsSmall || !p || isSmall(p.nps_responses, k) ? "—" : delta(r.nps, p.nps, realNps),
          csatSmall ? "—" : ci(r.csat, r.csat_ci_low, r.csat_ci_high, fmtOneDp),
          csatSmall || !p || isSmall(p.csat_responses, k) ? "—" : delta(r.csat, p.csat, realCsat),
        ],
      };
    }),
    caption: ["* a change larger than the noise of the two estimates (95%).", suppressionNote(hidden, k, "responses")].filter(Boolean).join(" "),
  };
}

export async function satisfactionSection(ctx: SectionContext): Promise<Section> {
  const id = "satisfaction";
  const title = "NPS and CSAT";
  if (!martAvailable(ctx.paths, "satisfaction")) {
    return unavailable(id, title, "NPS and CSAT with confidence intervals not available: the satisfaction mart has not been built (run the transforms).");
  }
  const { db, paths, period } = ctx;
  const groups = await query<GroupRow>(db, paths, "satisfaction_groups", { kind: period.kind, start: period.start, prev_start: period.prevStart });
  const tables = groups.some((r) => r.which === "current") ? [groupTable(groups, ctx.k)] : [];
  return { id, title, takeaways: [], charts: [await trend(ctx)], tables };
}
