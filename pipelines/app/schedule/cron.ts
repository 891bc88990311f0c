/**
 * Cron arithmetic node-cron does not offer: the first scheduled time after a given instant, used to tell
 * whether a job's run was missed while the scheduler was down. Matching is node-cron's own (task.match,
 * in the job's time zone); only candidate instants whose local hour and minute (and second, for six-field
 * patterns) are in the pattern get that full check, so a month of minutes takes well under a second.
 */
import cron from "node-cron";

export type FireSearch = { pattern: string; timezone: string; after: Date; until: Date };

const formatters = new Map<string, Intl.DateTimeFormat>();
function localParts(d: Date, timeZone: string): { hour: number; minute: number; second: number } {
  let f = formatters.get(timeZone);
  if (!f) {
    f = new Intl.DateTimeFormat("en-US", { timeZone, hour: "numeric", minute: "numeric", second: "numeric", hourCycle: "h23" });
    formatters.set(timeZone, f);
  }
  const p = Object.fromEntries(f.formatToParts(d).map((x) => [x.type, x.value]));
  return { hour: Number(p.hour), minute: Number(p.minute), second: Number(p.second) };
}

export function hasSeconds(pattern: string): boolean {
  return pattern.trim().split(/\s+/).length === 6;
}

/** Longest walk: seconds patterns are for tests and short intervals, so a day of them is plenty. */
const MAX_STEPS = 100_000;

/** The first time in (after, until] the pattern fires, or null. */
export function firstFireAfter({ pattern, timezone, after, until }: FireSearch): Date | null {
  const fields = cron.parse(pattern);
  const hours = new Set(fields.hour);
  const minutes = new Set(fields.minute);
  const seconds = new Set(fields.second);
  const step = hasSeconds(pattern) ? 1000 : 60_000;
  const task = cron.createTask(pattern, () => {}, { timezone });
  try {
    let t = Math.floor(after.getTime() / step) * step + step;
    for (let i = 0; t <= until.getTime() && i < MAX_STEPS; i++, t += step) {
      const d = new Date(t);
      const p = localParts(d, timezone);
      if (!hours.has(p.hour) || !minutes.has(p.minute) || (step === 1000 && !seconds.has(p.second))) continue;
      if (task.match(d)) return d;
    }
    return null;
  } finally {
    void task.destroy();
  }
}

/** The next time the pattern fires after `from` (for `schedule --list`; within about two months). */
export function nextFire(pattern: string, timezone: string, from: Date): Date | null {
  return firstFireAfter({ pattern, timezone, after: from, until: new Date(from.getTime() + 70 * 86_400_000) });
}
