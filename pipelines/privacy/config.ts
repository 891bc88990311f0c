/**
 * The `privacy` config section (hooked into pipelines/core/config.ts): what is redacted, whose
 * conversations are left alone, how small a group may be shown, and how long data is kept per
 * purpose. The pseudonym key is a secret and so never lives here: COMMSIGHT_PSEUDONYM_KEY.
 */
import { z } from "zod";
import { registerConfigSection } from "../core/config.ts";

export const PII_TYPES = ["phone", "email", "card", "iban", "national_id"] as const;
export const PiiType = z.enum(PII_TYPES);
export type PiiType = z.infer<typeof PiiType>;

/** What an opt-out excludes from analysis (the raw zone keeps the records either way). */
export const OPT_OUT_SCOPES = ["transcripts", "summaries", "messages", "surveys"] as const;

const Purpose = z.strictObject({
  /** Why the data is kept, e.g. "contractual evidence". */
  name: z.string().min(1),
  /** Kept for this many days after its partition day. */
  days: z.number().int().positive(),
  /**
   * Raw entities (`calls`) or enriched ones (`enriched.message_texts`) kept for this purpose, besides
   * those the catalog declares for it (pipelines/catalog/raw.ts: calls for contractual evidence, …).
   */
  entities: z.array(z.string().min(1)).default([]),
});

export const PrivacyConfigSchema = z.strictObject({
  /** Redacted PII types; all by default. */
  redact: z.array(PiiType).default([...PII_TYPES]),
  /** Also replace the contact's own first and last name in their texts by [NAME]. */
  redactContactNames: z.boolean().default(true),
  /** Region for phone numbers written without a country code (ISO 3166 alpha-2). */
  defaultRegion: z.string().regex(/^[A-Z]{2}$/, "expected a two-letter region such as US").default("US"),
  /** Aggregates over fewer than this many people are hidden in anything a report shows (k; default 5, see minGroupSize()). */
  minGroupSize: z.number().int().min(1).optional(),
  optOut: z.strictObject({
    /** The boolean contact custom field (key or lower-cased name) that flags an opt-out. */
    field: z.string().min(1).default("opted-out"),
    /** What an opted-out contact's records are excluded from. */
    excludes: z.array(z.enum(OPT_OUT_SCOPES)).default(["transcripts"]),
  }).prefault({}),
  retention: z.strictObject({
    /**
     * Purposes and their periods. An entity kept for several purposes is kept for the longest;
     * an entity no purpose names is kept (retention never guesses). Enriched entities without
     * their own entry follow the raw entity they are derived from.
     */
    purposes: z.array(Purpose).default([
      { name: "contractual evidence", days: 5 * 365, entities: [] },
      { name: "analytics", days: 365, entities: [] },
      { name: "training", days: 183, entities: [] },
    ]),
    /**
     * How far the cutoff moves (pipelines/retention/retention.ts retentionCutoff). With "day", a day's
     * partitions go on the first night that day is past its period (D < T − days): one more day every
     * night. With "month" (the default), whole calendar months go, on the first night the month's
     * FIRST day is past its period: the cutoff is T − days when that is the 1st of a month, else the
     * 1st of the month after it. So nothing is kept longer than its period, at most about a month
     * less, and the deletions (and the rebuild of every feature snapshot that read the deleted days)
     * happen once a month instead of every night. Extract's expiry and enrich follow the same cutoff.
     * The quarantine is not stepped: its files go by age, day by day (no mart reads it).
     */
    step: z.enum(["day", "month"]).default("month"),
  }).prefault({}),
}).prefault({});

export type PrivacyConfig = z.infer<typeof PrivacyConfigSchema>;

/** k for small-group suppression: privacy.minGroupSize when set, else 5. */
export const DEFAULT_MIN_GROUP_SIZE = 5;
export function minGroupSize(privacy: PrivacyConfig): number {
  return privacy.minGroupSize ?? DEFAULT_MIN_GROUP_SIZE;
}

declare module "../core/config.ts" {
  interface ConfigSections { privacy: PrivacyConfig }
}
registerConfigSection("privacy", PrivacyConfigSchema);
