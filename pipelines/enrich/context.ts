/**
 * What every enrich step shares for one run: the redactor, who the contacts are (their numbers,
 * their names for [NAME] redaction, their opt-outs; see pipelines/privacy/optOut.ts), the
 * sentiment thresholds, the taxonomy and, when labelled examples are configured, the trained
 * topic classifier.
 */
import type { Config } from "../core/config.ts";
import type { ContactInfo, Contacts } from "../privacy/optOut.ts";
import { redactor } from "../privacy/redact.ts";
import { keywordTopic, loadTaxonomy, type Taxonomy } from "../../models/text/topics.ts";
import type { TopicClassifier } from "../../models/text/classifier.ts";
import type { Thresholds } from "../../models/text/sentiment.ts";

export type EnrichContext = {
  config: Config;
  redact: ReturnType<typeof redactor>;
  thresholds: Thresholds;
  taxonomy: Taxonomy;
  classifier: TopicClassifier | null;
  byPhone: Map<string, ContactInfo>;
  byId: Map<string, ContactInfo>;
  excludes: Set<string>;
  piiByType: Record<string, number>;
};

export function newContext(config: Config, contacts: Contacts, classifier: TopicClassifier | null): EnrichContext {
  return {
    config,
    redact: redactor(config.privacy.redact, config.privacy.defaultRegion),
    thresholds: config.text.sentiment,
    taxonomy: loadTaxonomy(config.text.topics.taxonomyFile),
    classifier,
    ...contacts,
    excludes: new Set(config.privacy.optOut.excludes),
    piiByType: { phone: 0, email: 0, card: 0, iban: 0, national_id: 0, name: 0 },
  };
}

/** Redact a text, counting what was found; the contact's own names too when configured. */
export function redactIn(ctx: EnrichContext, text: string, contact: ContactInfo | undefined): { text: string; found: number } {
  const r = ctx.redact(text, ctx.config.privacy.redactContactNames ? contact?.names : undefined);
  let found = r.names;
  for (const [k, v] of Object.entries(r.counts)) { ctx.piiByType[k]! += v; found += v; }
  ctx.piiByType.name! += r.names;
  return { text: r.text, found };
}

export type TopicPick = { topic: string | null; topic_source: "keywords" | "classifier" | null; classifier_topic: string | null; classifier_confidence: number | null };

/** The topics of many texts: the classifier's where it is confident, else the keyword taxonomy's. */
export function pickTopics(ctx: EnrichContext, texts: string[]): TopicPick[] {
  const predicted = ctx.classifier && texts.length ? ctx.classifier.predict(texts) : null;
  return texts.map((text, i) => {
    const p = predicted?.[i];
    if (p && p.confidence >= ctx.config.text.topics.minConfidence) {
      return { topic: p.topic, topic_source: "classifier", classifier_topic: p.topic, classifier_confidence: p.confidence };
    }
    const k = text ? keywordTopic(text, ctx.taxonomy) : null;
    return { topic: k, topic_source: k ? "keywords" : null, classifier_topic: p?.topic ?? null, classifier_confidence: p?.confidence ?? null };
  });
}
