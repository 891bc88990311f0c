/** The `coaching` config section: how the supervisors' coaching report groups and what it lists. */
import { z } from "zod";
import { registerConfigSection } from "../../pipelines/core/config.ts";

export const CoachingConfigSchema = z.strictObject({
  /** One section per agent, or per team (agents' scorecards and calls pooled). */
  groupBy: z.enum(["agent", "team"]).default("agent"),
  /** Calls to review listed per section (the most severe first). */
  callsPerSection: z.number().int().positive().default(5),
  /** Playbook items listed per section (those used least against the team). */
  playbookItems: z.number().int().positive().default(3),
}).prefault({});
export type CoachingConfig = z.infer<typeof CoachingConfigSchema>;

declare module "../../pipelines/core/config.ts" {
  interface ConfigSections { coaching: CoachingConfig }
}
registerConfigSection("coaching", CoachingConfigSchema);
