/**
 * The `text` config section (hooked into pipelines/core/config.ts): sentiment thresholds, the
 * topic taxonomy and classifier, emerging-term detection, themes, and contact tag rules.
 */
import { z } from "zod";
import { registerConfigSection } from "../../pipelines/core/config.ts";

const Tag = z.strictObject({
  /** The tag's name as it lands in contact_tags (e.g. "payment_trouble"). */
  tag: z.string().regex(/^[a-z][a-z0-9_]*$/, "expected a snake_case name"),
  /** Interactions counted: on this topic and/or whose (redacted) customer text holds this phrase. */
  topic: z.string().optional(),
  phrase: z.string().min(2).optional(),
  /** Only interactions whose customer sentiment is negative. */
  negative: z.boolean().default(false),
  /** Applied when at least `min` such interactions fall within `withinDays` days. */
  min: z.number().int().positive(),
  withinDays: z.number().int().positive(),
}).refine((t) => t.topic !== undefined || t.phrase !== undefined || t.negative, { message: "a tag rule needs a topic, a phrase or negative: true" });

export const TextConfigSchema = z.strictObject({
  sentiment: z.strictObject({
    /** Compound score (−1…1) below which a text is negative, above which positive; tuned on held-out tweets. */
    negativeBelow: z.number().min(-1).max(1).default(0),
    positiveAbove: z.number().min(-1).max(1).default(0.4),
  }).prefault({}),
  topics: z.strictObject({
    /** The keyword taxonomy: a CSV of topic,label,keyword,priority (default transforms/seeds/topic_keywords.csv). */
    taxonomyFile: z.string().optional(),
    /** Labelled examples (CSV text,topic): when given, a TensorFlow.js classifier is trained on them. */
    examplesFile: z.string().optional(),
    /** The classifier's topic is used where its probability reaches this; else the keywords decide. */
    minConfidence: z.number().min(0).max(1).default(0.6),
    epochs: z.number().int().positive().default(5),
    seed: z.number().int().default(7),
  }).prefault({}),
  emerging: z.strictObject({
    /** Trailing weeks the latest week is compared with. */
    baselineWeeks: z.number().int().min(2).default(8),
    /** A term must occur in at least this many texts in the week. */
    minCount: z.number().int().positive().default(8),
    /** Log-likelihood G² threshold (1 d.f.): 15.13 is p < 0.0001, strict because thousands of terms are tested each week. */
    g2Threshold: z.number().positive().default(15.13),
    /** And at least this many times its baseline rate. */
    minRatio: z.number().min(1).default(2),
  }).prefault({}),
  /** Cue phrases that mark a customer sentence as an objection or product feedback (irritants: negative sentences). */
  themes: z.strictObject({
    objection: z.array(z.string().min(2)).default([
      "too expensive", "can't afford", "cannot afford", "cheaper", "competitor", "not interested", "think about it",
      "too much", "not worth", "out of my budget", "better deal", "another provider", "hidden fees", "contract",
    ]),
    feedback: z.array(z.string().min(2)).default([
      "app", "website", "feature", "would be nice", "wish", "confusing", "hard to find", "keeps crashing", "crashes",
      "slow", "update", "portal", "online", "bug", "error message",
    ]),
  }).prefault({}),
  tags: z.strictObject({
    /**
     * Problem customer: repeated negative experience — texts in negative sentiment (messages, call
     * transcripts or summaries, survey comments), detractor or dissatisfied survey scores (NPS ≤ 6,
     * CSAT ≤ 2) and unresolved attempts (inbound calls missed, abandoned or sent to voicemail).
     */
    problemCustomer: z.strictObject({
      min: z.number().int().positive().default(3),
      withinDays: z.number().int().positive().default(30),
      signals: z.array(z.enum(["negative_text", "low_score", "unresolved"])).min(1).default(["negative_text", "low_score", "unresolved"]),
    }).prefault({}),
    /** Repeat caller: inbound calls in a short window. */
    repeatCaller: z.strictObject({ min: z.number().int().positive().default(3), withinDays: z.number().int().positive().default(7) }).prefault({}),
    /** Frequent escalator: calls transferred on or asking for a manager. */
    frequentEscalator: z.strictObject({ min: z.number().int().positive().default(3), withinDays: z.number().int().positive().default(90) }).prefault({}),
    /** More tags from rules. */
    custom: z.array(Tag).default([]),
  }).prefault({}),
}).prefault({});

export type TextConfig = z.infer<typeof TextConfigSchema>;
export type TagRule = z.infer<typeof Tag>;

declare module "../../pipelines/core/config.ts" {
  interface ConfigSections { text: TextConfig }
}
registerConfigSection("text", TextConfigSchema);
