/**
 * The `schedule` config section (hooked into pipelines/core/config.ts): the jobs `commsight schedule`
 * runs, as cron expressions in the business time zone, each a list of commsight commands run in order.
 */
import cron from "node-cron";
import { z } from "zod";
import { registerConfigSection } from "../../core/config.ts";

const timeZone = z.string().refine((tz) => {
  try { new Intl.DateTimeFormat("en-US", { timeZone: tz }); return true; } catch { return false; }
}, "expected an IANA time zone such as America/New_York");

/** Commands a step may run (the scheduler runs `commsight <step…>` in a child process). */
export const STEP_COMMANDS = ["extract", "transform", "train", "report", "alerts", "backfill", "run", "test-data", "status"] as const;

export const Step = z.array(z.string().min(1)).min(1).refine((s) => (STEP_COMMANDS as readonly string[]).includes(s[0]!), {
  message: `a step is a commsight command and its options, starting with one of ${STEP_COMMANDS.join(", ")}`,
});

export const Job = z.strictObject({
  name: z.string().regex(/^[a-z0-9][a-z0-9_-]*$/, "expected a name of lower-case letters, digits, - and _"),
  /** Five fields (minute hour day month weekday) or six with seconds first, node-cron syntax. */
  cron: z.string().refine((c) => cron.validate(c), "expected a cron expression such as \"0 7 * * 1\" (Mondays 07:00)"),
  steps: z.array(Step).min(1),
  /** Retries of a failed step (default schedule.retries), after backoffSeconds · 2^attempt. */
  retries: z.number().int().min(0).max(10).optional(),
  backoffSeconds: z.number().positive().optional(),
  /** Run once on start when a scheduled time passed while the scheduler was down (default schedule.catchUp). */
  catchUp: z.boolean().optional(),
  enabled: z.boolean().default(true),
});
export type Job = z.infer<typeof Job>;

export const DEFAULT_JOBS: Job[] = [
  { name: "extract-hourly", cron: "0 * * * *", steps: [["extract"]], enabled: true },
  { name: "nightly", cron: "30 1 * * *", steps: [["transform"], ["train"], ["alerts", "run"]], enabled: true },
  { name: "staffing-weekly", cron: "30 6 * * 1", steps: [["report", "--kind", "staffing", "--period", "week"]], enabled: true },
  { name: "leadership-weekly", cron: "0 7 * * 1", steps: [["report", "--kind", "leadership", "--period", "week"]], enabled: true },
  { name: "leadership-monthly", cron: "0 7 1 * *", steps: [["report", "--kind", "leadership", "--period", "month"]], enabled: true },
];

export const ScheduleConfigSchema = z.strictObject({
  /** Time zone of the cron expressions; default business.timezone. */
  timezone: timeZone.optional(),
  jobs: z.array(Job).default(DEFAULT_JOBS).refine((jobs) => new Set(jobs.map((j) => j.name)).size === jobs.length, "job names must be unique"),
  retries: z.number().int().min(0).max(10).default(2),
  backoffSeconds: z.number().positive().default(60),
  catchUp: z.boolean().default(true),
  lock: z.strictObject({
    /** The running scheduler rewrites its lock this often… */
    heartbeatSeconds: z.number().positive().default(10),
    /** …and a lock not rewritten for this long belongs to a dead scheduler and may be taken over. */
    staleSeconds: z.number().positive().default(60),
  }).prefault({}),
}).prefault({});
export type ScheduleConfig = z.infer<typeof ScheduleConfigSchema>;

declare module "../../core/config.ts" {
  interface ConfigSections { schedule: ScheduleConfig }
}
registerConfigSection("schedule", ScheduleConfigSchema);
