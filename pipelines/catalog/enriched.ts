/**
 * Enriched entities: what the text stage writes under data/lake/enriched/<name>/ (redacted text,
 * sentiment, topics, conversation metrics), each with its zod schema. Transforms read them with
 * `{{ source('<name>') }}` like raw entities; a missing one is an empty table typed from its schema.
 * Every entity is partitioned by the day (`date=`, UTC) of the raw partition it comes from, so
 * retention can drop it with its source. No column holds raw text: only redacted text.
 */
import { z } from "zod";

export type EnrichedEntity = {
  name: string;
  schema: z.ZodType;
  /**
   * The raw entities it is derived from: unless configured otherwise, retention keeps it only as
   * long as the shortest-kept of them (a derived row must not outlive what it was derived from).
   */
  from: string[];
  /** Columns that identify a row (the stable write order). */
  key: string[];
};

const label = z.enum(["negative", "neutral", "positive"]);
const count = z.number().int().nonnegative();

export const MessageText = z.object({
  message_id: z.string(),
  direction: z.enum(["incoming", "outgoing"]),
  /** The message, redacted. */
  text: z.string(),
  /** Keyword topic, or the classifier's when it is confident (see topic_source). */
  topic: z.string().nullable(),
  topic_source: z.enum(["keywords", "classifier"]).nullable(),
  classifier_topic: z.string().nullable(),
  classifier_confidence: z.number().nullable(),
  sentiment: z.number(),
  sentiment_label: label,
  pii_redacted: count,
});

export const TranscriptTurn = z.object({
  call_id: z.string(),
  turn: count,
  speaker: z.enum(["agent", "customer"]),
  user_id: z.string().nullable(),
  start_seconds: z.number(),
  end_seconds: z.number(),
  text: z.string(),
  sentiment: z.number(),
  sentiment_label: label,
  pii_redacted: count,
});

const num = z.number().nullable();
export const CallText = z.object({
  call_id: z.string(),
  /** The contact opted out of analysis: no transcript was read. */
  opted_out: z.boolean(),
  /** A transcript was analysed (turns, metrics, sentiment). */
  analysed: z.boolean(),
  summary: z.string().nullable(),
  summary_source: z.enum(["provider", "extractive", "none"]),
  next_steps: z.string().nullable(),
  topic: z.string().nullable(),
  topic_source: z.enum(["keywords", "classifier"]).nullable(),
  classifier_topic: z.string().nullable(),
  classifier_confidence: num,
  turns: count,
  customer_sentiment: num,
  customer_sentiment_start: num,
  customer_sentiment_end: num,
  customer_sentiment_label: label.nullable(),
  summary_sentiment: num,
  /** The customer asked for a manager or supervisor. */
  escalation_requested: z.boolean(),
  agent_talk_seconds: num,
  customer_talk_seconds: num,
  talk_listen_ratio: num,
  agent_talk_share: num,
  longest_agent_monologue_seconds: num,
  longest_customer_monologue_seconds: num,
  silence_seconds: num,
  silence_share: num,
  longest_silence_seconds: num,
  overtalk_seconds: num,
  agent_questions: z.number().int().nullable(),
  customer_questions: z.number().int().nullable(),
  response_latency_seconds: num,
  max_response_latency_seconds: num,
  pii_redacted: count,
});

export const SurveyComment = z.object({
  response_id: z.string(),
  comment: z.string(),
  sentiment: z.number(),
  sentiment_label: label,
  pii_redacted: count,
});

export const TextTerm = z.object({
  /** The message, call or survey response the customer wrote or said it in. */
  interaction_id: z.string(),
  source: z.enum(["message", "call", "survey"]),
  term: z.string(),
  theme: z.enum(["all", "irritant", "objection", "feedback"]),
  words: z.number().int().min(1).max(3),
});

export const ENRICHED: EnrichedEntity[] = [
  { name: "message_texts", schema: MessageText, from: ["messages"], key: ["message_id"] },
  { name: "transcript_turns", schema: TranscriptTurn, from: ["call_transcripts"], key: ["call_id", "turn"] },
  { name: "call_texts", schema: CallText, from: ["call_summaries"], key: ["call_id"] },
  { name: "survey_comments", schema: SurveyComment, from: ["survey_responses"], key: ["response_id"] },
  { name: "text_terms", schema: TextTerm, from: ["messages", "call_transcripts", "survey_responses"], key: ["interaction_id", "theme", "term"] },
];

export type MessageText = z.infer<typeof MessageText>;
export type TranscriptTurn = z.infer<typeof TranscriptTurn>;
export type CallText = z.infer<typeof CallText>;
export type SurveyComment = z.infer<typeof SurveyComment>;
export type TextTerm = z.infer<typeof TextTerm>;
