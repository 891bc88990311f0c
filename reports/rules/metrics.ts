/**
 * The metrics rules can watch, each over a window ending on the evaluation day: the value and the
 * sample it rests on (responses, calls, cases), read from the metrics mart with the metric macros, exactly as
 * the reports read them (metric names are metric_definitions'). Rates are in percent, NPS in points.
 */
import { join } from "node:path";
import type { Db } from "../../pipelines/core/duckdb.ts";
import { projectRoot, type Paths } from "../../pipelines/core/paths.ts";
import { addDays } from "../shared/dates.ts";
import { fmtRange } from "../shared/format.ts";
import { lastCompletePeriod, periodContaining } from "../shared/period.ts";
import { definition, DEFINITIONS_MART, METRICS_MART, readDefinitions, readRange, type Readings } from "../shared/metrics.ts";
import { martAvailable } from "../shared/sql.ts";

const reading = (r: Readings, metric: Metric, member: string) => r.get(member)?.get(metric);
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

/**
 * A metric over a window, from the metrics layer (the same mart and macros as the reports): the value in the
 * rules' units (shares as percent, NPS in points, counts) and n, the units it rests on. `line` is a line or All.
 */
export async function readMetric(db: Db, paths: Paths, metric: Metric, range: Range, line: string): Promise<Reading | { missing: string }> {
  if (!martAvailable(paths, METRICS_MART)) return { missing: METRICS_MART };
  const r = reading(await readRange(db, paths, range, line === "All" ? "all" : "line"), metric, line);
  return { value: r ? (r.unit === "share" && r.value !== null ? 100 * r.value : r.value) : null, sample: r?.n ?? 0, range };
}

/** The metric's smallest sample for a judgement (metric_definitions.min_sample): a rule's default minSample. */
export async function minSampleOf(db: Db, paths: Paths, metric: Metric): Promise<number> {
  if (!martAvailable(paths, DEFINITIONS_MART)) return 20;
  return definition(await readDefinitions(db, paths), metric).min_sample;
}
