/**
 * The staffing plan as the reports read it. The models stage (models/staffing) writes a staffing mart
 * (interval, forecast, lower/upper bound, agents needed); while its exact columns settle, this reader
 * finds the mart by name and maps the columns it recognises onto one validated row shape.
 */
import { z } from "zod";
import { rows, type Db } from "../../pipelines/core/duckdb.ts";
import { martScan, type Paths } from "../../pipelines/core/paths.ts";
import { findMart, ident, martColumns, pick } from "./discover.ts";

export const STAFFING_MARTS = ["staffing_plan", "staffing", "staffing_intervals", "staffing_interval"] as const;

export const StaffingRow = z.object({
  interval_start: z.string(),      // business-local "YYYY-MM-DD HH:MM"
  date: z.string(),
  line: z.string(),
  interval_minutes: z.number().int().positive(),
  forecast: z.number(),
  lower: z.number().nullable(),
  upper: z.number().nullable(),
  agents: z.number(),
  scheduled: z.number().nullable(),
  aht_seconds: z.number().nullable(),
});
export type StaffingRow = z.infer<typeof StaffingRow>;

export type StaffingPlan = { mart: string; rows: StaffingRow[]; line: string };

const C = {
  interval: ["interval_start", "interval", "starts_at", "start", "period_start"],
  minutes: ["interval_minutes", "minutes"],
  line: ["line", "queue"],
  forecast: ["forecast", "forecast_calls", "calls_forecast", "expected_calls", "calls", "offered"],
  lower: ["lower80", "lower", "lower_bound", "forecast_lower", "calls_lower", "lower95"],
  upper: ["upper80", "upper", "upper_bound", "forecast_upper", "calls_upper", "upper95"],
  agents: ["agents_needed", "agents", "required_agents", "agents_required", "erlang_agents", "agents_erlang_c"],
  scheduled: ["scheduled_agents", "agents_scheduled", "scheduled", "staff_needed", "agents_with_shrinkage"],
  aht: ["aht_seconds", "handle_seconds", "avg_handle_seconds"],
  version: ["model_version", "version", "as_of"],
} as const;

const NUM = /INT|DOUBLE|FLOAT|DECIMAL|REAL/;

/** The plan for [from, to] (business-local days), the business total when the mart has one, else the lines summed. */
export async function readStaffingPlan(db: Db, paths: Paths, from: string, to: string): Promise<StaffingPlan | { unavailable: string }> {
  const mart = findMart(paths, ...STAFFING_MARTS, /^staffing/);
  if (!mart) return { unavailable: "Staffing plan not available yet: no staffing mart has been built (the staffing model writes it)." };
  const cols = await martColumns(db, paths, mart);
  const interval = pick(cols, C.interval, /TIMESTAMP/);
  const forecast = pick(cols, C.forecast, NUM);
  const agents = pick(cols, C.agents, NUM);
  if (!interval || !forecast || !agents) {
    return { unavailable: `Staffing plan not available yet: the ${mart} mart lacks an interval, forecast or agents-needed column (has ${[...cols.keys()].join(", ")}).` };
  }
  const opt = (names: readonly string[], type = NUM) => pick(cols, names, type);
  const [minutes, line, lower, upper, scheduled, aht, version] =
    [opt(C.minutes), opt(C.line, /VARCHAR/), opt(C.lower), opt(C.upper), opt(C.scheduled), opt(C.aht), opt(C.version, /.*/)];
  const num = (c: string | undefined) => (c ? `CAST(${ident(c)} AS DOUBLE)` : "NULL");
  // Column names come from the mart's own schema and the dates from the period, never from user text.
  const src = `SELECT * FROM ${martScan(paths, mart)} WHERE CAST(${ident(interval)} AS DATE) BETWEEN DATE '${from}' AND DATE '${to}'` +
    (version ? ` QUALIFY ${ident(version)} = max(${ident(version)}) OVER ()` : "");
  const lineExpr = line ? `coalesce(${ident(line)}, 'All')` : "'All'";
  const sql = `
    WITH src AS (${src}),
    scoped AS (SELECT * FROM src WHERE (${lineExpr} = 'All') = (SELECT coalesce(bool_or(${lineExpr} = 'All'), false) FROM src))
    SELECT strftime(${ident(interval)}, '%Y-%m-%d %H:%M') AS interval_start, CAST(CAST(${ident(interval)} AS DATE) AS VARCHAR) AS date,
           CASE WHEN bool_or(${lineExpr} = 'All') THEN 'All' ELSE 'All lines summed' END AS line,
           CAST(${minutes ? `max(${ident(minutes)})` : "0"} AS INTEGER) AS interval_minutes,
           sum(${num(forecast)}) AS forecast, sum(${num(lower)}) AS lower, sum(${num(upper)}) AS upper,
           sum(${num(agents)}) AS agents, sum(${num(scheduled)}) AS scheduled, avg(${num(aht)}) AS aht_seconds
    FROM scoped GROUP BY 1, 2 ORDER BY 1`;
  const raw = await rows<Record<string, unknown>>(db, sql);
  const parsed = raw.map((r) => StaffingRow.parse({ ...r, interval_minutes: Number(r.interval_minutes) || inferMinutes(raw) }));
  return { mart, rows: parsed, line: parsed[0]?.line ?? "All" };
}

/** Interval length from the spacing of the first two intervals (for marts without interval_minutes). */
function inferMinutes(raw: Record<string, unknown>[]): number {
  const [a, b] = raw.map((r) => Date.parse(`${String(r.interval_start).replace(" ", "T")}:00Z`));
  return a !== undefined && b !== undefined && b > a ? Math.round((b - a) / 60_000) : 30;
}

/** Per day: forecast calls, the most agents any interval needs, and agent-hours (agents × interval length). */
export function staffingByDay(rows: readonly StaffingRow[]) {
  const days = new Map<string, { date: string; forecast: number; peakAgents: number; peakAt: string; agentHours: number; scheduledPeak: number | null }>();
  for (const r of rows) {
    const d = days.get(r.date) ?? { date: r.date, forecast: 0, peakAgents: 0, peakAt: "", agentHours: 0, scheduledPeak: null };
    d.forecast += r.forecast;
    d.agentHours += (r.agents * r.interval_minutes) / 60;
    if (r.agents > d.peakAgents) { d.peakAgents = r.agents; d.peakAt = r.interval_start.slice(11); }
    if (r.scheduled !== null) d.scheduledPeak = Math.max(d.scheduledPeak ?? 0, r.scheduled);
    days.set(r.date, d);
  }
  return [...days.values()].sort((a, b) => a.date.localeCompare(b.date));
}
