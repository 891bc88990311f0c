/**
 * Cron times through croner (maintained, DST-aware, time-zone-aware): whether a pattern is valid, the
 * first time it fires after an instant (to tell whether a job's run was missed while the scheduler was
 * down) and the next run (for `schedule --list`). Five fields (minute hour day month weekday), or six
 * with seconds first.
 */
import { Cron } from "croner";

export type FireSearch = { pattern: string; timezone: string; after: Date; until: Date };

export function hasSeconds(pattern: string): boolean {
  return pattern.trim().split(/\s+/).length === 6;
}

/** A cron expression of five or six fields that croner accepts (not an ISO date, which croner also takes). */
export function validCron(pattern: string): boolean {
  const n = pattern.trim().split(/\s+/).length;
  if (n !== 5 && n !== 6) return false;
  try {
    new Cron(pattern, { paused: true });
    return true;
  } catch {
    return false;
  }
}

/** A paused job: computes times, never fires. */
export function cronOf(pattern: string, timezone: string): Cron {
  return new Cron(pattern, { timezone, paused: true });
}

/** The first time in (after, until] the pattern fires, or null. */
export function firstFireAfter({ pattern, timezone, after, until }: FireSearch): Date | null {
  const next = cronOf(pattern, timezone).nextRun(after);
  return next && next.getTime() <= until.getTime() ? next : null;
}

/** The next time the pattern fires after `from` (for `schedule --list`). */
export function nextFire(pattern: string, timezone: string, from: Date): Date | null {
  return cronOf(pattern, timezone).nextRun(from);
}
