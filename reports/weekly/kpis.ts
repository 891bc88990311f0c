/**
 * The KPI strip: the business total ('All') row of kpi_weekly for the report week and the week before,
 * taken as the mart holds them (no recomputation), formatted, with the week-on-week change.
 * Change is relative (%) for counts, in percentage points for rates, in points for NPS and in m:ss for handle time.
 */
import type { Db } from "../../pipelines/core/duckdb.ts";
import type { Paths } from "../../pipelines/core/paths.ts";
import { fmtCount, fmtDuration, fmtNps, fmtOneDp, fmtPercent, fmtRatio, NA } from "./format.ts";
import { query } from "./sql.ts";
import type { ReportWeek } from "./week.ts";

export type KpiWeekRow = {
  week_start: string;
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
};

export type KpiKey =
  | "calls" | "messages" | "answer_rate" | "abandoned" | "avg_handle_seconds" | "nps" | "csat" | "transfer_rate";

/** How a value is shown and how its change is measured. */
export type KpiUnit = "count" | "ratio" | "percent" | "score" | "seconds";

export type Kpi = {
  key: KpiKey;
  label: string;
  unit: KpiUnit;
  /** The mart's value for the report week (null: not in the mart, e.g. NPS with no responses). */
  value: number | null;
  /** The mart's value for the week before. */
  previous: number | null;
  display: string;
  previousDisplay: string;
  /** Week-on-week change: % for counts, percentage points for ratio/percent, points for score, seconds. */
  change: number | null;
  /** "▲ 4.2%", "▼ 1.3 pts", "▲ 0:12", "no change" or "n/a". */
  changeDisplay: string;
  direction: "up" | "down" | "flat" | null;
  /** Colour of the change: up is good for e.g. answer rate, bad for e.g. abandoned; calls/messages are neutral. */
  tone: "good" | "bad" | "neutral";
  /** A short qualifier, e.g. "412 responses". */
  note?: string;
};

type Def = { key: KpiKey; label: string; unit: KpiUnit; higherIsBetter: boolean | null; note?: (r: KpiWeekRow) => string };

export const KPI_DEFS: readonly Def[] = [
  { key: "calls", label: "Calls", unit: "count", higherIsBetter: null, note: (r) => `${fmtCount(r.inbound_calls)} inbound` },
  { key: "messages", label: "Messages", unit: "count", higherIsBetter: null },
  { key: "answer_rate", label: "Answer rate", unit: "ratio", higherIsBetter: true, note: (r) => `${fmtCount(r.answered)} answered` },
  { key: "abandoned", label: "Abandoned calls", unit: "count", higherIsBetter: false },
  { key: "avg_handle_seconds", label: "Avg handle time", unit: "seconds", higherIsBetter: false },
  { key: "nps", label: "NPS", unit: "score", higherIsBetter: true, note: (r) => `${fmtCount(r.nps_responses)} responses` },
  { key: "csat", label: "CSAT", unit: "percent", higherIsBetter: true, note: (r) => `${fmtCount(r.csat_responses)} responses` },
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
function changeOf(unit: KpiUnit, v: number | null, p: number | null): { change: number | null; text: string | null } {
  if (v === null || p === null) return { change: null, text: null };
  switch (unit) {
    case "count": {
      if (p === 0) return { change: null, text: v === 0 ? "" : "new" };
      const c = ((v - p) / p) * 100;
      return { change: c, text: `${fmtOneDp(Math.abs(c))}%` };
    }
    case "ratio": {
      const c = (v - p) * 100;
      return { change: c, text: `${fmtOneDp(Math.abs(c))} pts` };
    }
    case "percent": {
      const c = v - p;
      return { change: c, text: `${fmtOneDp(Math.abs(c))} pts` };
    }
    case "score": {
      const c = v - p;
      return { change: c, text: fmtOneDp(Math.abs(c)) };
    }
    case "seconds": {
      const c = v - p;
      return { change: c, text: fmtDuration(Math.abs(c)) };
    }
  }
}

function isZeroText(text: string): boolean {
  return !/[1-9]/.test(text);
}

export function buildKpis(current: KpiWeekRow, previous: KpiWeekRow | undefined): Kpi[] {
  return KPI_DEFS.map((def) => {
    const value = (current[def.key] ?? null) as number | null;
    const prev = previous ? ((previous[def.key] ?? null) as number | null) : null;
    const { change, text } = changeOf(def.unit, value, prev);
    let direction: Kpi["direction"] = null;
    let changeDisplay = NA;
    if (text === "new") {
      direction = "up";
      changeDisplay = "▲ new";
    } else if (text !== null && change !== null) {
      if (isZeroText(text)) {
        direction = "flat";
        changeDisplay = "no change";
      } else {
        direction = change > 0 ? "up" : "down";
        changeDisplay = `${direction === "up" ? "▲" : "▼"} ${text}`;
      }
    } else if (text === "") {
      direction = "flat";
      changeDisplay = "no change";
    }
    let tone: Kpi["tone"] = "neutral";
    if (def.higherIsBetter !== null && (direction === "up" || direction === "down")) {
      tone = (direction === "up") === def.higherIsBetter ? "good" : "bad";
    }
    return {
      key: def.key,
      label: def.label,
      unit: def.unit,
      value,
      previous: prev,
      display: formatValue(def.unit, value),
      previousDisplay: previous ? formatValue(def.unit, prev) : NA,
      change,
      changeDisplay,
      direction,
      tone,
      ...(def.note ? { note: def.note(current) } : {}),
    };
  });
}

/** Read the two weeks' rows and build the KPI strip; a missing report week is an error naming the weeks held. */
export async function fetchKpis(db: Db, paths: Paths, week: ReportWeek): Promise<{ kpis: Kpi[]; current: KpiWeekRow; previous?: KpiWeekRow }> {
  const found = await query<KpiWeekRow>(db, paths, "kpis", { week_start: week.start, prev_week_start: week.prevStart });
  const current = found.filter((r) => r.week_start === week.start);
  const previous = found.filter((r) => r.week_start === week.prevStart);
  if (current.length > 1 || previous.length > 1) {
    throw new Error(`kpi_weekly holds more than one 'All' row for week ${current.length > 1 ? week.start : week.prevStart}`);
  }
  if (!current[0]) {
    const [held] = await query<{ first_week: string | null; last_week: string | null; weeks: number }>(db, paths, "kpi_weeks");
    const range = held?.first_week ? `it holds ${held.weeks} weeks from ${held.first_week} to ${held.last_week}` : "it holds no 'All' rows";
    throw new Error(`kpi_weekly has no 'All' row for the week starting ${week.start}; ${range}`);
  }
  return { kpis: buildKpis(current[0], previous[0]), current: current[0], ...(previous[0] ? { previous: previous[0] } : {}) };
}
