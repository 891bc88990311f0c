/**
 * Enriched entities: what the text stage writes under data/lake/enriched/<name>/ (redacted text,
 * sentiment, topics, conversation metrics), each with its zod schema. Transforms read them with
 * `{{ source('<name>') }}` like raw entities; a missing one is an empty table typed from its schema.
 * Every entity is partitioned by the day (`date=`, UTC) of the raw partition it comes from, so
 * retention can drop it with its source. No column holds raw text: only redacted text.
 */
import { z } from "zod";
import { col } from "./meta.ts";

export type EnrichedEntity = {
  name: string;
  /** One line for the data dictionary and the warehouse: what a row is. */
  description: string;
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

// Shared wording: every text column here is redacted, so none of them is personal (pii "none").
const SENTIMENT = "Sentiment of the redacted text: VADER-style compound score from −1 (most negative) to 1 (most positive).";
const LABEL = "Sentiment bucket of the score: negative (below text.sentiment.negativeBelow, default 0), positive (above positiveAbove, default 0.4), else neutral.";
const REDACTED = "Number of PII spans (phones, e-mails, cards, IBANs, national ids, the contact's names) replaced by placeholders in this row's text.";
const TOPIC = "Keyword topic, or the classifier's when it is confident (see topic_source).";
const TOPIC_SOURCE = "Which decided topic: classifier (probability ≥ text.topics.minConfidence) or keywords (the taxonomy); null when no topic.";
const CLASSIFIER_TOPIC = "The classifier's best topic whether or not it was used; null without a trained classifier.";
const CLASSIFIER_CONFIDENCE = "The classifier's probability (0-1) for classifier_topic; null without a trained classifier.";

export const MessageText = z.object({
  message_id: col(z.string(), "Id (AC…) of the message (raw messages.id).", "none"),
  direction: col(z.enum(["incoming", "outgoing"]), "incoming (from a customer) or outgoing (from the business), as on the message.", "none"),
  text: col(z.string(), "The message, redacted.", "none"),
  topic: col(z.string().nullable(), TOPIC + " Only for incoming messages; null otherwise.", "none"),
  topic_source: col(z.enum(["keywords", "classifier"]).nullable(), TOPIC_SOURCE, "none"),
  classifier_topic: col(z.string().nullable(), CLASSIFIER_TOPIC, "none"),
  classifier_confidence: col(z.number().nullable(), CLASSIFIER_CONFIDENCE, "none"),
  sentiment: col(z.number(), SENTIMENT, "none"),
  sentiment_label: col(label, LABEL, "none"),
  pii_redacted: col(count, REDACTED, "none"),
});

export const TranscriptTurn = z.object({
  call_id: col(z.string(), "Id (AC…) of the call the turn was said on (raw call_transcripts.callId).", "none"),
  turn: col(count, "Position of the turn in the call's transcript, from 0.", "none"),
  speaker: col(z.enum(["agent", "customer"]), "Who spoke: agent (the segment has a user id) or customer (an external party).", "none"),
  user_id: col(z.string().nullable(), "Id (US…) of the user (agent) who spoke; null for the customer.", "identifier"),
  start_seconds: col(z.number(), "Start of the turn, in seconds from the start of the call.", "none"),
  end_seconds: col(z.number(), "End of the turn, in seconds from the start of the call.", "none"),
  text: col(z.string(), "What was said in the turn, redacted.", "none"),
  sentiment: col(z.number(), SENTIMENT, "none"),
  sentiment_label: col(label, LABEL, "none"),
  pii_redacted: col(count, REDACTED, "none"),
});

const num = z.number().nullable();
const metric = "null without an analysed transcript.";
export const CallText = z.object({
  call_id: col(z.string(), "Id (AC…) of a call with a summary or a transcript (raw calls.id).", "none"),
  opted_out: col(z.boolean(), "The contact opted out of analysis: no transcript was read.", "none"),
  analysed: col(z.boolean(), "A transcript was analysed (turns, metrics, sentiment).", "none"),
  summary: col(z.string().nullable(), "Summary of the call, redacted: the provider's, or an extractive one from the transcript (see summary_source); null if none.", "none"),
  summary_source: col(
    z.enum(["provider", "extractive", "none"]),
    "Where summary came from: provider (Quo's AI summary), extractive (up to 3 transcript sentences) or none.",
    "none",
  ),
  next_steps: col(z.string().nullable(), "The provider's next steps, redacted, joined into one text; null if none or not allowed for an opted-out contact.", "none"),
  topic: col(z.string().nullable(), TOPIC + " Taken from the summary.", "none"),
  topic_source: col(z.enum(["keywords", "classifier"]).nullable(), TOPIC_SOURCE, "none"),
  classifier_topic: col(z.string().nullable(), CLASSIFIER_TOPIC, "none"),
  classifier_confidence: col(num, CLASSIFIER_CONFIDENCE, "none"),
  turns: col(count, "Number of transcript turns analysed (0 when none).", "none"),
  customer_sentiment: col(num, "Mean sentiment (−1…1) of the customer's turns; null if the customer has none.", "none"),
  customer_sentiment_start: col(num, "Sentiment (−1…1) of the customer's first turn; null if none.", "none"),
  customer_sentiment_end: col(num, "Sentiment (−1…1) of the customer's last turn; null if none.", "none"),
  customer_sentiment_label: col(label.nullable(), "Sentiment bucket (negative, neutral, positive) of the customer's last turn; null if none.", "none"),
  summary_sentiment: col(num, "Sentiment (−1…1) of the redacted summary; null without a summary.", "none"),
  escalation_requested: col(z.boolean(), "The customer asked for a manager or supervisor.", "none"),
  agent_talk_seconds: col(num, `Seconds the agent spoke (sum of their turns' lengths); ${metric}`, "none"),
  customer_talk_seconds: col(num, `Seconds the customer spoke (sum of their turns' lengths); ${metric}`, "none"),
  talk_listen_ratio: col(num, `Agent talk ÷ customer talk; null when the customer did not speak or ${metric}`, "none"),
  agent_talk_share: col(num, `Agent talk ÷ (agent + customer talk), 0-1; ${metric}`, "none"),
  longest_agent_monologue_seconds: col(num, `Longest run of consecutive agent turns, first start to last end, in seconds; ${metric}`, "none"),
  longest_customer_monologue_seconds: col(num, `Longest run of consecutive customer turns, first start to last end, in seconds; ${metric}`, "none"),
  silence_seconds: col(num, `Seconds between the first start and the last end that no turn covers; ${metric}`, "none"),
  silence_share: col(num, `silence_seconds ÷ the span from the first start to the last end, 0-1; ${metric}`, "none"),
  longest_silence_seconds: col(num, `Longest gap with nobody speaking, in seconds; ${metric}`, "none"),
  overtalk_seconds: col(num, `Seconds agent and customer spoke at once; ${metric}`, "none"),
  agent_questions: col(z.number().int().nullable(), `Questions the agent asked (sentences ending in "?"); ${metric}`, "none"),
  customer_questions: col(z.number().int().nullable(), `Questions the customer asked (sentences ending in "?"); ${metric}`, "none"),
  response_latency_seconds: col(num, `Mean seconds from the end of a customer turn to the start of the agent's reply (0 if they overlap); ${metric}`, "none"),
  max_response_latency_seconds: col(num, `Longest such response latency, in seconds; ${metric}`, "none"),
  pii_redacted: col(count, "Number of PII spans replaced by placeholders in the call's transcript turns, summary and next steps.", "none"),
});

export const SurveyComment = z.object({
  response_id: col(z.string(), "Id of the survey response the comment belongs to (raw survey_responses.id).", "none"),
  comment: col(z.string(), "The customer's survey comment, redacted.", "none"),
  sentiment: col(z.number(), SENTIMENT, "none"),
  sentiment_label: col(label, LABEL, "none"),
  pii_redacted: col(count, REDACTED, "none"),
});

export const TextTerm = z.object({
  interaction_id: col(z.string(), "The message, call or survey response the customer wrote or said it in.", "none"),
  source: col(z.enum(["message", "call", "survey"]), "Kind of interaction_id: message (incoming message), call (customer's transcript turns) or survey (comment).", "none"),
  term: col(z.string(), "A lower-cased word or 2-3 word phrase (neither starting nor ending with a stopword) of the customer's redacted text; placeholders dropped.", "none"),
  theme: col(
    z.enum(["all", "irritant", "objection", "feedback"]),
    "all (every term), or the theme of a sentence it occurs in: irritant (negative sentence), objection or feedback (configured cue phrases).",
    "none",
  ),
  words: col(z.number().int().min(1).max(3), "Number of words in the term: 1, 2 or 3.", "none"),
});

export const ENRICHED: EnrichedEntity[] = [
  { name: "message_texts", description: "Each text message, redacted, with its sentiment and topic; one row per message.", schema: MessageText, from: ["messages"], key: ["message_id"] },
  { name: "transcript_turns", description: "Each turn of a call transcript, redacted, with its speaker, timing and sentiment; one row per turn.", schema: TranscriptTurn, from: ["call_transcripts"], key: ["call_id", "turn"] },
  { name: "call_texts", description: "Per call: the redacted summary (the provider's or an extractive one), topic, customer sentiment at start and end, and conversation metrics; one row per call.", schema: CallText, from: ["call_summaries"], key: ["call_id"] },
  { name: "survey_comments", description: "Each survey comment, redacted, with its sentiment; one row per response with a comment.", schema: SurveyComment, from: ["survey_responses"], key: ["response_id"] },
  { name: "text_terms", description: "Words and 2-3 word phrases customers used in messages, calls and survey comments, themed irritant, objection or feedback; one row per interaction, theme and term.", schema: TextTerm, from: ["messages", "call_transcripts", "survey_responses"], key: ["interaction_id", "theme", "term"] },
];

export type MessageText = z.infer<typeof MessageText>;
export type TranscriptTurn = z.infer<typeof TranscriptTurn>;
export type CallText = z.infer<typeof CallText>;
export type SurveyComment = z.infer<typeof SurveyComment>;
export type TextTerm = z.infer<typeof TextTerm>;
