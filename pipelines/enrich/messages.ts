/** Enriching text messages and survey comments: redact, then sentiment, topic and terms. */
import { z } from "zod";
import { sentiment } from "../../models/text/sentiment.ts";
import { textTerms } from "../../models/text/terms.ts";
import { pickTopics, redactIn, type EnrichContext } from "./context.ts";
import type { MessageText, SurveyComment, TextTerm } from "../catalog/enriched.ts";
import { rowsOf } from "./read.ts";
import type { EntityWriter } from "./write.ts";

/** Messages as read from the raw lake, column by column (validated: they cross from DuckDB into JS). */
export const RawMessages = z.object({
  id: z.array(z.string()), direction: z.array(z.enum(["incoming", "outgoing"])), text: z.array(z.string()),
  contact_phone: z.array(z.string().nullable()), day: z.array(z.string()),
});
export const RawSurveys = z.object({ id: z.array(z.string()), comment: z.array(z.string()), contact_id: z.array(z.string().nullable()), day: z.array(z.string()) });

export function enrichMessages(
  ctx: EnrichContext, raw: z.infer<typeof RawMessages>, out: EntityWriter<MessageText>, terms: EntityWriter<TextTerm>,
): { read: number; skipped: number } {
  const msgs = rowsOf(raw);
  const optOut = ctx.excludes.has("messages");
  const kept = msgs.filter((m) => !(optOut && m.contact_phone && ctx.byPhone.get(m.contact_phone)?.optedOut));
  const redacted = kept.map((m) => redactIn(ctx, m.text, m.contact_phone ? ctx.byPhone.get(m.contact_phone) : undefined));
  // Topics only for what customers write: an agent's reply restates the customer's topic at best.
  const incoming = kept.map((m, i) => (m.direction === "incoming" ? redacted[i]!.text : ""));
  const topics = pickTopics(ctx, incoming);
  kept.forEach((m, i) => {
    const text = redacted[i]!.text;
    const s = sentiment(text, ctx.thresholds);
    const t = m.direction === "incoming" ? topics[i]! : { topic: null, topic_source: null, classifier_topic: null, classifier_confidence: null };
    out.add({
      message_id: m.id, direction: m.direction, text, ...t, sentiment: s.score, sentiment_label: s.label, pii_redacted: redacted[i]!.found,
    }, m.day);
    if (m.direction === "incoming") {
      for (const term of textTerms(text, ctx.config.text.themes, ctx.thresholds)) terms.add({ interaction_id: m.id, source: "message", ...term }, m.day);
    }
  });
  return { read: msgs.length, skipped: msgs.length - kept.length };
}

export function enrichSurveys(
  ctx: EnrichContext, raw: z.infer<typeof RawSurveys>, out: EntityWriter<SurveyComment>, terms: EntityWriter<TextTerm>,
): { read: number; skipped: number } {
  const rows = rowsOf(raw);
  const optOut = ctx.excludes.has("surveys");
  let skipped = 0;
  for (const r of rows) {
    const contact = r.contact_id ? ctx.byId.get(r.contact_id) : undefined;
    if (optOut && contact?.optedOut) { skipped++; continue; }
    const { text, found } = redactIn(ctx, r.comment, contact);
    const s = sentiment(text, ctx.thresholds);
    out.add({ response_id: r.id, comment: text, sentiment: s.score, sentiment_label: s.label, pii_redacted: found }, r.day);
    for (const term of textTerms(text, ctx.config.text.themes, ctx.thresholds)) terms.add({ interaction_id: r.id, source: "survey", ...term }, r.day);
  }
  return { read: rows.length, skipped };
}
