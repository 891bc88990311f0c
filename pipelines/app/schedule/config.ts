/**
 * The `schedule` config section (registered with pipelines/core/config.ts): the jobs `commsight schedule`
 * runs, as cron expressions in the business time zone. A job selects stages or datasets of the graph
 * (`select: [extract+]`: extract and everything downstream), resolved to its stages when the config is
 * read, or lists commsight command lines (`steps`) for commands with options, such as a report's kind.
 */
import { validCron } from "./cron.ts";
import { z } from "zod";
import { registerConfigSection, TimeZone } from "../../core/config.ts";
import { resolveSelection, SelectionError, selectionSteps } from "../graph.ts";

const timeZone = TimeZone;

/** Commands a step may run (the scheduler runs `commsight <step…>` in a child process). */
export const STEP_COMMANDS = ["extract", "enrich", "retention", "transform", "train", "report", "alerts", "backfill", "run", "test-data", "status"] as const;

export const Step = z.array(z.string().min(1)).min(1).refine((s) => (STEP_COMMANDS as readonly string[]).includes(s[0]!), {
  message: `a step is a commsight command and its options, starting with one of ${STEP_COMMANDS.join(", ")}`,
});

const JobFields = z.strictObject({
  name: z.string().regex(/^[a-z0-9][a-z0-9_-]*$/, "expected a name of lower-case letters, digits, - and _"),
  /** Five fields (minute hour day month weekday) or six with seconds first (croner). */
  cron: z.string().refine((c) => validCron(c), "expected a cron expression such as \"0 7 * * 1\" (Mondays 07:00)"),
  /** Stages or datasets of the graph: `extract+` (and downstream), `+marts.churn_risk` (and upstream), `-report` (leave out). */
  select: z.array(z.string().min(1)).min(1).optional(),
  steps: z.array(Step).min(1).optional(),
  /** Retries of a failed step (default schedule.retries), after backoffSeconds · 2^attempt. */
  retries: z.number().int().min(0).max(10).optional(),
  backoffSeconds: z.number().positive().optional(),
  /** Run once on start when a scheduled time passed while the scheduler was down (default schedule.catchUp). */
  catchUp: z.boolean().optional(),
  enabled: z.boolean().default(true),
});

/** A job: its selection is resolved to the graph's stages (one step each); unknown stages or datasets are errors naming them. */
export const Job = JobFields.superRefine((j, ctx) => {
  if ((j.select === undefined) === (j.steps === undefined)) {
    ctx.addIssue({ code: "custom", path: ["select"], message: `job ${j.name}: give either select (stages or datasets of the graph) or steps (command lines), not ${j.select ? "both" : "neither"}` });
    return;
  }
  if (j.select) {
    try {
      if (resolveSelection(j.select).length === 0) ctx.addIssue({ code: "custom", path: ["select"], message: `job ${j.name}: the selection ${j.select.join(" ")} leaves no stage to run` });
    } catch (err) {
      if (!(err instanceof SelectionError)) throw err;
      ctx.addIssue({ code: "custom", path: ["select"], message: `job ${j.name}: ${err.message}` });
    }
  }
}).transform((j) => ({ ...j, steps: j.steps ?? selectionSteps(j.select!) }));
export type Job = z.infer<typeof Job>;

export const DEFAULT_JOBS: z.input<typeof Job>[] = [
  // Every hour: whatever the configured sources (API, webhooks, file drops; the demo folder in demo mode) have new.
  { name: "extract-hourly", cron: "0 * * * *", select: ["extract"] },
  // Every night: extract, then everything downstream of it (enrich, retention, transform, models, alerts); reports have their own jobs.
  { name: "nightly", cron: "30 1 * * *", select: ["extract+", "-report"] },
  { name: "staffing-weekly", cron: "30 6 * * 1", steps: [["report", "--kind", "staffing", "--period", "week"]] },
  { name: "leadership-weekly", cron: "0 7 * * 1", steps: [["report", "--kind", "leadership", "--period", "week"]] },
  { name: "leadership-monthly", cron: "0 7 1 * *", steps: [["report", "--kind", "leadership", "--period", "month"]] },
  { name: "coaching-weekly", cron: "15 7 * * 1", steps: [["report", "--kind", "coaching", "--period", "week"]] },
];

export const ScheduleConfigSchema = z.strictObject({
  /** Time zone of the cron expressions; default business.timezone. */
  timezone: timeZone.optional(),
  jobs: z.array(Job).prefault(DEFAULT_JOBS).refine((jobs) => new Set(jobs.map((j) => j.name)).size === jobs.length, "job names must be unique"),
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
