/**
 * The metrics layer as reports and alert rules read it: the definitions (metric_definitions mart) and the
 * values of any range of days (the metrics mart's day rows summed; value and margin by the metric macros of
 * transforms/macros/metrics.sql). Nothing here computes a metric: it reads n, Σx, Σx², value and margin.
 */
import type { Db } from "../../pipelines/core/duckdb.ts";
import type { Paths } from "../../pipelines/core/paths.ts";
import { query } from "./sql.ts";

export const METRICS_MART = "metrics";
export const DEFINITIONS_MART = "metric_definitions";

export type MetricUnit = "count" | "share" | "score" | "seconds";

export type MetricDef = {
  metric: string;
  label: string;
  unit: MetricUnit;
  kind: "count" | "mean" | "prediction";
  counted: string;
  time_basis: string;
  higher_is_better: boolean | null;
  min_sample: number;
  definition: string;
};

export type Reading = {
  metric: string;
  member: string;
  unit: MetricUnit;
  /** Units the value rests on (calls, responses, cases, texts). */
  n: number;
  value: number | null;
  /** Half-width of the 95% interval of a mean; null for counts. */
  margin95: number | null;
};

export type Definitions = Map<string, MetricDef>;

export async function readDefinitions(db: Db, paths: Paths): Promise<Definitions> {
  const rows = await query<MetricDef>(db, paths, "metric_definitions");
  return new Map(rows.map((r) => [r.metric, r]));
}

export function definition(defs: Definitions, metric: string): MetricDef {
  const d = defs.get(metric);
  if (!d) throw new Error(`metric ${metric} is not defined in the metric_definitions mart (transforms/seeds/metric_definitions.csv)`);
  return d;
}

/** member → metric → reading, over the days [start, end] for one dimension. */
export type Readings = Map<string, Map<string, Reading>>;

export async function readRange(db: Db, paths: Paths, range: { start: string; end: string }, dimension = "all"): Promise<Readings> {
  const rows = await query<Reading>(db, paths, "metric_range", { start: range.start, end: range.end, dimension });
  const out: Readings = new Map();
  for (const r of rows) {
    const m = out.get(r.member) ?? new Map<string, Reading>();
    m.set(r.metric, r);
    out.set(r.member, m);
  }
  return out;
}

/** The reading of one metric, or an empty one (n = 0, value null) when the range has no units. */
export function reading(readings: Readings, metric: string, member = "All"): Reading {
  return readings.get(member)?.get(metric) ?? { metric, member, unit: "count", n: 0, value: metric.endsWith("calls") || metric === "messages" || metric === "cases_opened" ? 0 : null, margin95: null };
}

/** Is this reading's sample at least the metric's minimum for drawing a conclusion? */
export function enoughSample(defs: Definitions, r: Reading): boolean {
  return r.value !== null && r.n >= definition(defs, r.metric).min_sample;
}

/**
 * Is the change between two readings larger than their noise (95%)? Means: |Δ| > √(m₁² + m₂²) with m the
 * margins; counts: |Δ| > 1.96·√(a + b) (Poisson). Null when either side has no value or no margin.
 */
export function beyondNoise(now: Reading, before: Reading): boolean | null {
  if (now.value === null || before.value === null) return null;
  const diff = Math.abs(now.value - before.value);
  if (now.unit === "count") return diff > 1.96 * Math.sqrt(now.value + before.value);
  if (now.margin95 === null || before.margin95 === null) return null;
  return diff > Math.sqrt(now.margin95 ** 2 + before.margin95 ** 2);
}
