/**
 * What every enrich step shares for one run: the redactor, who the contacts are (their numbers,
 * their names for [NAME] redaction, their opt-outs), the sentiment thresholds, the taxonomy and,
 * when labelled examples are configured, the trained topic classifier.
 */
import { join } from "node:path";
import type { Config } from "../core/config.ts";
import { lit, rows, sqlTemplate, type Db } from "../core/duckdb.ts";
import { redactor } from "../privacy/redact.ts";
import { keywordTopic, loadTaxonomy, type Taxonomy } from "../../models/text/topics.ts";
import type { TopicClassifier } from "../../models/text/classifier.ts";
import type { Thresholds } from "../../models/text/sentiment.ts";

const SQL = join(import.meta.dirname, "sql");

export type ContactInfo = { contactId: string; names: string[]; optedOut: boolean };

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

/** Contacts from the raw snapshot, keyed by phone number and by id. */
export async function loadContacts(db: Db, relation: string | null, field: string): Promise<{ byPhone: Map<string, ContactInfo>; byId: Map<string, ContactInfo> }> {
  const byPhone = new Map<string, ContactInfo>();
  const byId = new Map<string, ContactInfo>();
  if (!relation) return { byPhone, byId };
  type Row = { contact_id: string; first_name: string | null; last_name: string | null; opted_out: boolean; phone: string | null };
  for (const r of await rows<Row>(db, sqlTemplate(join(SQL, "contacts.sql"), { contacts: relation, field: lit(field) }))) {
    let info = byId.get(r.contact_id);
    if (!info) {
      info = { contactId: r.contact_id, names: [r.first_name, r.last_name].filter((n): n is string => !!n && n.length > 1), optedOut: r.opted_out };
      byId.set(r.contact_id, info);
    }
    // Where contacts share a number, an opt-out by any of them protects the number's conversations.
    if (r.phone) {
      const known = byPhone.get(r.phone);
      byPhone.set(r.phone, known ? { ...known, optedOut: known.optedOut || info.optedOut, names: [...new Set([...known.names, ...info.names])] } : info);
    }
  }
  return { byPhone, byId };
}

export function newContext(config: Config, contacts: { byPhone: Map<string, ContactInfo>; byId: Map<string, ContactInfo> }, classifier: TopicClassifier | null): EnrichContext {
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
