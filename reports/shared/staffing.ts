/**
 * The staffing plan as the reports read it: the `staffing` mart the staffing model writes
 * (models/staffing, contract models/staffing/staffing.yml), read by its column names into one validated
 * row shape, and summed per day.
 */
import { z } from "zod";
import type { Db } from "../../pipelines/core/duckdb.ts";
import type { Paths } from "../../pipelines/core/paths.ts";
import { martAvailable, query } from "./sql.ts";

/** The mart models/staffing writes (STAFFING_MART there; not imported, which would load the model code). */
export const STAFFING_MART = "staffing";

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

/** The plan for [from, to] (business-local days), the business total when the mart has one, else the lines summed. */
export async function readStaffingPlan(db: Db, paths: Paths, from: string, to: string): Promise<StaffingPlan | { unavailable: string }> {
  if (!martAvailable(paths, STAFFING_MART)) {
    return { unavailable: "Staffing plan not available yet: no staffing mart has been built (the staffing model writes it)." };
  }
  const raw = await query<Record<string, unknown>>(db, paths, "staffing_plan", { start: from, end: to });
  const parsed = raw.map((r) => StaffingRow.parse(r));
  return { mart: STAFFING_MART, rows: parsed, line: parsed[0]?.line ?? "All" };
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
