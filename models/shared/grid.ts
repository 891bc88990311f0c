/**
 * The time layout of regular series: every day holds S slots (S = 1 for daily series, 48 for
 * 30-minute intervals, 169 five-minute slots 07:00–21:00 …), and days repeat in a cycle of C
 * (a week). In calendar mode days are real dates (weekday from the date, holidays known, gaps
 * such as closed days allowed), so "the same slot a week ago" is found by date even when days
 * are missing; in index mode days are just consecutive blocks of S points and the cycle is C blocks.
 * The grid extends past the observed points into the future so the horizon has calendar features.
 */
import { isoDow } from "./dates.ts";
import { usFederalHolidaySet } from "./holidays.ts";

export type Grid = {
  mode: "calendar" | "index";
  /** Slots per day and days per cycle. */
  S: number;
  C: number;
  /** Observed points (indices 0 … n−1); indices n … total−1 are the future. */
  n: number;
  total: number;
  /** Per day ordinal (observed days first, then future days): the day number and its facts. */
  dayNumber: Int32Array;
  weekday: Int32Array;
  holiday: Uint8Array;
  /** The day before was a holiday, or a usual weekday the series skips (closed). */
  afterClosed: Uint8Array;
  /** Per index: the day ordinal and the slot within the day. */
  dayOf: Int32Array;
  slotOf: Int32Array;
  /** Optional per index: inside business hours. */
  open: Uint8Array | null;
};

/** The index of (day ordinal, slot). */
export const indexAt = (g: Grid, dayOrd: number, slot: number) => dayOrd * g.S + slot;

/**
 * Calendar grid from the observed days (day numbers, ascending, each with S slots), extended by
 * `futureDays` days that follow the observed weekday pattern (a weekday absent from the last
 * eight weeks is skipped: a closed day). Holidays: the given set, plus usual weekdays the
 * series skips (a bank's closed Monday), which count as closed days.
 */
export function calendarGrid(days: number[], S: number, futureDays: number, holidays?: Set<number>): Grid {
  if (days.length === 0) throw new Error("forecast: no days");
  const last = days[days.length - 1]!;
  const recent = new Set(days.filter((d) => d > last - 56).map(isoDow));
  const future: number[] = [];
  for (let d = last + 1; future.length < futureDays; d++) if (recent.has(isoDow(d))) future.push(d);
  const all = [...days, ...future];
  const hol = holidays ?? usFederalHolidaySet(all[0]! - 7, all[all.length - 1]!);
  const observed = new Set(days);
  const closed = (d: number) => hol.has(d) || (d > days[0]! && d <= last && recent.has(isoDow(d)) && !observed.has(d));
  return build("calendar", S, 7, days.length * S, all, all.map(isoDow), all.map((d) => (hol.has(d) ? 1 : 0)), all.map((d) => (closed(d - 1) ? 1 : 0)));
}

/** Index grid: n points in blocks of S, cycle of C blocks, extended by futureDays blocks. */
export function indexGrid(n: number, S: number, C: number, futureDays: number): Grid {
  if (n % S !== 0) throw new Error(`forecast: ${n} points are not whole days of ${S}`);
  const nd = n / S + futureDays;
  const all = Array.from({ length: nd }, (_, i) => i);
  return build("index", S, Math.max(1, C), n, all, all.map((i) => i % Math.max(1, C)), all.map(() => 0), all.map(() => 0));
}

function build(mode: Grid["mode"], S: number, C: number, n: number, days: number[], weekday: number[], holiday: number[], afterClosed: number[]): Grid {
  const total = days.length * S;
  const dayOf = new Int32Array(total);
  const slotOf = new Int32Array(total);
  for (let i = 0; i < total; i++) { dayOf[i] = Math.floor(i / S); slotOf[i] = i % S; }
  return {
    mode, S, C, n, total,
    dayNumber: Int32Array.from(days), weekday: Int32Array.from(weekday),
    holiday: Uint8Array.from(holiday), afterClosed: Uint8Array.from(afterClosed),
    dayOf, slotOf, open: null,
  };
}

/** Day ordinal of a day number (binary search; −1 when the grid does not hold that day). */
export function ordinalOf(g: Grid, dayNumber: number): number {
  if (g.mode === "index") return dayNumber >= 0 && dayNumber < g.dayNumber.length ? dayNumber : -1;
  let lo = 0;
  let hi = g.dayNumber.length - 1;
  while (lo <= hi) {
    const mid = (lo + hi) >> 1;
    const v = g.dayNumber[mid]!;
    if (v === dayNumber) return mid;
    if (v < dayNumber) lo = mid + 1; else hi = mid - 1;
  }
  return -1;
}

/** Day ordinal of the same weekday k cycles before the given day ordinal (−1 if not held). */
export function cyclesBack(g: Grid, dayOrd: number, k: number): number {
  if (g.mode === "index") return dayOrd - k * g.C;
  return ordinalOf(g, g.dayNumber[dayOrd]! - 7 * k);
}
