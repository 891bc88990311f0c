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
}).prefault({});

export type StaffingConfig = z.infer<typeof StaffingConfigSchema>;

declare module "../../pipelines/core/config.ts" {
  interface ConfigSections { models: { staffing: StaffingConfig } }
}
registerConfigSection("models.staffing", StaffingConfigSchema);
