/**
 * Today, as every stage that counts days from the calendar sees it (retention's cutoffs, extract's
 * expiry, enrich's retained partitions, stage freshness): COMMSIGHT_TODAY (YYYY-MM-DD) when set — a
 * frozen clock, for simulated nights (test/scale/nights.test.ts, npm run bench scale) — else today (UTC).
 */
export function today(): string {
  const frozen = process.env.COMMSIGHT_TODAY;
  if (frozen !== undefined) {
    if (!/^\d{4}-\d{2}-\d{2}$/.test(frozen) || Number.isNaN(Date.parse(`${frozen}T00:00:00Z`))) {
      throw new Error(`COMMSIGHT_TODAY must be a date YYYY-MM-DD, got ${JSON.stringify(frozen)}`);
    }
    return frozen;
  }
  return new Date().toISOString().slice(0, 10);
}

/** A day (YYYY-MM-DD) moved by `by` days (negative: earlier), on the UTC calendar. */
export function addDays(day: string, by: number): string {
  const d = new Date(`${day}T00:00:00Z`);
  d.setUTCDate(d.getUTCDate() + by);
  return d.toISOString().slice(0, 10);
}
