/**
 * The `models.opportunity` config section (hooked into pipelines/core/config.ts): what counts as a
 * won opportunity, the engagement topics the features count, and the weekly outreach lists.
 */
import { z } from "zod";
import { registerConfigSection, type Config } from "../../pipelines/core/config.ts";

const Outcome = z.discriminatedUnion("kind", [
  /** A date custom field on the contact (e.g. a CRM's last order): a purchase within horizonDays after the snapshot. */
  z.strictObject({ kind: z.literal("field"), field: z.string().min(1).default("last-order"), horizonDays: z.number().int().positive().default(14) }),
  /** A conversation tagged as an order: an inbound call or text on one of these topics within horizonDays. */
  z.strictObject({ kind: z.literal("topic"), topics: z.array(z.string().min(1)).min(1).default(["new_order"]), horizonDays: z.number().int().positive().default(14) }),
]);

export const OutreachConfigSchema = z.strictObject({
  /** Contacts listed per week at most (the team's calling capacity). */
  capacity: z.number().int().positive().default(60),
  /** Of the capacity, at most this share for each reason (the rest goes to the other reasons). */
  shares: z.strictObject({
    churn_risk: z.number().min(0).max(1).default(0.4),
    opportunity: z.number().min(0).max(1).default(0.4),
    recent_buyer: z.number().min(0).max(1).default(0.2),
  }).prefault({}),
  /** Candidates at or above these scores are eligible. */
  minChurnProbability: z.number().min(0).max(1).default(0.2),
  minOpportunityProbability: z.number().min(0).max(1).default(0.2),
  /** Buyers whose purchase is at most this many days old are checked in with. */
  recentBuyerDays: z.number().int().positive().default(14),
  /** A share of eligible candidates, picked by a hash of the contact and week, is held out and not listed: the comparison group. */
  holdoutShare: z.number().min(0).lt(1).default(0.2),
  /** A listed contact is reached by an answered outbound call within this many days of the list's week start. */
  reachDays: z.number().int().positive().default(7),
  /** What followed is looked for within this many days of the week start. */
  outcomeDays: z.number().int().positive().default(30),
  /** Weeks of lists built from the models' scores of earlier snapshots when the outreach history is empty (e.g. the demo). */
  backfillWeeks: z.number().int().min(0).default(8),
  /** The CSV for the phone team carries pseudonymous ids unless this allows the contact's name and number. */
  csvContactDetails: z.boolean().default(false),
  /** Contact tag written back to the phone system (the rules' `outreach` event uses it). */
  tag: z.string().min(1).default("commsight-outreach"),
}).prefault({});

export const OpportunityConfigSchema = z.strictObject({
  outcome: Outcome.default({ kind: "field", field: "last-order", horizonDays: 14 }),
  /** Topics that count as sales engagement in the features. */
  salesTopics: z.array(z.string().min(1)).default(["pricing", "new_order"]),
  seed: z.number().int().default(7),
  outreach: OutreachConfigSchema,
}).prefault({});

export type OpportunityConfig = z.infer<typeof OpportunityConfigSchema>;
export type OutreachConfig = z.infer<typeof OutreachConfigSchema>;

registerConfigSection("models.opportunity", OpportunityConfigSchema);

/**
 * The section from a parsed config (defaults when it was parsed without the section). Read through
 * this rather than `config.models.opportunity`: another module already types `models` by declaration
 * merging, and TypeScript allows a property only one type there.
 */
export function opportunityConfig(config: Config): OpportunityConfig {
  const got = (config.models as unknown as { opportunity?: OpportunityConfig }).opportunity;
  return got ?? OpportunityConfigSchema.parse(undefined);
}
