/**
 * The topics of the demo business and the keywords its texts use. Every generated text of a
 * topic (summary, transcript, message, survey comment) holds at least one of the topic's
 * keywords (lowercase substring match) and none of any other topic's.
 */

export type LineName = "Sales" | "Support" | "Billing";
export const LINE_NAMES: readonly LineName[] = ["Sales", "Support", "Billing"];

export type TopicId =
  | "login" | "outage" | "billing_dispute" | "payment" | "pricing"
  | "new_order" | "cancellation" | "technical" | "appointment";

export interface DemoTopic {
  id: TopicId;
  label: string;
  /** The line that mostly handles it. */
  line: LineName;
  /** Every line it arrives on. */
  lines: LineName[];
  keywords: string[];
}

export const DEMO_TOPICS: readonly DemoTopic[] = [
  { id: "login", label: "Login problems", line: "Support", lines: ["Support"], keywords: ["log in", "login", "password", "locked out"] },
  { id: "outage", label: "Service outage", line: "Support", lines: ["Support"], keywords: ["outage", "service is down", "not working at all"] },
  { id: "billing_dispute", label: "Billing dispute", line: "Billing", lines: ["Billing", "Support"], keywords: ["charged twice", "refund", "dispute"] },
  { id: "payment", label: "Payments and invoices", line: "Billing", lines: ["Billing"], keywords: ["payment", "invoice", "autopay"] },
  { id: "pricing", label: "Pricing and quotes", line: "Sales", lines: ["Sales"], keywords: ["pricing", "quote", "price"] },
  { id: "new_order", label: "New orders and upgrades", line: "Sales", lines: ["Sales"], keywords: ["order", "sign up", "upgrade"] },
  { id: "cancellation", label: "Cancellation", line: "Support", lines: ["Support", "Billing"], keywords: ["cancel", "cancellation", "close my account"] },
  { id: "technical", label: "Technical issue", line: "Support", lines: ["Support"], keywords: ["error message", "app crashes", "bug"] },
  { id: "appointment", label: "Appointments", line: "Support", lines: ["Support", "Sales"], keywords: ["appointment", "reschedule", "technician"] },
];

export const TOPIC_INDEX: Readonly<Record<TopicId, number>> = Object.fromEntries(
  DEMO_TOPICS.map((t, i) => [t.id, i]),
) as Record<TopicId, number>;

export function topicOf(id: TopicId): DemoTopic {
  return DEMO_TOPICS[TOPIC_INDEX[id]]!;
}

/** Ids of the topics whose keywords occur in `text` (lowercase substring match). */
export function topicsInText(text: string): TopicId[] {
  const lower = text.toLowerCase();
  return DEMO_TOPICS.filter((t) => t.keywords.some((k) => lower.includes(k))).map((t) => t.id);
}

/** Every keyword of every topic, for hygiene checks of filler text. */
export const ALL_KEYWORDS: readonly string[] = DEMO_TOPICS.flatMap((t) => t.keywords);

/** Words marking negative and positive sentiment in generated texts. */
export const SENTIMENT_WORDS = {
  negative: ["frustrated", "terrible", "still not fixed", "unacceptable", "waste of time", "very unhappy"],
  positive: ["thanks so much", "great help", "really appreciate", "super helpful", "wonderful"],
} as const;
