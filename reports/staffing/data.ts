/**
 * What the planners' report reads, beside the business-total plan of reports/shared/staffing.ts: the plan per
 * day and queue (staffing mart), the shift plan (shift_plan), one queue's intervals and the recent weeks'
 * forecast accuracy (forecast_accuracy), each by its query under reports/queries/staffing_*.sql, validated.
 */
import { z } from "zod";
import type { Db } from "../../pipelines/core/duckdb.ts";
import type { Paths } from "../../pipelines/core/paths.ts";
import { martAvailable, query } from "../shared/sql.ts";

const num = z.number();
const optNum = z.number().nullable();

export const QueueDay = z.object({
  date: z.string(), line: z.string(), channel: z.string(), pooling: z.string(), interval_minutes: z.number().int(),
  open_intervals: z.number().int(), first_interval: z.string(), last_interval_end: z.string(),
  forecast: num, offered: num, peak_agents: num, agent_hours: num, peak_scheduled: num, scheduled_hours: num, rostered_hours: num,
  service_level: optNum, asa_seconds: optNum, occupancy: optNum, abandon_rate: optNum, method: z.string(), model_version: z.string(),
});
export type QueueDay = z.infer<typeof QueueDay>;

export const ShiftRow = z.object({
  date: z.string(), line: z.string(), channel: z.string(), shift: z.string(), start_time: z.string(), end_time: z.string(),
  break_time: z.string().nullable(), break_minutes: z.number().int(), paid_hours: num, agents: z.number().int(),
  day_paid_hours: num, day_lp_bound_hours: num,
});
export type ShiftRow = z.infer<typeof ShiftRow>;

export const IntervalRow = z.object({
  interval_start: z.string(), date: z.string(), interval_minutes: z.number().int(), forecast: num, lower80: num, upper80: num,
  aht_seconds: num, agents: z.number().int(), scheduled: z.number().int(), rostered: z.number().int(),
  service_level: num, asa_seconds: optNum, occupancy: num, abandon_rate: optNum,
});
export type IntervalRow = z.infer<typeof IntervalRow>;

export const AccuracyRow = z.object({
  week_start: z.string(), line: z.string(), channel: z.string(), days: z.number().int(), origins: z.number().int(),
  actual: num, forecast: num, mase: optNum, wape: optNum, bias: optNum, coverage80: num, coverage95: num, sources: z.string(),
});
export type AccuracyRow = z.infer<typeof AccuracyRow>;

const parse = <T>(schema: z.ZodType<T>, rows: Record<string, unknown>[]) =>
  rows.map((r) => schema.parse(Object.fromEntries(Object.entries(r).map(([k, v]) => [k, typeof v === "bigint" ? Number(v) : v]))));

export async function readQueueDays(db: Db, paths: Paths, start: string, end: string): Promise<QueueDay[]> {
  return parse(QueueDay, await query(db, paths, "staffing_queues", { start, end }));
}

/** The shift plan, or null when no shift_plan mart has been built. */
export async function readShifts(db: Db, paths: Paths, start: string, end: string): Promise<ShiftRow[] | null> {
  if (!martAvailable(paths, "shift_plan")) return null;
  return parse(ShiftRow, await query(db, paths, "staffing_shifts", { start, end }));
}

export async function readIntervals(db: Db, paths: Paths, start: string, end: string, line: string, channel: string): Promise<IntervalRow[]> {
  return parse(IntervalRow, await query(db, paths, "staffing_intervals", { start, end, line, channel }));
}

/** The most recent `weeks` scored weeks before `start`, or null when no forecast_accuracy mart has been built. */
export async function readAccuracy(db: Db, paths: Paths, start: string, weeks: number): Promise<AccuracyRow[] | null> {
  if (!martAvailable(paths, "forecast_accuracy")) return null;
  return parse(AccuracyRow, await query(db, paths, "staffing_accuracy", { start, weeks }));
}
