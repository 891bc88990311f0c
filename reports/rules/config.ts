/**
 * The `rules` config section (hooked into pipelines/core/config.ts): which rules file to use and how
 * hard to try delivering alerts. The rules themselves live in their own file (schema.ts).
 */
import { z } from "zod";
import { registerConfigSection } from "../../pipelines/core/config.ts";

export const RulesConfigSchema = z.strictObject({
  /** The rules file; default ./commsight.rules.yaml when it exists, else the embedded default set (reports/rules/default.rules.yaml). */
  file: z.string().optional(),
  /** Retries within one run (exponential backoff from backoffSeconds), for network errors, 429 and 5xx. */
  retries: z.number().int().min(0).max(10).default(3),
  backoffSeconds: z.number().positive().default(2),
  /** Runs an action is tried in before it is given up (each run retries what failed before). */
  maxAttempts: z.number().int().positive().default(5),
  /** Actions of alerts older than this are no longer attempted. */
  retryDays: z.number().int().positive().default(7),
}).prefault({});
export type RulesConfig = z.infer<typeof RulesConfigSchema>;

declare module "../../pipelines/core/config.ts" {
  interface ConfigSections { rules: RulesConfig }
}
registerConfigSection("rules", RulesConfigSchema);
