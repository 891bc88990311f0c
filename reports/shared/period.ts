/**
 * Report periods: a Monday–Sunday week or a calendar month, in business-local dates as the marts
 * hold them, with the period before it (what every change is measured against).
 */
import { z } from "zod";
import { addDays, weekday, weekEndingOn } from "./dates.ts";
import { fmtRange } from "./format.ts";

export const PeriodKind = z.enum(["week", "month"]);
export type PeriodKind = z.infer<typeof PeriodKind>;

export type ReportPeriod = {
  kind: PeriodKind;
  /** First and last day (inclusive). */
  start: string;
  end: string;
  prevStart: string;
  prevEnd: string;
  /** Short id used in file names: 2026-11-15 for a week (its Sunday), 2026-10 for a month. */
  id: string;
  /** "9–15 Nov 2026" or "October 2026". */
  label: string;
};

const MONTH_NAMES = ["January", "February", "March", "April", "May", "June", "July", "August", "September", "October", "November", "December"];

function monthStart(iso: string): string {
  return `${iso.slice(0, 7)}-01`;
}

function monthEnd(iso: string): string {
  const [y, m] = [Number(iso.slice(0, 4)), Number(iso.slice(5, 7))];
  return new Date(Date.UTC(y, m, 0)).toISOString().slice(0, 10);
}

function monthLabel(iso: string): string {
  return `${MONTH_NAMES[Number(iso.slice(5, 7)) - 1]} ${iso.slice(0, 4)}`;
}

/** The week (Monday–Sunday) or month that contains the given day. */
export function periodContaining(kind: PeriodKind, day: string): ReportPeriod {
  if (kind === "week") {
    const sunday = addDays(day, (7 - weekday(day)) % 7);
    const w = weekEndingOn(sunday);
    return { kind, ...w, id: w.end, label: fmtRange(w.start, w.end) };
  }
  const start = monthStart(day);
  const prevEnd = addDays(start, -1);
  return { kind, start, end: monthEnd(day), prevStart: monthStart(prevEnd), prevEnd, id: start.slice(0, 7), label: monthLabel(start) };
}

/** The last period that is complete on `lastDay` (the last day with data). */
export function lastCompletePeriod(kind: PeriodKind, lastDay: string): ReportPeriod {
  const p = periodContaining(kind, lastDay);
  return p.end === lastDay ? p : periodContaining(kind, addDays(p.start, -1));
}

/** Every period of a kind whose last day falls within [from, to]. */
export function periodsEndingBetween(kind: PeriodKind, from: string, to: string): ReportPeriod[] {
  const out: ReportPeriod[] = [];
  for (let p = lastCompletePeriod(kind, to); p.end >= from; p = periodContaining(kind, addDays(p.start, -1))) out.unshift(p);
  return out;
}

/** The N periods ending with this one, oldest first. */
export function trailingPeriods(p: ReportPeriod, n: number): ReportPeriod[] {
  const out = [p];
  while (out.length < n) out.unshift(periodContaining(p.kind, addDays(out[0]!.start, -1)));
  return out;
}

/** "the week before" / "October 2026": how the previous period is named in sentences. */
export function previousLabel(p: ReportPeriod): string {
  return p.kind === "week" ? "the week before" : monthLabel(p.prevStart);
}
