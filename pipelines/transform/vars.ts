/**
 * The SQL vars of the privacy, text and business-calendar sections (spread into the transform's
 * vars): the pseudonym key for the staging models, k for small-group suppression, the emerging-term
 * and tag rules, and the business's hours and holidays for the calendar mart. The key comes from
 * the environment, never from the config file.
 */
import type { Config } from "../core/config.ts";
import { minGroupSize } from "../privacy/config.ts";
import { pseudonymKey } from "../privacy/pseudonym.ts";
import { calendarTransformVars } from "../../models/shared/businessCalendar.ts";

export function textTransformVars(config: Config, env: NodeJS.ProcessEnv = process.env): Record<string, string | number> {
  const e = config.text.emerging;
  const t = config.text.tags;
  return {
    pseudonym_key: pseudonymKey(env).key,
    min_group_size: minGroupSize(config.privacy),
    sentiment_negative_below: config.text.sentiment.negativeBelow,
    sentiment_positive_above: config.text.sentiment.positiveAbove,
    emerging_baseline_weeks: e.baselineWeeks,
    emerging_min_count: e.minCount,
    emerging_g2: e.g2Threshold,
    emerging_min_ratio: e.minRatio,
    problem_min: t.problemCustomer.min,
    problem_days: t.problemCustomer.withinDays,
    problem_signals: t.problemCustomer.signals.join(","),
    repeat_min: t.repeatCaller.min,
    repeat_days: t.repeatCaller.withinDays,
    escalator_min: t.frequentEscalator.min,
    escalator_days: t.frequentEscalator.withinDays,
    ...calendarTransformVars(config),
    custom_tags_json: JSON.stringify(t.custom.map((c) => ({ ...c, topic: c.topic ?? null, phrase: c.phrase?.toLowerCase() ?? null }))),
  };
}
