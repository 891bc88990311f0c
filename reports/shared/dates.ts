/** Date arithmetic on ISO days (business-local dates as the marts hold them) and the Monday–Sunday week. */

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

/** Mondays from `from` to `to` (inclusive), every `step` weeks counted back from the last one. */
export function mondays(from: string, to: string, step = 1): string[] {
  let last = addDays(to, -((weekday(to) + 6) % 7));
  const out: string[] = [];
  for (; last >= from; last = addDays(last, -7 * step)) out.unshift(last);
  return out;
}
