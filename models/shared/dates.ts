/** Calendar arithmetic on UTC day numbers (days since 1970-01-01), matching DuckDB DATE. */
export const DAY_MS = 86_400_000;

export function isoToDays(iso: string): number {
  const t = Date.parse(`${iso.slice(0, 10)}T00:00:00Z`);
  if (Number.isNaN(t)) throw new Error(`not a date: ${iso}`);
  return Math.round(t / DAY_MS);
}

export function daysToIso(days: number): string {
  return new Date(days * DAY_MS).toISOString().slice(0, 10);
}

/** 0 = Monday … 6 = Sunday (1970-01-01 was a Thursday). */
export function isoDow(days: number): number {
  return (((days + 3) % 7) + 7) % 7;
}

export function ymdDays(year: number, month1: number, day: number): number {
  return Math.round(Date.UTC(year, month1 - 1, day) / DAY_MS);
}

export function yearOf(days: number): number {
  return new Date(days * DAY_MS).getUTCFullYear();
}
