/**
 * Enriching calls: the provider's summary (or, where there is none, an extractive one from the
 * transcript), the transcript's turns with their sentiment, the customer's sentiment at start and
 * end, conversation metrics and the customer's terms. Every text is redacted first; an opted-out
 * contact's transcript is not read at all (nor their summary, when the config says so).
 */
import { z } from "zod";
import { conversationMetrics, type ConversationMetrics, type Segment } from "../../models/text/conversation.ts";
import { labelOf, sentiment, sentimentScore } from "../../models/text/sentiment.ts";
import { extractiveSummary } from "../../models/text/summarize.ts";
import { textTerms } from "../../models/text/terms.ts";
import { pickTopics, redactIn, type EnrichContext } from "./context.ts";
import { rowsOf } from "./read.ts";
import type { CallText, TextTerm, TranscriptTurn } from "../catalog/enriched.ts";
import type { EntityWriter } from "./write.ts";

/** Calls (sql/calls.sql) and transcript turns (sql/turns.sql) of a month, column by column. */
export const RawCalls = z.object({
  call_id: z.array(z.string()), day: z.array(z.string()), summary: z.array(z.string().nullable()),
  next_steps: z.array(z.string().nullable()), contact_phone: z.array(z.string().nullable()),
});
export const RawTurns = z.object({
  call_id: z.array(z.string()), turn: z.array(z.number()), content: z.array(z.string()),
  start_seconds: z.array(z.number()), end_seconds: z.array(z.number()), user_id: z.array(z.string().nullable()),
});
type RawCall = { call_id: string; day: string; summary: string | null; next_steps: string | null; contact_phone: string | null };
type RawTurn = { content: string; start: number; end: number; userId: string | null };

/** The turns of each call, in order. */
function turnsByCall(t: z.infer<typeof RawTurns>): Map<string, RawTurn[]> {
  const out = new Map<string, RawTurn[]>();
  for (let i = 0; i < t.call_id.length; i++) {
    const list = out.get(t.call_id[i]!) ?? [];
    list.push({ content: t.content[i]!, start: t.start_seconds[i]!, end: t.end_seconds[i]!, userId: t.user_id[i]! });
    out.set(t.call_id[i]!, list);
  }
  return out;
}

/** A customer asking to take it higher: what "frequent escalator" counts. */
const ESCALATION = /\b(manager|supervisor|escalat\w*|someone (?:more )?senior|file a complaint)\b/i;

export type Writers = { calls: EntityWriter<CallText>; turns: EntityWriter<TranscriptTurn>; terms: EntityWriter<TextTerm> };

export function enrichCalls(ctx: EnrichContext, raw: z.infer<typeof RawCalls>, rawTurns: z.infer<typeof RawTurns>, w: Writers): { read: number; optedOut: number; analysed: number } {
  const calls = rowsOf(raw);
  const dialogues = turnsByCall(rawTurns);
  const prepared = calls.map((c) => prepare(ctx, c, dialogues.get(c.call_id) ?? []));
  const topics = pickTopics(ctx, prepared.map((p) => p.summary ?? ""));
  let optedOut = 0, analysed = 0;
  prepared.forEach((p, i) => {
    const c = calls[i]!;
    if (p.optedOut) optedOut++;
    if (p.turns.length) analysed++;
    p.turns.forEach((t, k) => w.turns.add({
      call_id: c.call_id, turn: k, speaker: t.speaker, user_id: t.userId, start_seconds: t.start, end_seconds: t.end,
      text: t.text, sentiment: t.score, sentiment_label: labelOf(t.score, ctx.thresholds), pii_redacted: t.found,
    }, c.day));
    const customer = p.turns.filter((t) => t.speaker === "customer");
    const mean = customer.length ? customer.reduce((a, t) => a + t.score, 0) / customer.length : null;
    const end = customer.length ? customer[customer.length - 1]!.score : null;
    const metrics = p.turns.length ? conversationMetrics(p.turns) : null;
    w.calls.add({
      call_id: c.call_id, opted_out: p.optedOut, analysed: p.turns.length > 0,
      summary: p.summary, summary_source: p.summarySource, next_steps: p.nextSteps, ...topics[i]!,
      turns: p.turns.length,
      customer_sentiment: mean,
      customer_sentiment_start: customer.length ? customer[0]!.score : null,
      customer_sentiment_end: end,
      customer_sentiment_label: end === null ? null : labelOf(end, ctx.thresholds),
      summary_sentiment: p.summary ? sentimentScore(p.summary) : null,
      escalation_requested: customer.some((t) => ESCALATION.test(t.text)),
      ...(metrics ?? NO_METRICS),
      pii_redacted: p.found,
    }, c.day);
    if (customer.length) {
      const said = customer.map((t) => t.text).join(" ");
      for (const term of textTerms(said, ctx.config.text.themes, ctx.thresholds)) w.terms.add({ interaction_id: c.call_id, source: "call", ...term }, c.day);
    }
  });
  return { read: calls.length, optedOut, analysed };
}

type PreparedTurn = Segment & { userId: string | null; score: number; found: number };

function prepare(ctx: EnrichContext, c: RawCall, dialogue: RawTurn[]) {
  const contact = c.contact_phone ? ctx.byPhone.get(c.contact_phone) : undefined;
  const optedOut = contact?.optedOut ?? false;
  let found = 0;
  const redactCounted = (s: string) => { const r = redactIn(ctx, s, contact); found += r.found; return r; };
  const redact = (s: string) => redactCounted(s).text;
  const turns: PreparedTurn[] = [];
  if (dialogue.length && !(optedOut && ctx.excludes.has("transcripts"))) {
    for (const d of dialogue) {
      const { text, found: inTurn } = redactCounted(d.content);
      turns.push({
        speaker: d.userId ? "agent" : "customer", start: d.start, end: d.end, text, userId: d.userId, found: inTurn,
        score: sentiment(text, ctx.thresholds).score,
      });
    }
  }
  const summariesAllowed = !(optedOut && ctx.excludes.has("summaries"));
  let summary: string | null = null;
  let summarySource: CallText["summary_source"] = "none";
  if (c.summary && summariesAllowed) {
    summary = redact(c.summary);
    summarySource = "provider";
  } else if (turns.length) {
    summary = extractiveSummary(turns) || null;
    summarySource = summary ? "extractive" : "none";
  }
  const nextSteps = c.next_steps && summariesAllowed ? redact(c.next_steps) : null;
  return { optedOut, turns, summary, summarySource, nextSteps, found };
}

/** A call without an analysed transcript has no conversation metrics (NULL, not 0). */
const NO_METRICS = Object.fromEntries(Object.keys(conversationMetrics([])).map((k) => [k, null])) as { [K in keyof ConversationMetrics]: null };
