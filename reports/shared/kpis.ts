/**
 * The KPI strip of the leadership report: the business total of the period and of the period before,
 * formatted, with the change. Weeks are read as-is from kpi_weekly (no recomputation); months apply
 * kpi_weekly's definitions to the calls, interactions and satisfaction marts (kpis_month.sql).
 * Change is relative (%) for counts, in percentage points for rates, in points for NPS, in m:ss for handle time.
 */
import type { Db } from "../../pipelines/core/duckdb.ts";
import type { Paths } from "../../pipelines/core/paths.ts";
import { fmtCount, fmtDuration, fmtNps, fmtOneDp, fmtPercent, fmtRatio, NA } from "./format.ts";
import type { ReportPeriod } from "./period.ts";
import { martAvailable, query } from "./sql.ts";

export type KpiRow = {
  period_start: string;
  calls: number;
  inbound_calls: number;
  answered: number;
  answer_rate: number | null;
  abandoned: number;
  avg_handle_seconds: number | null;
  messages: number;
  nps: number | null;
  nps_responses: number;
  csat: number | null;
  csat_responses: number;
  transfers: number;
  transfer_rate: number | null;
  service_level?: number | null;
  fcr_rate?: number | null;
  fcr_cases?: number | null;
  nps_ci_low?: number | null;
  nps_ci_high?: number | null;
  csat_ci_low?: number | null;
  csat_ci_high?: number | null;
};

export type KpiKey =
  | "calls" | "messages" | "answer_rate" | "abandoned" | "service_level" | "avg_handle_seconds"
  | "nps" | "csat" | "fcr_rate" | "transfer_rate";

/** How a value is shown and how its change is measured. */
export type KpiUnit = "count" | "ratio" | "percent" | "score" | "seconds";

export type Kpi = {
  key: KpiKey;
  label: string;
  unit: KpiUnit;
  /** The mart's value for the period (null: not in the mart, e.g. NPS with no responses). */
  value: number | null;
  previous: number | null;
  display: string;
  previousDisplay: string;
  /** Change: % for counts, percentage points for ratio/percent, points for score, seconds. */
  change: number | null;
  /** "↑ 4.2%", "↓ 1.3 pts", "↑ 0:12", "no change" or "n/a". */
  changeDisplay: string;
  direction: "up" | "down" | "flat" | null;
  /** Colour of the change: up is good for e.g. answer rate, bad for e.g. abandoned; calls/messages are neutral. */
  tone: "good" | "bad" | "neutral";
  higherIsBetter: boolean | null;
  /** A short qualifier, e.g. "412 responses". */
  note?: string;
  /** Half-width of the 95% confidence interval of the value, in display units (NPS, CSAT). */
  margin?: number | null;
};

type Def = {
  key: KpiKey; label: string; unit: KpiUnit; higherIsBetter: boolean | null;
  note?: (r: KpiRow) => string;
  margin?: (r: KpiRow) => number | null;
  /** Only shown for these period kinds (FCR is counted by month). */
  kinds?: readonly ReportPeriod["kind"][];
};

const half = (lo: number | null | undefined, hi: number | null | undefined) =>
  typeof lo === "number" && typeof hi === "number" ? (hi - lo) / 2 : null;

export const KPI_DEFS: readonly Def[] = [
  { key: "calls", label: "Calls", unit: "count", higherIsBetter: null, note: (r) => `${fmtCount(r.inbound_calls)} inbound` },
  { key: "messages", label: "Messages", unit: "count", higherIsBetter: null },
  { key: "answer_rate", label: "Answer rate", unit: "ratio", higherIsBetter: true, note: (r) => `${fmtCount(r.answered)} answered` },
  { key: "abandoned", label: "Abandoned calls", unit: "count", higherIsBetter: false },
  { key: "service_level", label: "Service level", unit: "ratio", higherIsBetter: true },
  { key: "avg_handle_seconds", label: "Avg handle time", unit: "seconds", higherIsBetter: false },
  { key: "nps", label: "NPS", unit: "score", higherIsBetter: true, note: (r) => `${fmtCount(r.nps_responses)} responses`, margin: (r) => half(r.nps_ci_low, r.nps_ci_high) },
  { key: "csat", label: "CSAT", unit: "percent", higherIsBetter: true, note: (r) => `${fmtCount(r.csat_responses)} responses`, margin: (r) => half(r.csat_ci_low, r.csat_ci_high) },
  { key: "fcr_rate", label: "First-contact resolution", unit: "ratio", higherIsBetter: true, kinds: ["month"], note: (r) => `${fmtCount(r.fcr_cases)} cases` },
  { key: "transfer_rate", label: "Transfer rate", unit: "ratio", higherIsBetter: false, note: (r) => `${fmtCount(r.transfers)} transfers` },
];

export function formatValue(unit: KpiUnit, v: number | null): string {
  switch (unit) {
    case "count": return fmtCount(v);
    case "ratio": return fmtRatio(v);
    case "percent": return fmtPercent(v);
    case "score": return fmtNps(v);
    case "seconds": return fmtDuration(v);
  }
}

