/**
 * The `models.staffing` config section (hooked into pipelines/core/config.ts): the interval the
 * intraday forecast and the staffing plan use, and the planners' service targets.
 */
import { z } from "zod";
import { registerConfigSection } from "../../pipelines/core/config.ts";
// The business calendar's config (business.hours, business.holidays, business.specialDays) registers with it.
import "../shared/businessCalendar.ts";

export const StaffingConfigSchema = z.strictObject({
  /** Interval of the intraday forecast and the staffing plan, in minutes. */
  intervalMinutes: z.union([z.literal(15), z.literal(30), z.literal(60)]).default(30),
  /** Target service level: this share of calls answered within `targetSeconds`. */
  targetServiceLevel: z.number().gt(0).lt(1).default(0.8),
  targetSeconds: z.number().positive().default(20),
  /** Agents are raised until offered load ÷ agents is at most this. */
  maxOccupancy: z.number().gt(0).max(1).default(0.85),
  /** Share of paid time not on the phones (breaks, training, absence): scheduled = ⌈agents ÷ (1 − shrinkage)⌉. */
  shrinkage: z.number().min(0).lt(1).default(0.3),
  /** Days of call history for handle times and patience per interval. */
  lookbackDays: z.number().int().positive().default(56),
  /** Which agent count the schedule is built from: Erlang C (no abandonment) or Erlang A (abandonment, when patience is known). */
  method: z.enum(["erlang_c", "erlang_a"]).default("erlang_c"),
  /** Staff to the point forecast or to the upper end of its 80% interval. */
  staffTo: z.enum(["forecast", "upper80"]).default("forecast"),
  /** Agents on the phones in every open interval of a call queue, whatever the forecast. */
  minAgents: z.number().int().min(0).default(1),
  /**
   * Text messages, an asynchronous channel: Erlang C on the first-response target with a concurrency
   * factor (an agent works `concurrency` threads at once); messages that arrive while the business is
   * closed wait for the next opening (models/staffing/messages.ts).
   */
  messages: z.strictObject({
    /** Agent work per incoming message, seconds (reading, looking up, replying). */
    handleSeconds: z.number().positive().default(90),
    /** Conversations an agent keeps going at once. */
    concurrency: z.number().min(1).max(10).default(3),
    /** First-response target: this share of messages answered within `responseSeconds`. */
    responseShare: z.number().gt(0).lt(1).default(0.8),
    responseSeconds: z.number().positive().default(900),
    minAgents: z.number().int().min(0).default(0),
  }).prefault({}),
  /**
   * Shifts the plan is built from (models/staffing/shifts.ts): lengths in minutes, an unpaid break
   * placed `breakWindow` minutes after the start (earliest, latest); starts every interval.
   */
  shifts: z.strictObject({
    templates: z.array(z.strictObject({
      name: z.string().min(1),
      minutes: z.number().int().positive().max(24 * 60),
      breakMinutes: z.number().int().min(0).default(0),
      breakWindow: z.tuple([z.number().int().min(0), z.number().int().min(0)]).optional(),
    }).refine((t) => t.breakMinutes === 0 || (t.breakWindow !== undefined && t.breakWindow[0] <= t.breakWindow[1] && t.breakWindow[1] + t.breakMinutes < t.minutes), {
      message: "a shift with a break needs breakWindow [earliest, latest] minutes after its start, ending before the shift does",
    })).min(1).default([
      { name: "full day", minutes: 510, breakMinutes: 30, breakWindow: [180, 300] },
      { name: "6 hours", minutes: 360, breakMinutes: 0 },
      { name: "4 hours", minutes: 240, breakMinutes: 0 },
    ]),
    /** Seconds HiGHS may spend on one day and queue before the best plan found is kept. */
    maxSolveSeconds: z.number().positive().default(20),
  }).prefault({}),
  /** Paid hours of one full-time equivalent per week (FTE = paid hours ÷ this). */
  hoursPerFte: z.number().positive().max(80).default(40),
  /** Forecast snapshots older than this many days before the newest are dropped. */
  snapshotRetentionDays: z.number().int().positive().default(400),
}).prefault({});

export type StaffingConfig = z.infer<typeof StaffingConfigSchema>;

declare module "../../pipelines/core/config.ts" {
  interface ConfigSections { models: { staffing: StaffingConfig } }
}
registerConfigSection("models.staffing", StaffingConfigSchema);
