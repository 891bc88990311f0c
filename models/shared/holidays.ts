/**
 * US federal holidays (5 U.S.C. 6103), used when the `calendar` mart is absent or does not
 * cover a date (e.g. the forecast horizon). Both the actual date and the observed weekday
 * (Saturday → Friday, Sunday → Monday) are flagged.
 */
import { isoDow, ymdDays } from "./dates.ts";

/** n-th (1-based) ISO weekday (0 = Monday) of a month; n = -1 for the last one. */
function nthWeekday(year: number, month1: number, dow: number, n: number): number {
  if (n > 0) {
    const first = ymdDays(year, month1, 1);
    return first + ((dow - isoDow(first) + 7) % 7) + 7 * (n - 1);
  }
  const last = ymdDays(year, month1 + 1, 1) - 1;
  return last - ((isoDow(last) - dow + 7) % 7);
}

/** Holiday day numbers (actual and observed) of one year. */
export function usFederalHolidays(year: number): number[] {
  const MON = 0;
  const THU = 3;
  const fixed = [ymdDays(year, 1, 1), ymdDays(year, 7, 4), ymdDays(year, 11, 11), ymdDays(year, 12, 25)];
  if (year >= 2021) fixed.push(ymdDays(year, 6, 19));
  const floating = [
    nthWeekday(year, 1, MON, 3), // Martin Luther King Jr. Day
    nthWeekday(year, 2, MON, 3), // Washington's Birthday
    nthWeekday(year, 5, MON, -1), // Memorial Day
    nthWeekday(year, 9, MON, 1), // Labor Day
    nthWeekday(year, 10, MON, 2), // Columbus Day
    nthWeekday(year, 11, THU, 4), // Thanksgiving
  ];
  const out = new Set<number>(floating);
  for (const d of fixed) {
    out.add(d);
    const dow = isoDow(d);
    if (dow === 5) out.add(d - 1);
    if (dow === 6) out.add(d + 1);
  }
  // New Year's Day on a Saturday is observed on Friday Dec 31 of the previous year.
  const nextNewYear = ymdDays(year + 1, 1, 1);
  if (isoDow(nextNewYear) === 5) out.add(nextNewYear - 1);
  return [...out].sort((a, b) => a - b);
}

/** Holiday day numbers between two day numbers (inclusive). */
export function usFederalHolidaySet(fromDays: number, toDays: number): Set<number> {
  const y0 = new Date(fromDays * 86_400_000).getUTCFullYear();
  const y1 = new Date(toDays * 86_400_000).getUTCFullYear();
  const out = new Set<number>();
  for (let y = y0 - 1; y <= y1; y++) for (const d of usFederalHolidays(y)) if (d >= fromDays && d <= toDays) out.add(d);
  return out;
}