/** The change in display units, rounded as displayed (so a shown "0.0" is never coloured as a move). */
export function changeOf(unit: KpiUnit, v: number | null, p: number | null): { change: number | null; text: string | null } {
  if (v === null || p === null) return { change: null, text: null };
  switch (unit) {
    case "count": {
      if (p === 0) return { change: null, text: v === 0 ? "" : "new" };
      const c = ((v - p) / p) * 100;
      return { change: c, text: `${fmtOneDp(Math.abs(c))}%` };
    }
    case "ratio": return { change: (v - p) * 100, text: `${fmtOneDp(Math.abs((v - p) * 100))} pts` };
    case "percent": return { change: v - p, text: `${fmtOneDp(Math.abs(v - p))} pts` };
    case "score": return { change: v - p, text: fmtOneDp(Math.abs(v - p)) };
    case "seconds": return { change: v - p, text: fmtDuration(Math.abs(v - p)) };
  }
}

const isZeroText = (text: string) => !/[1-9]/.test(text);
const num = (v: unknown): number | null => (typeof v === "number" && Number.isFinite(v) ? v : null);

export function buildKpis(current: KpiRow, previous: KpiRow | undefined, kind: ReportPeriod["kind"] = "week"): Kpi[] {
  return KPI_DEFS.filter((d) => !d.kinds || d.kinds.includes(kind)).map((def) => {
    const value = num(current[def.key]);
    const prev = previous ? num(previous[def.key]) : null;
    const { change, text } = changeOf(def.unit, value, prev);
    let direction: Kpi["direction"] = null;
    let changeDisplay = NA;
    if (text === "new") {
      direction = "up";
      changeDisplay = "↑ new";
    } else if (text === "" || (text !== null && change !== null && isZeroText(text))) {
      direction = "flat";
      changeDisplay = "no change";
    } else if (text !== null && change !== null) {
      direction = change > 0 ? "up" : "down";
      changeDisplay = `${direction === "up" ? "↑" : "↓"} ${text}`;
    }
    let tone: Kpi["tone"] = "neutral";
    if (def.higherIsBetter !== null && (direction === "up" || direction === "down")) {
      tone = (direction === "up") === def.higherIsBetter ? "good" : "bad";
    }
    return {
      key: def.key, label: def.label, unit: def.unit, value, previous: prev,
      display: formatValue(def.unit, value),
      previousDisplay: previous ? formatValue(def.unit, prev) : NA,
      change, changeDisplay, direction, tone, higherIsBetter: def.higherIsBetter,
      ...(def.note ? { note: def.note(current) } : {}),
      ...(def.margin ? { margin: def.margin(current) } : {}),
    };
  });
}

/** Merge rows of optional marts into the KPI rows by period start. */
async function addExtras(db: Db, paths: Paths, p: ReportPeriod, rowsByStart: Map<string, KpiRow>): Promise<void> {
  const range = { start: p.start, end: p.end, prev_start: p.prevStart, prev_end: p.prevEnd };
  const extras: Record<string, unknown>[] = [];
  if (martAvailable(paths, "service_level_interval")) extras.push(...await query(db, paths, "kpi_service_level", range));
  if (martAvailable(paths, "satisfaction")) extras.push(...await query(db, paths, "kpi_satisfaction_ci", { kind: p.kind, start: p.start, prev_start: p.prevStart }));
  if (p.kind === "month" && martAvailable(paths, "fcr")) {
    extras.push(...await query(db, paths, "kpi_fcr", { month: p.start.slice(0, 7), prev_month: p.prevStart.slice(0, 7) }));
  }
  for (const e of extras) {
    const row = rowsByStart.get(String(e.period_start));
    if (row) Object.assign(row, e);
  }
}

/** Read the two periods' rows and build the KPI strip; a missing period is an error naming what the mart holds. */
export async function fetchKpis(db: Db, paths: Paths, p: ReportPeriod): Promise<{ kpis: Kpi[]; current: KpiRow; previous?: KpiRow }> {
  const found = p.kind === "week"
    ? await query<KpiRow>(db, paths, "kpis", { week_start: p.start, prev_week_start: p.prevStart })
    : await query<KpiRow>(db, paths, "kpis_month", { start: p.start, end: p.end, prev_start: p.prevStart, prev_end: p.prevEnd });
  const current = found.filter((r) => r.period_start === p.start);
  const previous = found.filter((r) => r.period_start === p.prevStart);
  if (current.length > 1 || previous.length > 1) {
    throw new Error(`kpi_weekly holds more than one 'All' row for week ${current.length > 1 ? p.start : p.prevStart}`);
  }
  if (!current[0]) {
    if (p.kind === "month") throw new Error(`the calls and interactions marts hold nothing for ${p.label} (${p.start} to ${p.end})`);
    const [held] = await query<{ first_week: string | null; last_week: string | null; weeks: number }>(db, paths, "kpi_weeks");
    const range = held?.first_week ? `it holds ${held.weeks} weeks from ${held.first_week} to ${held.last_week}` : "it holds no 'All' rows";
    throw new Error(`kpi_weekly has no 'All' row for the week starting ${p.start}; ${range}`);
  }
  await addExtras(db, paths, p, new Map(found.map((r) => [r.period_start, r])));
  return { kpis: buildKpis(current[0], previous[0], p.kind), current: current[0], ...(previous[0] ? { previous: previous[0] } : {}) };
}
