/**
 * The metrics rules can watch, each over a window ending on the evaluation day: the value and the
 * sample it rests on (responses, calls, cases). Rates are in percent, NPS in points.
 */
import { join } from "node:path";
import type { Db } from "../../pipelines/core/duckdb.ts";
import { projectRoot, type Paths } from "../../pipelines/core/paths.ts";
import { addDays } from "../shared/dates.ts";
import { fmtRange } from "../shared/format.ts";
import { lastCompletePeriod, periodContaining } from "../shared/period.ts";
import { martAvailable, query, type SqlParam } from "../shared/sql.ts";
import type { Metric } from "./schema.ts";

export const rulesQueries = join(projectRoot, "reports", "rules", "queries");

export type Range = { start: string; end: string; kind: "week" | "month" | "days"; label: string };
export type Reading = { value: number | null; sample: number; range: Range };

/** The window ending on (or, for week/month, last complete on) `asOf`, and the one before it. */
export function windowRanges(window: string, asOf: string): { current: Range; previous: Range } {
  if (window === "week" || window === "month") {
    const p = lastCompletePeriod(window, asOf);
    const prev = periodContaining(window, p.prevStart);
    return {
      current: { start: p.start, end: p.end, kind: window, label: p.label },
      previous: { start: prev.start, end: prev.end, kind: window, label: prev.label },
    };
  }
  const days = Number(window.slice(0, -1));
  const start = addDays(asOf, -(days - 1));
  const prevEnd = addDays(start, -1);
  const prevStart = addDays(prevEnd, -(days - 1));
  return {
    current: { start, end: asOf, kind: "days", label: fmtRange(start, asOf) },
    previous: { start: prevStart, end: prevEnd, kind: "days", label: fmtRange(prevStart, prevEnd) },
  };
}

const MART: Record<Metric, string> = {
  nps: "satisfaction", csat: "satisfaction", fcr_rate: "fcr", service_level: "service_level_interval",
  abandonment_rate: "call_outcomes_daily", answer_rate: "call_outcomes_daily", inbound_calls: "call_outcomes_daily", transfer_rate: "calls",
};

export const METRIC_LABEL: Record<Metric, string> = {
  nps: "NPS", csat: "CSAT", fcr_rate: "First-contact resolution", service_level: "Service level",
  abandonment_rate: "Abandonment rate", answer_rate: "Answer rate", inbound_calls: "Inbound calls", transfer_rate: "Transfer rate",
};

/** How a metric's value reads: "12.3%" for rates, "42.1" for NPS, "1,234" for counts. */
export function fmtMetric(metric: Metric, v: number | null): string {
  if (v === null) return "n/a";
  if (metric === "inbound_calls") return Math.round(v).toLocaleString("en-US");
  if (metric === "nps") return v.toFixed(1);
  return `${v.toFixed(1)}%`;
}

export async function readMetric(db: Db, paths: Paths, metric: Metric, range: Range, line: string): Promise<Reading | { missing: string }> {
  if (!martAvailable(paths, MART[metric])) return { missing: MART[metric] };
  const q = <T>(name: string, params: Record<string, SqlParam>) => query<T>(db, paths, name, { line, ...params }, rulesQueries);
  switch (metric) {
    case "nps": case "csat": {
      const [r] = await q<{ nps: number | null; nps_responses: number; csat: number | null; csat_responses: number }>("satisfaction", { kind: range.kind, start: range.start });
      return { value: r ? r[metric] : null, sample: r ? r[`${metric}_responses`] : 0, range };
    }
    case "fcr_rate": {
      const [r] = await q<{ sample: number; fcr_rate: number | null }>("fcr", { month: range.start.slice(0, 7) });
      return { value: r?.fcr_rate ?? null, sample: r?.sample ?? 0, range };
    }
    case "service_level": {
      const [r] = await q<{ sample: number | null; service_level: number | null }>("service_level", { start: range.start, end: range.end });
      return { value: r?.service_level ?? null, sample: r?.sample ?? 0, range };
    }
    case "transfer_rate": {
      const [r] = await q<{ sample: number; transfer_rate: number | null }>("transfer_rate", { start: range.start, end: range.end });
      return { value: r?.transfer_rate ?? null, sample: r?.sample ?? 0, range };
    }
    default: {
      const [r] = await q<{ sample: number | null; answer_rate: number | null; abandonment_rate: number | null; inbound_calls: number | null }>(
        "call_rates", { start: range.start, end: range.end });
      return { value: r?.[metric] ?? null, sample: r?.sample ?? 0, range };
    }
  }
}
