/** The report week (Monday–Sunday, business-local dates as the marts hold them) and date arithmetic on ISO days. */
import type { Db } from "../../pipelines/core/duckdb.ts";
import type { Paths } from "../../pipelines/core/paths.ts";
import { query } from "./sql.ts";

export type ReportWeek = {
  /** Monday of the report week. */
  start: string;
  /** Sunday of the report week. */
  end: string;
  /** Monday and Sunday of the week before. */
  prevStart: string;
  prevEnd: string;
};

const WEEKDAYS = ["Sunday", "Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday"];

function toDate(iso: string): Date {
  const d = new Date(`${iso}T00:00:00Z`);
  if (!/^\d{4}-\d{2}-\d{2}$/.test(iso) || Number.isNaN(d.getTime()) || d.toISOString().slice(0, 10) !== iso) {
    throw new Error(`expected a date YYYY-MM-DD, got ${JSON.stringify(iso)}`);
  }
  return d;
}

export function addDays(iso: string, days: number): string {
  const d = toDate(iso);
  d.setUTCDate(d.getUTCDate() + days);
  return d.toISOString().slice(0, 10);
}

export function weekday(iso: string): number {
  return toDate(iso).getUTCDay();
}

/** The week ending on a given Sunday. */
export function weekEndingOn(sunday: string): ReportWeek {
  const wd = weekday(sunday);
  if (wd !== 0) {
    const before = addDays(sunday, -wd);
    throw new Error(
      `week ending ${sunday} is a ${WEEKDAYS[wd]}; report weeks run Monday–Sunday, so give a Sunday (e.g. ${before})`,
    );
  }
  const start = addDays(sunday, -6);
  return { start, end: sunday, prevStart: addDays(start, -7), prevEnd: addDays(start, -1) };
}

/**
 * The default week: the last complete Monday–Sunday week, i.e. the Sunday on or before the last day
 * of daily_volume, but no later than the last business-total week in kpi_weekly.
 */
export async function defaultWeek(db: Db, paths: Paths): Promise<ReportWeek> {
  const [r] = await query<{ daily_sunday: string | null; kpi_sunday: string | null; max_date: string | null }>(
    db, paths, "default_week",
  );
  const candidates = [r?.daily_sunday, r?.kpi_sunday].filter((d): d is string => typeof d === "string");
  if (candidates.length < 2) {
    throw new Error(
      `cannot pick a report week: ${r?.daily_sunday ? "kpi_weekly has no 'All' rows" : "daily_volume has no rows"}; run the transforms first`,
    );
  }
  const sunday = candidates.sort()[0]!;
  return weekEndingOn(sunday);
}

/** Mondays from `from` to `to` (inclusive), every `step` weeks counted back from the last one. */
export function mondays(from: string, to: string, step = 1): string[] {
  let last = addDays(to, -((weekday(to) + 6) % 7));
  const out: string[] = [];
  for (; last >= from; last = addDays(last, -7 * step)) out.unshift(last);
  return out;
}
